"""The activity timeline shown on the dashboard and on accounts: one line per event, written in the
event's own transaction (an emit hook, see apps.py).

It is a local row in the same database, with nothing to wait for, so it is not a durable handler: as
one, every event cost a broker message from the request and a job transaction in the worker, which
is what kept lead_create near the rate of a plain save() plus a Celery task (bench/webhooks.py).
"""

from hubwire.crm.models import Activity, Contact, Invoice
from hubwire.events.registry import on


def _label(data: dict) -> str:
    for key in ("number", "title", "name"):
        if data.get(key):
            return str(data[key])
    return f"#{data.get('id')}"


def _account_id(event) -> int | None:
    data = event.data
    if "account_id" in data:
        return data["account_id"]
    if event.type.startswith("account."):
        return data["id"]
    if data.get("invoice_id"):  # payments
        return Invoice.objects.filter(pk=data["invoice_id"]).values_list("account_id", flat=True).first()
    if data.get("contact_id"):  # appointments
        return Contact.objects.filter(pk=data["contact_id"]).values_list("account_id", flat=True).first()
    return None


def _line(event) -> dict:
    noun, _, verb = event.type.partition(".")
    summary = f"{noun.capitalize()} {_label(event.data)} {verb.replace('_', ' ')}"
    if event.actor:
        summary += f" by {event.actor}"
    return {"workspace_id": event.workspace_id, "account_id": _account_id(event), "summary": summary[:300]}


def record_activity(event) -> list[Activity]:
    """The emit hook: the new event's line, which emit() appends with the event (core/append.py)."""
    return [Activity(event=event, **_line(event))]


# Subscribed to no event type, so no new runs are made: registered by name only, so that runs
# recorded before the timeline moved into the transaction still complete, once.
@on(name="crm.activity_timeline")
def record_activity_once(event) -> None:
    Activity.objects.get_or_create(event=event, defaults=_line(event))
