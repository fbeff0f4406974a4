"""What hubwire does with each Stripe event (after verify_inbound accepted it), in a worker.
Connect events name their account; the connection is the one with that account in the event's
mode, so a live event can never touch a test connection."""

from __future__ import annotations

from django.db import transaction

from hubwire.integrations.inbound import connections_for
from hubwire.integrations.models import Connection, ConnectionStatus
from hubwire.integrations.services import connection_deauthorized
from hubwire.integrations.stripe import state
from hubwire.integrations.stripe.api import mode_of


def handle(provider, event_type: str, event: dict) -> str:
    obj = (event.get("data") or {}).get("object") or {}
    mode, account = mode_of(event.get("livemode")), str(event.get("account") or "")
    if event_type == "account.updated":
        return _account_updated(provider, obj, mode=mode, account=account, created=int(event.get("created") or 0))
    if event_type == "account.application.deauthorized":
        return _deauthorized(provider, mode=mode, account=account)
    if event_type.startswith(("checkout.session.", "payment_intent.")):
        return _payment(event_type, obj, mode=mode, account=account)
    return f"ignored: hubwire does not act on {event_type}"


def _account_updated(provider, obj: dict, *, mode: str, account: str, created: int) -> str:
    account = account or obj.get("id", "")
    applied = stale = 0
    for connection in connections_for(provider, account).filter(mode=mode):
        if state.apply(connection, obj, as_of=created):
            applied += 1
        else:
            stale += 1
    return f"account.updated {account}: applied to {applied} connection(s)" + (
        f", {stale} already newer or disconnected" if stale else "")


def _deauthorized(provider, *, mode: str, account: str) -> str:
    count = 0
    for pk in connections_for(provider, account).filter(mode=mode).values_list("pk", flat=True):
        with transaction.atomic():
            # Under the row lock: a Disconnect in hubwire (which deauthorizes, and so causes this
            # very event) has either finished, and the connection is no longer this account's, or waits.
            connection = Connection.objects.select_for_update().filter(
                pk=pk, external_account_id=account).exclude(status=ConnectionStatus.NOT_CONNECTED).first()
            if connection is None:
                continue
            # The card stays red (not grey) until someone reconnects: the user did not choose this here.
            connection.details = {"deauthorized": True, "account": connection.details.get("account", {})}
            connection.external_account_id = ""
            connection_deauthorized(connection=connection, provider=provider,
                                    detail=f"account.application.deauthorized for {account}")
            count += 1
    return f"account.application.deauthorized {account}: {count} connection(s) disconnected"


def _payment(event_type: str, obj: dict, *, mode: str, account: str) -> str:
    from hubwire.payments.services import find_checkout, intent_apply, session_apply

    checkout = find_checkout(obj, mode=mode, account=account)
    if checkout is None:
        return f"ignored: {obj.get('id', '')} is not a hubwire checkout in {mode} mode on {account or 'the platform'}"
    if obj.get("object") == "checkout.session":
        return session_apply(checkout, obj, event_type=event_type)
    return intent_apply(checkout, obj, event_type=event_type)
