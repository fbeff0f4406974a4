"""What a provider registers with the shared sync code, by name, so that the shared code never names
a provider: what each schedule does, how a failed ledger row of a kind is retried, and how such a
row is called on the sync panel.

    @schedule_handler("meetings.resume_waiting")
    def resume(schedule) -> str: ...           # returns what it did, in words

    @retry_handler("zoom", "meeting")
    def retry(record) -> str: ...              # queues the row's next pass; returns words for the user

    @record_label("zoom", "meeting")
    def label(record) -> tuple[str, str]: ...  # (words, URL of the CRM object or "")

    @pass_handler("quickbooks.export_invoices")
    def export(sync_pass) -> str: ...          # a queued pass (sync.passes.queue_pass); returns words
"""

from __future__ import annotations

from collections.abc import Callable

ScheduleHandler = Callable[["Schedule"], str]  # noqa: F821
RetryHandler = Callable[["SyncRecord"], str]  # noqa: F821
RecordLabel = Callable[["SyncRecord"], tuple[str, str]]  # noqa: F821

PassHandler = Callable[["SyncPass"], str]  # noqa: F821

SCHEDULE_HANDLERS: dict[str, ScheduleHandler] = {}
PASS_HANDLERS: dict[str, PassHandler] = {}
RETRY_HANDLERS: dict[tuple[str, str], RetryHandler] = {}
RECORD_LABELS: dict[tuple[str, str], RecordLabel] = {}


class NotRegistered(LookupError):
    """Nothing is registered under this name: a provider module not imported, or a name misspelt."""


def _registrar(table: dict, key):
    def decorator(func):
        if table.get(key, func) is not func:
            raise ValueError(f"{key!r} is already registered to {table[key].__qualname__}")
        table[key] = func
        return func

    return decorator


def schedule_handler(name: str):
    return _registrar(SCHEDULE_HANDLERS, name)


def pass_handler(name: str):
    return _registrar(PASS_HANDLERS, name)


def retry_handler(provider: str, kind: str):
    return _registrar(RETRY_HANDLERS, (provider, kind))


def record_label(provider: str, kind: str):
    return _registrar(RECORD_LABELS, (provider, kind))


def schedule_handler_for(name: str) -> ScheduleHandler:
    try:
        return SCHEDULE_HANDLERS[name]
    except KeyError:
        raise NotRegistered(f"no schedule handler is registered as {name!r}") from None


def pass_handler_for(name: str) -> PassHandler:
    try:
        return PASS_HANDLERS[name]
    except KeyError:
        raise NotRegistered(f"no pass handler is registered as {name!r}") from None


def label_of(record) -> tuple[str, str]:
    """(words, URL) naming a ledger row on the panel; its kind and number when nothing says better."""
    label = RECORD_LABELS.get((record.provider, record.kind))
    if label is None:
        return f"{record.kind.replace('_', ' ').capitalize()} {record.local_id or record.external_id}", ""
    return label(record)
