"""A generic OAuth 2.0 authorization server (RFC 6749 + PKCE RFC 7636), shaped per provider by an
OAuthServer description: consent page, code exchange, refresh (rotating or not), expiry, revoke."""

import base64
import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render

from hubwire.sandbox import clock
from hubwire.sandbox.clients import app_name, client_is_registered, client_secret_for
from hubwire.sandbox.models import Grant, Token
from hubwire.sandbox.routes import json_request, route

CODE_LIFETIME = timedelta(minutes=5)  # Zoom: "The authorization code lives 5 minutes" (providers.md §4.1)


@dataclass(frozen=True)
class OAuthServer:
    key: str                          # the server's name in the sandbox tables
    name: str                         # shown on the consent page
    authorize: tuple[str, str]        # (host, path)
    token: tuple[str, str]
    revoke: tuple[str, str] | None
    revoke_style: str = "query"       # where the token to revoke goes: "query", "form" or "json"
    client_auth: tuple[str, ...] = ("basic",)
    rotates_refresh: bool = True
    returns_refresh_on_refresh: bool = True
    access_ttl: int = 3599
    refresh_ttl: timedelta | None = timedelta(days=90)
    # Where a lifetime is a setting (the [U] ones), its name: days, 0 for "never expires"; read at each
    # issue, so that override_settings reaches it. Takes the place of refresh_ttl.
    refresh_days_setting: str = ""
    token_type: str = "bearer"
    persona_domain: str = "example.com"
    extra_token_fields: dict = field(default_factory=dict)   # e.g. {"x_refresh_token_expires_in": ...}
    callback_extra: object = None     # subject -> dict of extra callback query parameters
    revoke_answer: dict = field(default_factory=dict)
    revoke_needs_client_auth: bool = True
    invalid_token_reason: str = ""    # extra words some providers put in invalid_grant (Zoom: "Invalid Token!")

    def refresh_lifetime(self) -> timedelta | None:
        if self.refresh_days_setting:
            days = getattr(settings, self.refresh_days_setting)
            return timedelta(days=days) if days else None
        return self.refresh_ttl


SERVERS: dict[str, OAuthServer] = {}


@dataclass(frozen=True)
class Persona:
    """An account a person may sign in as on a server's consent page, and what it is for."""

    email: str
    description: str


# Per server key: the personas its consent page offers, declared by the emulators that need them.
PERSONAS: dict[str, list[Persona]] = {}


def add_personas(server_key: str, *personas: Persona) -> None:
    PERSONAS.setdefault(server_key, []).extend(p for p in personas if p not in PERSONAS.get(server_key, []))


def subject_for(server: OAuthServer, email: str) -> dict:
    """A stable sandbox identity for an email: the same email always gets the same ids."""
    digest = hashlib.sha256(f"{server.key}:{email}".encode()).hexdigest()
    local = email.split("@")[0].replace(".", " ").title().split() or ["Sandbox", "User"]
    return {"email": email, "user_id": "sbxu" + digest[:16], "account_id": "sbxa" + digest[16:32],
            "first_name": local[0], "last_name": " ".join(local[1:]) or "User", "realm_id": str(int(digest[:12], 16))}


def oauth_error(error: str, description: str, status: int = 400, **extra) -> JsonResponse:
    return JsonResponse({"error": error, "error_description": description, **extra}, status=status)


def redirect_back(redirect_uri: str, state: str, **answer) -> HttpResponseRedirect:
    """The authorization answer (code or error) sent back to the client, with its state."""
    answer = {**answer, **({"state": state} if state else {})}
    return HttpResponseRedirect(redirect_uri + ("&" if "?" in redirect_uri else "?") + urlencode(answer))


def register_server(server: OAuthServer) -> OAuthServer:
    SERVERS[server.key] = server
    route(server.authorize[0], "GET POST", server.authorize[1])(lambda request: authorize(request, server))
    route(server.token[0], "POST", server.token[1])(lambda request: token_endpoint(request, server))
    if server.revoke:
        route(server.revoke[0], "POST", server.revoke[1])(lambda request: revoke_endpoint(request, server))
    return server


