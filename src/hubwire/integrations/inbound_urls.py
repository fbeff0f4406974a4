"""A connection's own event URL: /integrations/<provider>/events/<token>/.

QuickBooks and Twilio sign their webhooks with a secret each workspace pastes, so a request must
say which connection it is for before it can be verified; an unguessable token in the path does,
without trusting anything in the body. The token is kept encrypted (the tab shows the URL again)
and found by its SHA-256; it is made the first time the URL is asked for."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from hubwire.core.audit import audit_record
from hubwire.core.models import hash_link_token
from hubwire.integrations.models import Connection

# 32 random bytes: the same strength as the inbound hooks' and invitation links' tokens.
TOKEN_BYTES = 32


def connection_inbound_token(*, connection: Connection) -> str:
    """The connection's token, made and saved on first use. Two callers at once agree on one:
    the second finds the hash already set and reads the first one's token."""
    if connection.inbound_token:
        return connection.inbound_token
    token = secrets.token_urlsafe(TOKEN_BYTES)
    Connection.objects.filter(pk=connection.pk, inbound_token_hash__isnull=True).update(
        inbound_token=token, inbound_token_hash=hash_link_token(token))
    fresh = Connection.objects.only("inbound_token", "inbound_token_hash").get(pk=connection.pk)
    connection.inbound_token, connection.inbound_token_hash = fresh.inbound_token, fresh.inbound_token_hash
    return connection.inbound_token


def connection_inbound_token_rotate(*, connection: Connection, actor=None) -> str:
    """A new token; the old URL stops working at once (paste the new one at the provider).
    No overlap as with signing secrets: whoever learnt the old URL must lose it now."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    connection.inbound_token, connection.inbound_token_hash = token, hash_link_token(token)
    with transaction.atomic():
        Connection.objects.filter(pk=connection.pk).update(inbound_token=token,
                                                           inbound_token_hash=connection.inbound_token_hash)
        audit_record(workspace=connection.workspace, actor=actor, action="inbound_url_rotated",
                     subject=connection.subject)
    return token


def connection_inbound_url(*, connection: Connection) -> str:
    """The public URL to paste at the provider (from HUBWIRE_BASE_URL, never a request's Host)."""
    token = connection_inbound_token(connection=connection)
    return settings.HUBWIRE_BASE_URL + reverse("integrations:connection_events", args=[connection.provider, token])


def connection_for_inbound_token(*, provider_key: str, token: str) -> Connection | None:
    """The connection of `provider_key` whose event URL carries `token`, or None (a token of
    another provider's connection is as unknown as a made-up one)."""
    return (Connection.objects.select_related("workspace")
            .filter(provider=provider_key, inbound_token_hash=hash_link_token(token)).first())
