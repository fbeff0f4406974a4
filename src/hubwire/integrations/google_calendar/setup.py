"""The Google Calendar tab: what it shows (the last read of the calendar, which Sync Now refreshes;
what waits or failed; the business's choices) and what it does (Sync Now, saving the choices).

The sync and the choices are shown once the calendar is connected, also while it needs reconnecting
(the choices stay the business's, and the tab must say why nothing moves); before that the tab says
what connecting does and asks for."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from hubwire.core import clock
from hubwire.core.audit import audit_record, audit_words
from hubwire.core.errors import FieldError
from hubwire.integrations.google_calendar import ledger, pull
from hubwire.integrations.google_calendar.config import IMPORT_CHOICES, KEY, config_of, config_save, connection_of
from hubwire.integrations.google_calendar.window import window_now
from hubwire.integrations.models import Connection, ConnectionStatus
from hubwire.jobs.models import JobStatus
from hubwire.sync.models import RunOutcome, SyncPass, SyncRun, SyncStatus, Trigger
from hubwire.sync.rules import zone_of

audit_words({"google_calendar_choices_saved": "Google Calendar choices changed"})

# How the tab names each choice in an error, so that a refused value says which field it was.
CHOICE_LABELS = {"send_invitations": "Send invitations", "import_events": "Events made in Google Calendar"}
# A checkbox sends its value when ticked and nothing when not; the form's value is "1".
TICKED = {"1": True, "": False}
SHOWN_STATUSES = (ConnectionStatus.ACTIVE, ConnectionStatus.NEEDS_ATTENTION)


class NotConnected(Exception):
    """Sync Now while Google Calendar is not connected (or needs reconnecting); the words say which."""


@dataclass(frozen=True)
class Waiting:
    """The appointments whose events are not in step, in words for the tab."""

    waiting: int
    failed: int

    @property
    def words(self) -> str:
        if not self.waiting and not self.failed:
            return "Every appointment is in step with Google Calendar."
        parts = [f"{n} appointment{'s' if n != 1 else ''} {what}" for n, what in (
            (self.waiting, "waiting to be sent"),
            (self.failed, "refused by Google Calendar (each with its reason and Retry under Sync below)")) if n]
        return "; ".join(parts) + "."


def days_ahead() -> int:
    """How far ahead hubwire's window on the calendar reaches (window.py), in days."""
    return (window_now()[1].date() - clock.now().date()).days


def is_shown(connection: Connection | None) -> bool:
    return connection is not None and connection.status in SHOWN_STATUSES


def last_read(workspace) -> SyncRun | None:
    """The latest finished read of the calendar's changes: what Sync Now's result is."""
    return (SyncRun.objects.filter(workspace=workspace, provider=KEY, what=pull.RESOURCE)
            .exclude(outcome=RunOutcome.RUNNING).order_by("-started_at", "-id").first())


def reading(workspace) -> bool:
    """A read of the calendar is queued or running."""
    return SyncPass.objects.filter(workspace=workspace, provider=KEY, name=pull.NAME,
                                   status__in=[JobStatus.PENDING, JobStatus.RUNNING]).exists()


def waiting_of(workspace) -> Waiting:
    rows = ledger.rows(workspace)
    return Waiting(waiting=rows.filter(status=SyncStatus.PENDING).count(),
                   failed=rows.filter(status=SyncStatus.FAILED).count())


def sync_context(workspace, connection: Connection | None = None) -> dict:
    """The tab's Sync section (also served alone while a read is under way)."""
    connection = connection if connection is not None else connection_of(workspace)
    return {"connection": connection, "last_read": last_read(workspace), "reading": reading(workspace),
            "waiting": waiting_of(workspace), "zone": zone_of(workspace).key}


def tab_context(workspace) -> dict:
    connection = connection_of(workspace)
    return {
        **sync_context(workspace, connection),
        "shown": is_shown(connection),
        "config": config_of(connection),
        "import_choices": list(IMPORT_CHOICES.items()),
        "default_import": IMPORT_CHOICES["all"],
        "days_ahead": days_ahead(),
        "choice_errors": {},
        "posted": None,
    }


# --- Sync Now -------------------------------------------------------------------------------------

def sync_now(*, workspace) -> SyncPass:
    """Queue a read of the calendar's changes at once (pull.py); one already waiting is brought
    forward rather than doubled (sync.passes.queue_pass)."""
    connection = connection_of(workspace)
    if connection is None or connection.status not in SHOWN_STATUSES:
        raise NotConnected("Google Calendar is not connected: connect it first.")
    if connection.status != ConnectionStatus.ACTIVE:
        raise NotConnected("Google Calendar needs reconnecting before it can sync"
                           + (f": {connection.status_reason}" if connection.status_reason else "."))
    return pull.queue(workspace, trigger=Trigger.BUTTON)


# --- the business's choices -----------------------------------------------------------------------

def choices_clean(data) -> dict:
    """The posted choices, or a FieldError naming each field that is wrong."""
    errors, cleaned = {}, {}
    ticked = TICKED.get(str(data.get("send_invitations", "")))
    if ticked is None:  # the form's checkbox only ever sends "1"; only a forged form lands here
        errors["send_invitations"] = f"{CHOICE_LABELS['send_invitations']}: tick the box (1) or leave it empty."
    else:
        cleaned["send_invitations"] = ticked
    chosen = str(data.get("import_events") or "")
    if chosen in IMPORT_CHOICES:
        cleaned["import_events"] = chosen
    else:
        errors["import_events"] = (f"{CHOICE_LABELS['import_events']}: choose one of "
                                   + "; ".join(f"“{words}”" for words in IMPORT_CHOICES.values()) + ".")
    if errors:
        raise FieldError(errors)
    return cleaned


def choices_save(*, workspace, actor, data):
    """Check and store the choices; nothing is saved when one is wrong. The connection row is locked
    and read again first, so that the choices are written over its current details (the watch
    channel a worker may just have renewed), not over the copy this request started with."""
    cleaned = choices_clean(data)
    with transaction.atomic():
        connection = Connection.objects.select_for_update().filter(workspace=workspace, provider=KEY, mode="").first()
        if not is_shown(connection):
            raise FieldError({"__all__": "Connect Google Calendar first: its choices are kept with its connection."})
        config = config_of(connection)
        changed = {name: value for name, value in cleaned.items() if getattr(config, name) != value}
        for name, value in changed.items():
            setattr(config, name, value)
        config_save(connection, config)
        if changed:
            audit_record(workspace=workspace, actor=actor, action="google_calendar_choices_saved", subject=KEY,
                         detail=", ".join(f"{CHOICE_LABELS[name].lower()}: {_in_words(name, value)}"
                                          for name, value in changed.items()))
    return config


def _in_words(name: str, value) -> str:
    if name == "send_invitations":
        return "on" if value else "off"
    return IMPORT_CHOICES[value]
