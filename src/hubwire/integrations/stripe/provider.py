"""Stripe Connect (providers.md §1). Declared here; onboarding and payments come with its own issue."""

from hubwire.integrations.registry import AuthKind, Provider, RateLimit, register


@register
class Stripe(Provider):
    key = "stripe"
    name = "Stripe"
    tab_label = "Stripe"
    summary = "Accept online payments on invoices by linking your Stripe account, in test or live mode."
    auth_kind = AuthKind.OAUTH2
    modes = ("test", "live")
    hosts = {"connect": "https://connect.stripe.com", "api": "https://api.stripe.com"}
    authorize_endpoint = ("connect", "/oauth/authorize")
    token_endpoint = ("connect", "/oauth/token")
    revoke_endpoint = ("connect", "/oauth/deauthorize")
    scopes = ("read_write",)
    pkce = False
    token_auth_method = "client_secret_post"
    token_details = ("stripe_user_id", "stripe_publishable_key", "livemode")
    account_id_field = "stripe_user_id"
    # Test mode ("Sandbox"): 25 requests/s; live: 100/s (docs.stripe.com/rate-limits). The lower one, until modes differ.
    rate_limit = RateLimit(per_second=25, burst=25, source="docs.stripe.com/rate-limits")
