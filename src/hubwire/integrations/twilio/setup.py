"""What the SMS tab shows (templates/twilio/tab.html): connecting (the framework's credentials form
below it), then what sends, the inbound message URL to set on it (with a copy button), and the
other parts of the tab once they are built.

Rendering the tab asks Twilio nothing: the account's senders and Twilio's current inbound setting
are loaded into it by the tab itself (views.sender, views.inbound_url), so that a slow Twilio never
holds up the page, and a member, who cannot choose, costs no call."""

from __future__ import annotations

from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from hubwire.integrations.inbound_urls import connection_inbound_url
from hubwire.integrations.models import Connection, ConnectionStatus
from hubwire.integrations.twilio.config import KEY, SmsConfig, config_of
from hubwire.integrations.twilio.sender import NUMBER, AccountSenders

# The tab's other parts, built beside this one: each is included once its template exists, so the
# tab works whichever of them a build has (each part decides what it shows before a sender is chosen).
PARTS = {"compose_ready": "twilio/_compose.html", "conversations_ready": "twilio/_conversations.html"}


def connection_of(workspace) -> Connection | None:
    """The workspace's Twilio connection row, whatever its status; None when it never connected."""
    return Connection.objects.filter(workspace=workspace, provider=KEY, mode="").first()


def part_ready(template: str) -> bool:
    try:
        get_template(template)
    except TemplateDoesNotExist:
        return False
    return True


def where_to_set(config: SmsConfig) -> str:
    """Where the business pastes the inbound URL in the Twilio Console, for the chosen sender."""
    if config.sender_kind == NUMBER:
        return (f"In the Twilio Console, open Phone Numbers › Manage › Active numbers › {config.sender}. Under "
                "Messaging Configuration, “A message comes in”: choose Webhook, paste this URL, choose HTTP POST, "
                "and save.")
    return (f"In the Twilio Console, open Messaging › Services › {config.sender_label or config.sender} › "
            "Integration. Under Incoming Messages, choose “Send a webhook”, paste this URL as the Request URL "
            "with HTTP POST, and save.")


def tab_context(workspace, *, senders: AccountSenders | None = None, senders_error: str = "",
                choice_errors: dict | None = None, posted=None) -> dict:
    """The tab's context. `senders` (the account's, listed by the caller) opens the chooser; a
    refused choice comes back with its `choice_errors` and what was `posted`."""
    connection = connection_of(workspace)
    connected = connection is not None and connection.status == ConnectionStatus.ACTIVE
    config = config_of(connection)
    ready = connected and config.ready
    return {
        "connection": connection,
        "connected": connected,
        "config": config,
        # Connected but nothing chosen to send from: the card is orange and the tab asks for it.
        "needs_sender": connected and not config.ready,
        "choosing": connected and (senders is not None or bool(senders_error) or not config.ready),
        "senders": senders,
        "senders_error": senders_error,
        "inbound_url": connection_inbound_url(connection=connection) if ready else "",
        "where_to_set": where_to_set(config) if ready else "",
        "choice_errors": choice_errors or {},
        "posted": posted,
        **{flag: part_ready(template) for flag, template in PARTS.items()},
    }