# --- authorization endpoint: the consent page ------------------------------------------------------

def authorize(request, server: OAuthServer):
    params = request.GET if request.method == "GET" else signing.loads(request.POST.get("request", ""),
                                                                      salt="sandbox-consent", max_age=3600)
    client_id, redirect_uri = params.get("client_id", ""), params.get("redirect_uri", "")
    # Errors about the client or the redirect URI are shown, never redirected (RFC 6749 §4.1.2.1).
    if not client_is_registered(client_id):
        return render(request, "sandbox/error.html", {"server": server, "message": f"Unknown client_id {client_id!r}."},
                      status=400)
    if urlsplit(redirect_uri).scheme not in ("http", "https"):
        return render(request, "sandbox/error.html", {"server": server, "message": "redirect_uri is missing or not http(s)."},
                      status=400)
    state = params.get("state", "")

    def back(**answer):
        return redirect_back(redirect_uri, state, **answer)

    if params.get("response_type") != "code":
        return back(error="unsupported_response_type")
    if params.get("code_challenge") and params.get("code_challenge_method", "plain") != "S256":
        return back(error="invalid_request", error_description="code_challenge_method must be S256")

    if request.method == "GET":
        return render(request, "sandbox/consent.html", {
            "server": server, "app": app_name(client_id), "scopes": params.get("scope", "").split(),
            "request_token": signing.dumps(dict(params.items()), salt="sandbox-consent"),
            "email": f"sandbox.user@{server.persona_domain}", "personas": PERSONAS.get(server.key, []),
        })
    if request.POST.get("decision") != "allow":
        return back(error="access_denied", error_description="The user denied the request")
    email = (request.POST.get("email") or "").strip() or f"sandbox.user@{server.persona_domain}"
    subject = subject_for(server, email)
    code = secrets.token_urlsafe(24)
    Grant.objects.create(server=server.key, client_id=client_id, code=code, redirect_uri=redirect_uri,
                         scope=params.get("scope", ""), code_challenge=params.get("code_challenge", ""),
                         subject=subject, created_at=clock.now())
    extra = server.callback_extra(subject) if server.callback_extra else {}
    return back(code=code, **extra)


# --- token endpoint --------------------------------------------------------------------------------

