"""Event handlers of the CRM itself: the activity timeline shown on the dashboard and on accounts."""

from hubwire.crm.models import Activity, Contact, Invoice
from hubwire.events.registry import ALL, on


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


@on(ALL, name="crm.activity_timeline")
def record_activity(event) -> None:
    noun, _, verb = event.type.partition(".")
    summary = f"{noun.capitalize()} {_label(event.data)} {verb.replace('_', ' ')}"
    if event.actor:
        summary += f" by {event.actor}"
    Activity.objects.get_or_create(
        event=event,
        defaults={"workspace_id": event.workspace_id, "account_id": _account_id(event), "summary": summary[:300]},
    )
