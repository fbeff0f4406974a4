"""Stripe Connect (providers.md §1): a business's own Stripe account, in test and live mode, each
its own connection. Two ways in: a new account onboarded with Account Links (onboarding.py), or an
existing one connected with Connect OAuth (the generic OAuth flow, with this class's hooks). Calls
are made with the platform's secret key for the mode, acting as the account via `Stripe-Account`;
the OAuth access token is kept (encrypted) but not used, as Stripe recommends."""

import json
import time

from django.db.models import Q

from hubwire.integrations.inbound import check_timestamp, connections_for, json_body
from hubwire.integrations.registry import AuthKind, Card, InboundDelivery, InboundRejected, Provider, RateLimit, register
from hubwire.integrations.signatures import hmac_hex, signatures_equal
from hubwire.integrations.stripe.api import StripeAPI, mode_of

# stripe-python's DEFAULT_TOLERANCE (providers.md §1.8).
SIGNATURE_TOLERANCE_SECONDS = 300
KEY_PREFIXES = {"test": ("sk_test_", "rk_test_"), "live": ("sk_live_", "rk_live_")}


def signature_matches(secret: str, header: str, body: bytes) -> int | None:
    """The header's timestamp when any v1 signature matches HMAC-SHA256(secret, "{t}.{body}"),
    else None. The whsec_ string itself is the key (not base64-decoded, unlike Standard Webhooks)."""
    parts = [p.split("=", 1) for p in header.split(",") if "=" in p]
    timestamps = [v for k, v in parts if k.strip() == "t"]
    candidates = [v.strip() for k, v in parts if k.strip() == "v1"]
    if not timestamps or not candidates:
        return None
    expected = hmac_hex(secret, timestamps[0].encode() + b"." + body)
    if any(signatures_equal(expected, c) for c in candidates):
        return int(timestamps[0]) if timestamps[0].isdigit() else None
    return None


