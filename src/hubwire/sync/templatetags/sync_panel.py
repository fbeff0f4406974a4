from django import template

from hubwire.sync.selectors import sync_panel as panel_of

register = template.Library()


@register.inclusion_tag("sync/_panel.html", takes_context=True)
def sync_panel(context, provider_key: str):
    """`{% sync_panel provider.key %}` in any provider's tab: the shared sync panel (nothing when the
    provider has no ledger rows, runs or schedules in this workspace)."""
    request = context["request"]
    return {"sync": panel_of(request.workspace, provider_key), "request": request}
