"""The Webhooks tab: a summary of the Webhooks Manager (outbound and inbound webhooks)."""

from hubwire.integrations.registry import AuthKind, Provider, register


@register
class Webhooks(Provider):
    key = "webhooks"
    name = "Webhooks"
    tab_label = "Webhooks"
    summary = "Trigger actions in tools like Zapier, Make or Slack when events occur in your CRM."
    auth_kind = AuthKind.NONE
