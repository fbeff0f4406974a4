"""Twilio's REST API at api.twilio.com (providers.md §6): the account lookup hubwire checks pasted
credentials with (HTTP Basic, Account SID : Auth Token). The Messages and IncomingPhoneNumbers
resources are in messages.py and numbers.py."""

from django.http import JsonResponse

from hubwire.sandbox.routes import route
from hubwire.sandbox.twilio import wire
from hubwire.sandbox.twilio.account import AUTH_TOKEN


@route(wire.API_HOST, "GET", r"/2010-04-01/Accounts/(?P<sid>AC[0-9a-fA-F]{32})\.json")
@wire.authenticated
def account(request, account_sid: str):
    return JsonResponse({"sid": account_sid, "friendly_name": "Sandbox Twilio account", "status": "active",
                         "type": "Full", "auth_token": AUTH_TOKEN, "uri": f"/2010-04-01/Accounts/{account_sid}.json"})
