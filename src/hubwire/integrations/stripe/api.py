"""Calls to Stripe's v1 API as the platform, in one mode, optionally acting as a connected account
(`Stripe-Account`). Every call goes through integrations/http.py (rate limit, retries only when
safe: GETs and POSTs with an Idempotency-Key) and every object that comes back is checked for its
`livemode`, so a test connection can never act on live money or the reverse."""

from __future__ import annotations

from hubwire.integrations.http import ProviderError, provider_client, raise_for_status

# The API version hubwire speaks (and the sandbox echoes): response shapes do not move with the
# account's default version. providers.md §1.2.
API_VERSION = "2026-08-26.dahlia"


def encode_form(params: dict, prefix: str = "") -> list[tuple[str, str]]:
    """v1's form encoding: nested dicts and lists in bracket notation, booleans as true/false,
    None left out. {"a": {"b": [1]}} -> [("a[b][0]", "1")]."""
    pairs = []
    for key, value in params.items():
        name = f"{prefix}[{key}]" if prefix else str(key)
        if value is None:
            continue
        if isinstance(value, dict):
            pairs += encode_form(value, name)
        elif isinstance(value, (list, tuple)):
            pairs += encode_form({str(i): v for i, v in enumerate(value)}, name)
        elif isinstance(value, bool):
            pairs.append((name, "true" if value else "false"))
        else:
            pairs.append((name, str(value)))
    return pairs


def mode_of(livemode) -> str:
    return "live" if livemode is True else "test"


class ModeMismatch(ProviderError):
    """Stripe answered with an object from the other mode (a misconfigured key, or worse)."""


def check_livemode(obj: dict, mode: str) -> dict:
    if isinstance(obj, dict) and "livemode" in obj and mode_of(obj["livemode"]) != mode:
        raise ModeMismatch(f"Stripe answered a {mode}-mode request with a {mode_of(obj['livemode'])}-mode "
                           f"{obj.get('object', 'object')}; hubwire refused it. Check the {mode} keys in the settings.")
    return obj


class StripeAPI:
    def __init__(self, provider, mode: str, account: str = ""):
        self.provider, self.mode, self.account = provider, mode, account
        key = provider.secret_key(mode)
        if not key:
            raise ProviderError(provider.mode_missing(mode))
        self.client = provider_client(provider, account=f"platform-{mode}",
                                      headers={"Authorization": f"Bearer {key}", "Stripe-Version": API_VERSION})

    def __enter__(self) -> StripeAPI:
        return self

    def __exit__(self, *exc) -> None:
        self.client.close()

    def _headers(self, idempotency_key: str) -> dict:
        headers = {"Stripe-Account": self.account} if self.account else {}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        return headers

    def get(self, path: str, **params) -> dict:
        response = self.client.get(self.provider.url("api", path), params=encode_form(params),
                                   headers=self._headers(""))
        return check_livemode(raise_for_status(self.provider, response).json(), self.mode)

    def post(self, path: str, params: dict, *, idempotency_key: str = "") -> dict:
        response = self.client.post(self.provider.url("api", path), data=dict(encode_form(params)),
                                    headers=self._headers(idempotency_key))
        return check_livemode(raise_for_status(self.provider, response).json(), self.mode)

    def post_connect(self, path: str, params: dict) -> dict:
        """connect.stripe.com (OAuth deauthorize), authenticated with the secret key."""
        response = self.client.post(self.provider.url("connect", path), data=params)
        return raise_for_status(self.provider, response).json()
