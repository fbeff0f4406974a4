"""The Google Workspace tab: who is connected and whether they may manage users (the connect check,
which "Check again" reruns), when the users mirror was last refreshed and how that went (Sync now),
and the way to the Members page, Create User and View Groups."""

from __future__ import annotations

from hubwire.integrations.google_workspace import users
from hubwire.integrations.google_workspace.config import config_of, connection_of
from hubwire.integrations.google_workspace.models import DirectoryUser
from hubwire.integrations.models import ConnectionStatus
from hubwire.sync.models import Trigger

SHOWN_STATUSES = (ConnectionStatus.ACTIVE, ConnectionStatus.NEEDS_ATTENTION)


class NotReady(Exception):
    """An action that needs a super admin's connection, while there is none; the words say what is missing."""


def not_ready_words(connection) -> str:
    if connection is None or connection.status == ConnectionStatus.NOT_CONNECTED:
        return "Google Workspace is not connected: connect it as a super admin first."
    if connection.status != ConnectionStatus.ACTIVE:
        return "Google Workspace needs reconnecting" + (f": {connection.status_reason}" if connection.status_reason
                                                        else ".")
    return config_of(connection).missing


def ready_or_refuse(workspace):
    """The workspace's connection when users can be managed through it; else NotReady in words."""
    connection = connection_of(workspace)
    words = not_ready_words(connection)
    if words:
        raise NotReady(words)
    return connection


def sync_context(workspace, connection=None) -> dict:
    connection = connection if connection is not None else connection_of(workspace)
    shown = connection is not None and connection.status in SHOWN_STATUSES
    return {"connection": connection, "shown": shown, "last_refresh": users.last_refresh(workspace),
            "refreshing": users.refreshing(workspace),
            "user_count": DirectoryUser.objects.filter(connection=connection).count() if shown else 0}


def tab_context(workspace) -> dict:
    connection = connection_of(workspace)
    checked = config_of(connection)
    return {**sync_context(workspace, connection), "checked": checked, "missing": checked.missing,
            "ready": bool(connection) and not not_ready_words(connection)}


def sync_now(*, workspace):
    """Queue a read of the domain's users at once; one already waiting is brought forward, not doubled."""
    ready_or_refuse(workspace)
    return users.queue(workspace, trigger=Trigger.BUTTON)
