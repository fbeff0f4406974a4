"""SMS through Twilio (providers.md §6): the business pastes its Account SID and Auth Token."""

from hubwire.integrations.http import raise_for_status
from hubwire.integrations.registry import AuthKind, CredentialField, Provider, RateLimit, register
from hubwire.integrations.twilio import errors, inbound


@register
class Twilio(Provider):
    key = "twilio"
    tab_order = 70
    name = "SMS / Twilio"
    tab_label = "SMS"
    summary = "Send text messages to contacts with templates and a live character counter; see replies."
    auth_kind = AuthKind.CREDENTIALS
    hosts = {"api": "https://api.twilio.com"}
    # Twilio limits concurrency (100 requests in flight) more than rate; 10/s keeps well inside it [U].
    rate_limit = RateLimit(per_second=10, burst=10, source="twilio.com/docs/usage/rest-api-best-practices [U]")
    credential_fields = (
        CredentialField("account_sid", "Account SID", r"AC[0-9a-fA-F]{32}",
                        "starts with AC followed by 32 hexadecimal characters (Twilio Console, Account Info).",
                        secret=False),
        CredentialField("auth_token", "Auth Token", r"[0-9a-fA-F]{32}",
                        "32 hexadecimal characters (Twilio Console, Account Info)."),
    )
    basic_auth_fields = ("account_sid", "auth_token")  # Basic auth AccountSid:AuthToken (providers.md §6.1)

    def verify_credentials(self, credentials: dict, client) -> str:
        sid = credentials["account_sid"]
        response = client.get(self.url("api", f"/2010-04-01/Accounts/{sid}.json"),
                              auth=(sid, credentials["auth_token"]))
        return raise_for_status(self, response).json().get("friendly_name", sid)

    def explain_error(self, response):
        return errors.explain(response)

    # STUB hooks in branch sms-send (sms-inbound's inbound.py replaces them): status callbacks only.
    def verify_inbound(self, request):
        return inbound.verify_inbound(request)

    def handle_event(self, event):
        return inbound.handle_event(event)

    def inbound_answer(self, request, *, stored, duplicates):
        return inbound.inbound_answer()
