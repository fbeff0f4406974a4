"""A form on one of the sandbox page's cards that the sandbox refused: the whole page again, with
the card showing why, as a 400 (nothing written)."""

from django.urls import resolve, reverse


def page_with_refusal(request, attribute: str, refusal):
    """The card reads `refusal` from request.<attribute>. The sandbox page is found by its URL name,
    not imported: it renders every card, so importing it from a card's module would be a cycle."""
    setattr(request, attribute, refusal)
    response = resolve(reverse("sandbox:index")).func(request)
    response.status_code = 400
    return response
