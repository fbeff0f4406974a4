"""Cards that other parts of hubwire add to a CRM record's page, by resource key: payments adds
"Pay online" to invoices, the meetings feature its card to appointments, a provider whatever it
mirrors. crm/detail.html renders them after crm's own sections, and crm names none of them.

    record_panel("invoices", template="payments/invoice_card.html",
                 context=lambda request, invoice: {"online": online_payment(invoice)}, order=10)

The template gets the record as `object` plus what `context(request, record)` returns; a context
that returns None leaves the panel off this record's page."""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

PanelContext = Callable[[HttpRequest, object], dict | None]


@dataclass(frozen=True, eq=False)
class RecordPanel:
    key: str          # the resource key of crm.pages.RESOURCES: "invoices", "appointments", "contacts"…
    template: str
    context: PanelContext | None
    order: int        # lower first; panels of equal order keep the order they were registered in


PANELS: list[RecordPanel] = []


def record_panel(key: str, *, template: str, context: PanelContext | None = None, order: int = 100) -> RecordPanel:
    """Add a panel to every `key` record's page. Returns it, for remove_panel."""
    from hubwire.crm.pages import RESOURCES

    if key not in RESOURCES:
        raise ValueError(f"No CRM record page is called {key!r}; the keys are {', '.join(sorted(RESOURCES))}.")
    panel = RecordPanel(key, template, context, order)
    PANELS.append(panel)
    return panel


def remove_panel(panel: RecordPanel) -> None:
    PANELS.remove(panel)


def panels_for(key: str) -> list[RecordPanel]:
    return sorted((p for p in PANELS if p.key == key), key=lambda p: p.order)


def render_panels(request: HttpRequest, key: str, record) -> list[SafeString]:
    """Each panel of `key` rendered for `record`, in order (those whose context said None left out)."""
    rendered = []
    for panel in panels_for(key):
        extra = panel.context(request, record) if panel.context else {}
        if extra is not None:
            rendered.append(render_to_string(panel.template, {**extra, "object": record}, request=request))
    return rendered
