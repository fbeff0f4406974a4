"""OAuth 2.0 authorization code flow, with Authlib: start (state + PKCE S256), finish (state
checked single-use against the session, user and workspace; code exchanged), then a first call
to read the connected account. The token endpoint's client and storing its answer are in grant.py."""

from __future__ import annotations

import hashlib
import secrets

import httpx
from django.db import transaction
from django.utils import timezone

from hubwire.core.audit import audit_record
from hubwire.core.redaction import scrub
from hubwire.integrations.grant import AuthlibBaseError, oauth_client, store_token
from hubwire.integrations.health import record_failure, record_success
from hubwire.integrations.http import ProviderError
from hubwire.integrations.models import Connection, ConnectionStatus, OAuthState, hash_state
from hubwire.integrations.selectors import connection_of  # the connection may hold the app credentials
from hubwire.integrations.tokens import connection_client


class AuthorizationFailed(Exception):
    """The flow did not connect anything; the message is for the user, in plain words."""


def session_fingerprint(request) -> str:
    if not request.session.session_key:
        request.session.save()
    return hashlib.sha256(request.session.session_key.encode()).hexdigest()


def authorization_start(request, provider, *, mode: str) -> str:
    """Record a single-use state bound to this session, user and workspace; return the consent URL."""
    state = secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64) if provider.pkce else ""
    OAuthState.objects.filter(created_at__lt=timezone.now() - OAuthState.LIFETIME).delete()
    OAuthState.objects.create(state_hash=hash_state(state), session_hash=session_fingerprint(request),
                              workspace=request.workspace, user=request.user, provider=provider.key, mode=mode,
                              code_verifier=verifier)
    with oauth_client(provider, connection_of(request.workspace, provider, mode), mode) as client:
        url, _ = client.create_authorization_url(provider.endpoint(provider.authorize_endpoint), state=state,
                                                 code_verifier=verifier or None, **provider.authorize_params)
    return url


def _claim_state(request, provider) -> OAuthState:
    state = request.GET.get("state", "")
    if not state:
        raise AuthorizationFailed(f"The answer from {provider.name} carried no state, so hubwire cannot tell it "
                                  "belongs to you. Nothing was changed; start again with Connect.")
    fresh = timezone.now() - OAuthState.LIFETIME
    row = OAuthState.objects.filter(state_hash=hash_state(state), provider=provider.key, used_at=None,
                                    created_at__gte=fresh).first()
    if row is None:
        raise AuthorizationFailed("This sign-in link has already been used or has expired. "
                                  "Nothing was changed; start again with Connect.")
    # Checked before the state is spent, so a stranger holding the link cannot burn it either.
    if (row.session_hash != session_fingerprint(request) or row.user_id != request.user.pk
            or row.workspace_id != request.workspace.pk):
        raise AuthorizationFailed("This sign-in was started in another session. Nothing was changed; "
                                  "start again with Connect from this browser.")
    if not OAuthState.objects.filter(pk=row.pk, used_at=None).update(used_at=timezone.now()):
        raise AuthorizationFailed("This sign-in link has already been used. Nothing was changed.")
    return row


def authorization_finish(request, provider) -> Connection:
    """Check the callback and exchange its code. Raises AuthorizationFailed, having changed nothing."""
    started = _claim_state(request, provider)
    error = request.GET.get("error")
    if error == "access_denied":
        raise AuthorizationFailed(f"You declined access at {provider.name}. Nothing was changed.")
    if error:
        words = scrub(request.GET.get("error_description") or error)[:300]
        raise AuthorizationFailed(f"{provider.name} did not connect: {words}. Nothing was changed.")
    code = request.GET.get("code")
    if not code:
        raise AuthorizationFailed(f"{provider.name} sent no authorization code. Nothing was changed.")

    try:
        with oauth_client(provider, connection_of(request.workspace, provider, started.mode), started.mode) as client:
            token = client.fetch_token(provider.endpoint(provider.token_endpoint), grant_type="authorization_code",
                                       code=code, code_verifier=started.code_verifier or None)
    except AuthlibBaseError as exc:
        raise AuthorizationFailed(f"{provider.name} refused the sign-in: {scrub(exc.description or exc.error)}. "
                                  "Nothing was changed.") from None
    except (ProviderError, ValueError, httpx.HTTPError) as exc:
        raise AuthorizationFailed(f"Could not reach {provider.name} to finish the sign-in ({scrub(str(exc))}). "
                                  "Nothing was changed; try again.") from None

    problem = provider.token_problem(token, started.mode)
    if problem:
        raise AuthorizationFailed(f"{problem} Nothing was changed.")

    with transaction.atomic():
        connection, _ = Connection.objects.select_for_update().get_or_create(
            workspace=request.workspace, provider=provider.key, mode=started.mode)
        store_token(provider, connection, token)
        kept = {**{p: request.GET[p] for p in provider.callback_params if p in request.GET},
                **{f: token[f] for f in provider.token_details if f in token}}
        connection.details = {**connection.details, **kept}
        if provider.account_id_field and kept.get(provider.account_id_field):
            connection.external_account_id = str(kept[provider.account_id_field])
        connection.status, connection.status_reason = ConnectionStatus.ACTIVE, ""
        connection.connected_at, connection.connected_by = timezone.now(), request.user
        connection.consecutive_failures, connection.last_error = 0, ""
        connection.save()
        audit_record(workspace=request.workspace, actor=request.user, action="connected", subject=connection.subject,
                     detail=f"scopes: {connection.scopes}" if connection.scopes else "")
    _read_account(provider, connection)
    provider.connected(connection)
    return connection


def _read_account(provider, connection: Connection) -> None:
    try:
        with connection_client(provider, connection) as client:
            provider.after_connect(connection, client)
        connection.save(update_fields=["account_name", "external_account_id", "details", "updated_at"])
        record_success(connection)
    except (ProviderError, httpx.HTTPError) as exc:
        record_failure(provider, connection, f"reading the connected account: {exc}")
