"""QuickBooks Online (providers.md §2). The business pastes its own Intuit app's client id and
secret (the seed: "configure API credentials in Settings first"), then connects with OAuth."""

from datetime import timedelta

from hubwire.integrations.quickbooks import api, customers, errors, inbound, invoices, setup
from hubwire.integrations.registry import AuthKind, CredentialField, Provider, RateLimit, register


@register
class QuickBooks(Provider):
    key = "quickbooks"
    tab_order = 30
    name = "QuickBooks"
    tab_label = "QuickBooks"
    summary = "Sync invoices and customer records to QuickBooks Online, on demand and on a schedule."
    auth_kind = AuthKind.OAUTH2
    built = True
    hosts = {"appcenter": "https://appcenter.intuit.com", "oauth": "https://oauth.platform.intuit.com",
             "developer": "https://developer.api.intuit.com", "api": "https://quickbooks.api.intuit.com"}
    authorize_endpoint = ("appcenter", "/connect/oauth2")
    token_endpoint = ("oauth", "/oauth2/v1/tokens/bearer")
    revoke_endpoint = ("developer", "/v2/oauth2/tokens/revoke")
    scopes = ("com.intuit.quickbooks.accounting",)
    pkce = False
    callback_params = ("realmId",)
    account_id_field = "realmId"
    revoke_style = "json"
    # 100 days, rolling (blogs.intuit.com 2024-06-03), when the token answer does not say.
    refresh_token_lifetime = timedelta(days=100)
    credential_fields = (
        CredentialField("client_id", "Client ID", r"[A-Za-z0-9_-]{10,80}",
                        "10 to 80 letters and digits, from your Intuit developer app's Keys page.", secret=False),
        CredentialField("client_secret", "Client Secret", r"[A-Za-z0-9_-]{10,80}",
                        "10 to 80 letters and digits, from your Intuit developer app's Keys page."),
        CredentialField("verifier_token", "Webhook verifier token", r"[A-Za-z0-9_-]{16,80}",
                        "optional until you set up webhooks: 16 to 80 letters and digits, from your Intuit "
                        "app's Webhooks page (Show verifier token)", required=False),
    )

    @property
    def rate_limit(self) -> RateLimit:
        """500 requests a minute per company, 10 at once (blogs.intuit.com/2016/08/08/idg-concurrent-api-use-
        changes-coming-soon), shared by every worker; a setting so that a benchmark can scale it."""
        per_minute, burst = api.limit("REQUESTS_PER_MINUTE"), 10
        return RateLimit(per_second=api.per_second(per_minute, burst), burst=burst, source="blogs.intuit.com/2016/08/08",
                         concurrent=api.limit("CONCURRENT_REQUESTS"))

    def client_credentials(self, connection, mode: str = ""):
        creds = connection.credentials if connection else {}
        return creds.get("client_id", ""), creds.get("client_secret", "")

    def missing_configuration(self) -> str:
        return ""  # each workspace brings its own Intuit app

    def explain_error(self, response):
        return errors.explain(response)

    def connected(self, connection):
        """Its schedules follow the business's chosen export time, so they are declared from its choices
        (paused while the business has QuickBooks turned off); before the features waiting for the
        connection are told, so that they find it turned on."""
        setup.quickbooks_connected(connection)
        super().connected(connection)

    # --- the tab: set-up and connection (setup.py, views.py, templates/quickbooks/) ---------------

    # The tab's own part comes above the connection panel (the Enable switch and the Intuit app's
    # settings); its panel shows the framework's panel once QuickBooks is on, then the choices and
    # the customers' and invoices' sections.
    tab_template = "quickbooks/tab.html"
    panel_template = "quickbooks/_panel.html"

    def after_connect(self, connection, client):
        """The company's name from CompanyInfo: the tab and the card show which company is connected."""
        with api.company_api(connection) as qbo:
            info = qbo.company_info()
        connection.account_name = (info.get("CompanyName") or info.get("LegalName") or "")[:200]

    def facts(self, connection):
        return [(label, value) for label, value in (
            ("Company", connection.account_name), ("Realm ID", connection.external_account_id)) if value]

    def tab_context(self, workspace) -> dict:
        context = setup.tab_context(workspace)
        if context["connection"] is not None:
            context["customers"] = customers.section_context(context["connection"])
            context["invoices"] = invoices.section_context(context["connection"])
        return context

    # --- Intuit's webhooks, on each connection's own URL (inbound.py) --------------------------------

    inbound_on_connection_url = True  # each business's Intuit app signs with its own verifier token

    def verify_inbound(self, request):
        return inbound.verify(request)

    def handle_event(self, event) -> str:
        return inbound.handle(event)
