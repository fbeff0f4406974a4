"""SMS through Twilio (providers.md §6): the business pastes its Account SID and Auth Token."""

from hubwire.integrations.http import raise_for_status
from hubwire.integrations.models import ConnectionStatus
from hubwire.integrations.registry import AuthKind, Card, CredentialField, Provider, RateLimit, register
from hubwire.integrations.twilio import errors, inbound, sender, setup
from hubwire.integrations.twilio.config import config_of


@register
class Twilio(Provider):
    key = "twilio"
    tab_order = 70
    name = "SMS / Twilio"
    tab_label = "SMS"
    summary = "Send text messages to contacts with templates and a live character counter; see replies."
    auth_kind = AuthKind.CREDENTIALS
    # Issue 20's three parts are all here: connecting and the sender, the composer and sending,
    # replies, opt-outs and quiet hours.
    built = True
    # api: the 2010-04-01 REST API (accounts, numbers, messages); messaging: Messaging Services (v1).
    hosts = {"api": "https://api.twilio.com", "messaging": "https://messaging.twilio.com"}
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

    # --- the tab: connect, choose what sends, the inbound URL (setup.py, sender.py, views.py) ---------

    tab_template = "twilio/tab.html"

    def tab_context(self, workspace) -> dict:
        return setup.tab_context(workspace)

    def card(self, workspace, connections):
        """Connected is not enough to text: until a number or Messaging Service is chosen to send from,
        the card is orange and says so."""
        card = super().card(workspace, connections)
        active = next((c for c in connections if c.status == ConnectionStatus.ACTIVE), None)
        if card.status != ConnectionStatus.ACTIVE or active is None:
            return card
        chosen = config_of(active)
        if chosen.ready:
            card.detail = " · ".join(part for part in (card.detail, f"sends from {chosen.sender_label}") if part)
            return card
        return Card(ConnectionStatus.SETUP_INCOMPLETE, "orange", ConnectionStatus.SETUP_INCOMPLETE.label,
                    "Connected; choose the number or Messaging Service that sends your texts.", card.warning)

    def facts(self, connection):
        chosen = config_of(connection)
        sends = f"{chosen.sender_label} ({chosen.sender})" if chosen.ready else "not chosen yet"
        return [("Account SID", connection.credentials.get("account_sid", "")), ("Sends from", sends)]

    def connected(self, connection):
        """Credentials were pasted (again): a sender the account does not have is forgotten first."""
        sender.sender_recheck(connection)
        super().connected(connection)

    def forget(self, connection):
        sender.sender_forget(connection)

    # --- Twilio's webhooks on the connection's own URL: texts received, status callbacks (inbound.py) ---

    inbound_on_connection_url = True  # signed with each business's pasted Auth Token

    def verify_inbound(self, request):
        return inbound.verify(request)

    def inbound_answer(self, request, *, stored: int, duplicates: int):
        return inbound.answer()

    def handle_event(self, event) -> str:
        return inbound.handle(event)
