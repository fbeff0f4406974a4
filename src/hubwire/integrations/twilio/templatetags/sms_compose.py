"""`{% sms_composer %}`: the SMS composer for the page's workspace (the SMS tab's section
templates/twilio/_compose.html), built from the request alone, so that the tab needs no context of
its own for it."""

from django import template

from hubwire.integrations.twilio.views_compose import composer_for

register = template.Library()


@register.inclusion_tag("twilio/_composer.html", takes_context=True)
def sms_composer(context):
    return {"composer": composer_for(context["request"]), "csrf_token": context.get("csrf_token")}