@register
class Stripe(Provider):
    key = "stripe"
    tab_order = 10
    name = "Stripe"
    tab_label = "Stripe"
    summary = "Accept online payments on invoices by linking your Stripe account, in test or live mode."
    auth_kind = AuthKind.OAUTH2
    built = True
    modes = ("test", "live")
    hosts = {"connect": "https://connect.stripe.com", "api": "https://api.stripe.com",
             "dashboard": "https://dashboard.stripe.com"}
    authorize_endpoint = ("connect", "/oauth/authorize")
    token_endpoint = ("connect", "/oauth/token")
    revoke_endpoint = ("connect", "/oauth/deauthorize")
    scopes = ("read_write",)
    pkce = False
    # Stripe authenticates the token call with the platform's secret key as client_secret.
    token_auth_method = "client_secret_post"
    token_details = ("stripe_user_id", "stripe_publishable_key", "livemode")
    account_id_field = "stripe_user_id"
    # Test mode ("Sandbox"): 25 requests/s; live: 100/s (docs.stripe.com/rate-limits). The lower one for both.
    rate_limit = RateLimit(per_second=25, burst=25, source="docs.stripe.com/rate-limits")
    panel_template = "integrations/stripe/panel.html"
    # Stripe has no refresh-token expiry to warn about; failures turn the card red as elsewhere.

    # --- configuration: per mode (HUBWIRE_STRIPE_<MODE>_SECRET_KEY, _CLIENT_ID, _WEBHOOK_SECRET) ----

    def setting(self, name: str) -> str:
        from django.conf import settings

        value = settings.HUBWIRE_PROVIDER_ENV.get(f"stripe_{name}", "")
        if not value and settings.HUBWIRE_SANDBOX:
            mode, _, what = name.partition("_")
            # The sandbox's registered platform "hubwire" (hubwire.sandbox.stripe.platforms).
            value = {"secret_key": f"sk_{mode}_sandbox_hubwire", "client_id": f"ca_sandbox_{mode}_hubwire",
                     "webhook_secret": f"whsec_sandbox_{mode}_hubwire"}.get(what, "") if mode in self.modes else ""
        return value

    def secret_key(self, mode: str) -> str:
        key = self.setting(f"{mode}_secret_key")
        return key if key.startswith(KEY_PREFIXES.get(mode, ("-",))) else ""

    def client_credentials(self, connection, mode: str = "") -> tuple[str, str]:
        mode = mode or (connection.mode if connection else "")
        return self.setting(f"{mode}_client_id"), self.secret_key(mode)

    def mode_missing(self, mode: str) -> str:
        """What the operator must set before the business can connect in `mode`, or ''."""
        env = f"HUBWIRE_STRIPE_{mode.upper()}_SECRET_KEY"
        raw = self.setting(f"{mode}_secret_key")
        if not raw:
            return f"{mode.title()} mode is not configured: the operator must set {env}."
        if not self.secret_key(mode):
            return (f"{env} is not a {mode}-mode key (it must start with {' or '.join(KEY_PREFIXES[mode])}); "
                    f"hubwire will not use it, so {mode} and {'live' if mode == 'test' else 'test'} money never mix.")
        return ""

    def missing_configuration(self) -> str:
        return "" if any(not self.mode_missing(m) for m in self.modes) else self.mode_missing("test")

    def application_fee(self, amount: int) -> int:
        """The platform's fee on a payment, from HUBWIRE_STRIPE_APPLICATION_FEE_PERCENT (default none)."""
        from decimal import Decimal, InvalidOperation, ROUND_HALF_UP

        try:
            percent = Decimal(self.setting("application_fee_percent") or "0")
        except InvalidOperation:
            return 0
        if not percent.is_finite() or percent <= 0:
            return 0
        return min(amount, int((Decimal(amount) * percent / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)))

    def dashboard_url(self, connection) -> str:
        """The Stripe Dashboard for this account and mode ([U] the account-prefixed URL form)."""
        test = "/test" if connection.mode == "test" else ""
        return self.url("dashboard", f"/{connection.external_account_id}{test}/payments")

    # --- OAuth hooks ---------------------------------------------------------------------------

    def token_problem(self, token: dict, mode: str) -> str:
        if "livemode" in token and mode_of(token["livemode"]) != mode:
            return (f"Stripe connected the account in {mode_of(token['livemode'])} mode when {mode} mode was asked "
                    f"for; hubwire refused it so {mode} and other-mode money never mix.")
        return ""

    def after_connect(self, connection, client) -> None:
        from hubwire.integrations.stripe import onboarding, state

        connection.details = {**connection.details, "via": onboarding.VIA_OAUTH}
        connection.details.pop("deauthorized", None)
        connection.save(update_fields=["details"])
        with StripeAPI(self, connection.mode) as api:
            account = api.get(f"/v1/accounts/{connection.external_account_id}")
        state.apply(connection, account)

    def revoke(self, connection, client) -> None:
        """/oauth/deauthorize with the client id and stripe_user_id (only OAuth connections hold a token)."""
        with StripeAPI(self, connection.mode) as api:
            api.post_connect("/oauth/deauthorize", {"client_id": self.setting(f"{connection.mode}_client_id"),
                                                    "stripe_user_id": connection.external_account_id})

    def forget(self, connection) -> None:
        connection.external_account_id = ""
        connection.details = {}

    # --- the tab and the card ------------------------------------------------------------------

    def facts(self, connection) -> list[tuple[str, str]]:
        s = connection.details.get("account") or {}
        facts = [("Business name", s.get("name", "")), ("Stripe account", connection.external_account_id),
                 ("Connected with", {"oauth": "Stripe Connect OAuth (your existing account)",
                                     "account_links": "Stripe onboarding (a new account)"}.get(
                     connection.details.get("via", ""), ""))]
        if s:
            facts += [("Charges", "Enabled" if s.get("charges_enabled") else "Disabled"),
                      ("Payouts", "Enabled" if s.get("payouts_enabled") else "Disabled"),
                      ("Details submitted", "Yes" if s.get("details_submitted") else "No")]
        return [(label, value) for label, value in facts if value]

    def panel_context(self, mode: str, connection) -> dict:
        from hubwire.integrations.models import ConnectionStatus
        from hubwire.integrations.stripe import onboarding, state

        gone = ConnectionStatus.NOT_CONNECTED
        s = (connection.details.get("account") or {}) if connection else {}
        live = connection is not None and connection.status != gone and connection.external_account_id
        return {
            "missing": self.mode_missing(mode),
            "deauthorized": bool(connection and connection.status == gone
                                 and connection.details.get("deauthorized")),
            "dashboard": self.dashboard_url(connection) if live else "",
            "can_resume": bool(live and connection.details.get("via") == onboarding.VIA_ACCOUNT_LINKS
                               and not s.get("charges_enabled")),
            "due": state.plain_list(s.get("currently_due", [])) if live else [],
            "deadline": state.deadline_words(s).removeprefix(" by ") if live else "",
        }

    def card(self, workspace, connections) -> Card:
        from hubwire.integrations.models import STATUS_COLOUR, ConnectionStatus

        gone = ConnectionStatus.NOT_CONNECTED
        removed = [c for c in connections if c.status == gone and c.details.get("deauthorized")]
        if removed and all(c.status == gone for c in connections):
            # Not connected, but red: the business did not choose this here (see events._deauthorized).
            return Card(gone, STATUS_COLOUR[ConnectionStatus.NEEDS_ATTENTION],
                        f"Disconnected at Stripe · {removed[0].mode.title()} mode", removed[0].status_reason)
        return super().card(workspace, connections)

    def audit_filter(self):
        return super().audit_filter() | Q(action__startswith="stripe_payment")

    # --- webhooks ------------------------------------------------------------------------------

    inbound_headers = ("stripe-signature",)

    def verify_inbound(self, request) -> list[InboundDelivery]:
        headers, body = request.headers, request.body
        secrets = {m: self.setting(f"{m}_webhook_secret") for m in self.modes}
        secrets = {m: s for m, s in secrets.items() if s}
        if not secrets:
            raise InboundRejected("Stripe webhooks are not configured (HUBWIRE_STRIPE_<MODE>_WEBHOOK_SECRET)", status=503)
        header = headers.get("Stripe-Signature", "")
        signed = {m: t for m, s in secrets.items() if (t := signature_matches(s, header, body)) is not None}
        if not signed:
            raise InboundRejected("no Stripe-Signature v1 signature matches", status=400)
        endpoint_mode, timestamp = next(iter(signed.items()))
        check_timestamp(str(timestamp), SIGNATURE_TOLERANCE_SECONDS, now=time.time())
        event = json_body(body)
        if event.get("object") != "event" or not all(isinstance(event.get(k), str) and event[k] for k in ("id", "type")):
            raise InboundRejected("not a Stripe event", status=400)
        mode = mode_of(event.get("livemode"))
        # A test endpoint never receives live events; a live Connect endpoint receives both.
        if endpoint_mode == "test" and mode == "live":
            raise InboundRejected("a live-mode event signed with the test endpoint's secret", status=400)
        account = str(event.get("account") or "")
        if account:
            modes = set(connections_for(self, account).values_list("mode", flat=True))
            if modes and mode not in modes:
                raise InboundRejected(f"a {mode}-mode event for an account connected only in "
                                      f"{', '.join(sorted(modes))} mode", status=400)
        return [InboundDelivery(event_id=event["id"], event_type=event["type"], account_ref=account)]

    def handle_event(self, event) -> str:
        from hubwire.integrations.stripe import events

        return events.handle(self, event.event_type, json.loads(event.body))
