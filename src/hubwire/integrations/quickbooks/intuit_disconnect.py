"""Intuit's Disconnect URL: where Intuit sends the user's browser after they disconnect hubwire inside
QuickBooks. Anyone can open that address, so it proves nothing by itself: hubwire asks Intuit
whether its authorization still works (reading the company's CompanyInfo, which renews the access
token first when it must) and acts only on that answer, for the signed-in user's own workspace.

- Intuit refuses to renew the authorization (invalid_grant): the grant is gone. Its tokens are
  deleted and QuickBooks shows grey, not connected, with Reconnect.
- Intuit still answers 401/403 after a renewal: QuickBooks shows red, needs attention, with Reconnect.
- Intuit answers: nothing changed (the page was opened by mistake, or by someone else's link).
- Intuit cannot be reached: nothing changed; the next call will find out."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from django.db import transaction

from hubwire.integrations.health import mark_needs_attention, record_success
from hubwire.integrations.http import ProviderError
from hubwire.integrations.models import Connection, ConnectionStatus
from hubwire.integrations.quickbooks.api import company_api
from hubwire.integrations.registry import PROVIDERS
from hubwire.integrations.selectors import connection_of
from hubwire.integrations.services import connection_deauthorized
from hubwire.integrations.tokens import NeedsReconnect

REFUSED_STATUSES = (401, 403)


@dataclass(frozen=True)
class CheckOutcome:
    colour: str  # the connection's colour afterwards: grey, red or green ("unknown" when Intuit did not say)
    words: str   # what happened, for the user


def intuit_disconnect_check(*, workspace) -> CheckOutcome:
    provider = PROVIDERS["quickbooks"]
    connection = connection_of(workspace, provider, "")
    if connection is None or connection.status in (ConnectionStatus.NOT_CONNECTED, ConnectionStatus.SETUP_INCOMPLETE):
        return CheckOutcome("grey", "QuickBooks is not connected to this workspace, so there was nothing to "
                                    "disconnect.")
    if connection.status == ConnectionStatus.NEEDS_ATTENTION:
        # hubwire makes no calls on a red connection; Reconnect is what it needs either way.
        return CheckOutcome("red", f"QuickBooks already needs reconnecting: {connection.status_reason}")
    try:
        with company_api(connection) as qbo:
            qbo.company_info()
    except NeedsReconnect:
        _forget_grant(provider, connection)
        return CheckOutcome("grey", "QuickBooks was disconnected from hubwire in QuickBooks: Intuit no longer accepts "
                                    "hubwire's authorization, so hubwire deleted its tokens and sends nothing more to "
                                    "QuickBooks. Reconnect QuickBooks to continue.")
    except ProviderError as exc:
        if exc.status in REFUSED_STATUSES:
            words = f"QuickBooks refuses hubwire's access even with a renewed authorization ({exc}). Reconnect " \
                    "QuickBooks to continue."
            mark_needs_attention(connection, words)
            return CheckOutcome("red", words)
        return _unknown(exc)
    except httpx.HTTPError as exc:
        return _unknown(exc)
    record_success(connection)
    company = connection.account_name or "your company"
    return CheckOutcome("green", f"QuickBooks still accepts hubwire's authorization for {company}, so nothing was "
                                 "changed. To disconnect, use Disconnect on this tab.")


def _forget_grant(provider, connection: Connection) -> None:
    """Tokens deleted, grey: from the row as it is now (the refresh that failed just turned it red)."""
    with transaction.atomic():
        current = Connection.objects.select_for_update().get(pk=connection.pk)
        connection_deauthorized(connection=current, provider=provider,
                                detail="Intuit's Disconnect URL was opened and Intuit no longer accepts hubwire's "
                                       "authorization")


def _unknown(exc: Exception) -> CheckOutcome:
    return CheckOutcome("unknown", f"hubwire could not reach QuickBooks to check whether it was disconnected ({exc}). "
                                   "Nothing was changed; hubwire will find out at its next call to QuickBooks.")
