"""Cards that other parts of hubwire add to the dashboard's row of counts (SMS adds its unread
texts), so that the dashboard names none of them; as crm/panels.py does for a record's page.

    dashboard_card(template="twilio/_sms_unread_card.html", context=lambda request: {...})

The template gets what `context(request)` returns; a context that returns None leaves the card off."""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

CardContext = Callable[[HttpRequest], dict | None]


@dataclass(frozen=True, eq=False)
class DashboardCard:
    template: str
    context: CardContext


CARDS: list[DashboardCard] = []


def dashboard_card(*, template: str, context: CardContext) -> DashboardCard:
    card = DashboardCard(template, context)
    CARDS.append(card)
    return card


def render_cards(request: HttpRequest) -> list[SafeString]:
    rendered = []
    for card in CARDS:
        extra = card.context(request)
        if extra is not None:
            rendered.append(render_to_string(card.template, extra, request=request))
    return rendered