def _client(request, server: OAuthServer) -> tuple[str, str] | None:
    """(client_id, secret) from Basic auth or the form, as this server allows; None when absent."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Basic ") and "basic" in server.client_auth:
        try:
            client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return None
        return client_id, secret
    if "post" in server.client_auth and request.POST.get("client_id"):
        return request.POST["client_id"], request.POST.get("client_secret", "")
    return None


def _authenticated_client(request, server) -> str | None:
    found = _client(request, server)
    if not found or not client_is_registered(found[0]):
        return None
    client_id, secret = found
    return client_id if hmac.compare_digest(secret, client_secret_for(client_id)) else None


def _issue(server: OAuthServer, *, client_id: str, scope: str, subject: dict, family: str,
           with_refresh: bool) -> dict:
    now = clock.now()
    access = Token.objects.create(server=server.key, client_id=client_id, kind=Token.ACCESS,
                                  value="sbx_at_" + secrets.token_urlsafe(32), family=family, scope=scope,
                                  subject=subject, created_at=now, expires_at=now + timedelta(seconds=server.access_ttl))
    answer = {"access_token": access.value, "token_type": server.token_type, "expires_in": server.access_ttl,
              "scope": scope}
    if with_refresh:
        lifetime = server.refresh_lifetime()
        refresh = Token.objects.create(server=server.key, client_id=client_id, kind=Token.REFRESH,
                                       value="sbx_rt_" + secrets.token_urlsafe(32), family=family, scope=scope,
                                       subject=subject, created_at=now,
                                       expires_at=now + lifetime if lifetime else None)
        answer["refresh_token"] = refresh.value
    answer.update({k: (v(server) if callable(v) else v) for k, v in server.extra_token_fields.items()})
    return answer


def token_endpoint(request, server: OAuthServer):
    client_id = _authenticated_client(request, server)
    if client_id is None:
        return oauth_error("invalid_client", "Client authentication failed", status=401)
    grant_type = request.POST.get("grant_type")
    with transaction.atomic(using="sandbox"):
        if grant_type == "authorization_code":
            return _exchange_code(request, server, client_id)
        if grant_type == "refresh_token":
            return _refresh(request, server, client_id)
    return oauth_error("unsupported_grant_type", f"grant_type {grant_type!r} is not supported")


def _exchange_code(request, server, client_id):
    grant = Grant.objects.select_for_update().filter(server=server.key, code=request.POST.get("code", "")).first()
    if grant is None or grant.used_at or grant.client_id != client_id:
        return oauth_error("invalid_grant", "Invalid authorization code")
    if clock.now() - grant.created_at > CODE_LIFETIME:
        return oauth_error("invalid_grant", "Authorization code expired")
    if grant.redirect_uri != request.POST.get("redirect_uri", ""):
        return oauth_error("invalid_grant", "redirect_uri does not match the authorization request")
    if grant.code_challenge:
        verifier = request.POST.get("code_verifier", "")
        digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if not hmac.compare_digest(digest, grant.code_challenge):
            return oauth_error("invalid_grant", "PKCE code_verifier does not match the code_challenge")
    grant.used_at = clock.now()
    grant.save(update_fields=["used_at"])
    return JsonResponse(_issue(server, client_id=client_id, scope=grant.scope, subject=grant.subject,
                               family=uuid.uuid4().hex, with_refresh=True))


def _refresh(request, server, client_id):
    presented = request.POST.get("refresh_token", "")
    token = Token.objects.select_for_update().filter(server=server.key, kind=Token.REFRESH, value=presented).first()
    now = clock.now()
    invalid = token is None or token.client_id != client_id or token.revoked_at or \
        (token.expires_at is not None and token.expires_at <= now)
    if invalid:
        extra = {"reason": server.invalid_token_reason} if server.invalid_token_reason else {}
        return oauth_error("invalid_grant", server.invalid_token_reason or "Token has been expired or revoked.", **extra)
    if server.rotates_refresh:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
    answer = _issue(server, client_id=client_id, scope=token.scope, subject=token.subject, family=token.family,
                    with_refresh=server.rotates_refresh)
    if not server.returns_refresh_on_refresh:
        answer.pop("refresh_token", None)
    return JsonResponse(answer)


# --- revocation ------------------------------------------------------------------------------------

def revoke_family(value: str, server_key: str | None = None) -> int:
    tokens = Token.objects.filter(value=value)
    if server_key:
        tokens = tokens.filter(server=server_key)
    token = tokens.first()
    if token is None:
        return 0
    return Token.objects.filter(family=token.family, revoked_at=None).update(revoked_at=clock.now())


def revoke_endpoint(request, server: OAuthServer):
    if server.revoke_needs_client_auth and _authenticated_client(request, server) is None:
        return oauth_error("invalid_client", "Client authentication failed", status=401)
    if server.revoke_style == "json":
        value = json_request(request).get("token", "")
    elif server.revoke_style == "form":
        value = request.POST.get("token", "")
    else:
        value = request.GET.get("token", "")
    if not revoke_family(value, server.key):
        return oauth_error("invalid_token", "Token is invalid or already revoked")
    return JsonResponse(server.revoke_answer) if server.revoke_answer else HttpResponse(status=200)


# --- for API routes --------------------------------------------------------------------------------

def bearer(request, server_key: str) -> Token | None:
    """The live access token the request carries, or None."""
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        return None
    token = Token.objects.filter(server=server_key, kind=Token.ACCESS, value=header[7:].strip()).first()
    if token is None or token.revoked_at or (token.expires_at and token.expires_at <= clock.now()):
        return None
    return token
