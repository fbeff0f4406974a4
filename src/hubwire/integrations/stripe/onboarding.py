"""Onboarding a new connected account with Account Links (providers.md §1.4): create the account
once (controller properties, Idempotency-Key), send the user to a fresh single-use link, and on
return read the account again, since reaching return_url does not mean onboarding is done."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from hubwire.core.audit import audit_record
from hubwire.integrations.models import Connection, ConnectionStatus
from hubwire.integrations.stripe import state
from hubwire.integrations.stripe.api import StripeAPI

VIA_ACCOUNT_LINKS, VIA_OAUTH = "account_links", "oauth"


def _url(name: str, mode: str) -> str:
    return settings.HUBWIRE_BASE_URL + reverse(name, args=[mode])


def onboarding_start(*, workspace, user, provider, mode: str) -> str:
    """The URL of a fresh onboarding link for the workspace's account in `mode`, creating the
    account first when there is none. Raises ProviderError."""
    with transaction.atomic():
        connection, _ = Connection.objects.select_for_update().get_or_create(
            workspace=workspace, provider=provider.key, mode=mode)
        if connection.details.get("via") != VIA_ACCOUNT_LINKS:
            # One creation request per attempt (its Idempotency-Key): a double click, or a retry after
            # a timeout, gets the same account. Disconnecting forgets the attempt.
            connection.details = {"via": VIA_ACCOUNT_LINKS, "create_key": secrets.token_hex(16)}
            connection.external_account_id = ""
            connection.clear_tokens()
            connection.save()
    if not connection.external_account_id:
        with StripeAPI(provider, mode) as api:
            account = api.post("/v1/accounts", {
                "controller": {"stripe_dashboard": {"type": "full"}, "fees": {"payer": "account"},
                               "losses": {"payments": "stripe"}, "requirement_collection": "stripe"},
                "email": user.email, "business_profile": {"name": workspace.name},
                "metadata": {"hubwire_workspace": workspace.pk},
            }, idempotency_key=f"hubwire-account-{connection.details['create_key']}")
        with transaction.atomic():
            connection = Connection.objects.select_for_update().get(pk=connection.pk)
            connection.external_account_id = account["id"]
            connection.status = ConnectionStatus.SETUP_INCOMPLETE
            connection.status_reason = "Setup incomplete: finish onboarding with Stripe."
            connection.connected_at, connection.connected_by = timezone.now(), user
            connection.consecutive_failures, connection.last_error = 0, ""
            connection.save()
            audit_record(workspace=workspace, actor=user, action="stripe_account_created", subject=connection.subject,
                         detail=account["id"])
        state.apply(connection, account, actor=user)
    return account_link(provider, connection)


def account_link(provider, connection: Connection) -> str:
    """A new single-use onboarding link (Resume, and Stripe's refresh_url, both land here)."""
    with StripeAPI(provider, connection.mode) as api:
        link = api.post("/v1/account_links", {
            "account": connection.external_account_id, "type": "account_onboarding",
            "refresh_url": _url("integrations:stripe_refresh", connection.mode),
            "return_url": _url("integrations:stripe_return", connection.mode),
        })
    return link["url"]


def account_refresh(provider, connection: Connection, *, actor=None) -> Connection:
    """Read the account from Stripe now (the return page, the Refresh button)."""
    with StripeAPI(provider, connection.mode) as api:
        account = api.get(f"/v1/accounts/{connection.external_account_id}")
    state.apply(connection, account, actor=actor)
    return connection
