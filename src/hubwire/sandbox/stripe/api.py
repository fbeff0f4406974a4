"""api.stripe.com: authentication by secret key, `Stripe-Account` for acting as a connected
account, the test-mode request rate (25/s; live 100/s), Idempotency-Key replay, `Request-Id` on
every answer, and the routes hubwire and the providers.md contract name."""

import functools
import hashlib
from dataclasses import dataclass
from urllib.parse import parse_qsl

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpResponse, JsonResponse

from hubwire.sandbox import clock
from hubwire.sandbox.models import StripeAccount, StripeGrant, StripeIdempotency, StripeRequestCount
from hubwire.sandbox.routes import ERROR_SHAPES, route
from hubwire.sandbox.stripe import accounts, onboarding, payments
from hubwire.sandbox.stripe.platforms import Platform, by_secret_key, secret_key_of
from hubwire.sandbox.stripe.wire import StripeError, missing, new_id, parse_form

HOST = "api.stripe.com"
ERROR_SHAPES[HOST] = lambda status, message: {"error": {"type": "api_error" if status >= 500 else "invalid_request_error",
                                                        "message": message}}


@dataclass
class Caller:
    platform: Platform
    account: str           # the Stripe-Account header, or ""
    params: dict
    request_id: str
    idempotency_key: str

    @property
    def livemode(self) -> bool:
        return self.platform.livemode


def api(methods: str, pattern: str):
    def decorator(handler):
        @route(HOST, methods, pattern)
        @functools.wraps(handler)
        def view(request, **kwargs):
            request_id = new_id("req_", 14)
            try:
                caller = _caller(request, request_id)
                response = _idempotent(request, caller, lambda: _answer(handler, caller, kwargs))
            except StripeError as exc:
                response = exc.response()
            response["Request-Id"] = request_id
            if request.headers.get("Stripe-Version"):
                response["Stripe-Version"] = request.headers["Stripe-Version"]
            return response
        return view
    return decorator


def _answer(handler, caller: Caller, kwargs) -> HttpResponse:
    try:
        return JsonResponse(handler(caller, **kwargs))
    except StripeError as exc:
        return exc.response()


# --- authentication and access ------------------------------------------------------------------

def authenticate(request) -> Platform:
    key = secret_key_of(request)
    if not key:
        raise StripeError(401, "You did not provide an API key. You need to provide your API key in the Authorization "
                               "header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').")
    platform = by_secret_key(key)
    if platform is None:
        raise StripeError(401, f"Invalid API Key provided: {key[:8]}{'*' * 8}{key[-4:]}", code="api_key_invalid")
    return platform


def _caller(request, request_id: str) -> Caller:
    platform = authenticate(request)
    _rate_limit(platform)
    account = request.headers.get("Stripe-Account", "")
    if account:
        require_access(platform, account)
    pairs = parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True) if request.method == "POST" \
        else list(request.GET.items())
    return Caller(platform, account, parse_form(pairs), request_id, request.headers.get("Idempotency-Key", ""))


def require_access(platform: Platform, account: str) -> StripeGrant:
    found = StripeGrant.objects.filter(platform=platform.name, account_id=account, livemode=platform.livemode,
                                       deauthorized_at=None).first()
    if found is None:
        # [U] the exact text for a revoked Stripe-Account (providers.md §10)
        raise StripeError(403, f"The provided key '{platform.secret_key[:8]}********' does not have access to account "
                               f"'{account}' (or that account does not exist). Application access may have been revoked.",
                          type="invalid_request_error", code="account_invalid")
    return found


# --- rate limit: requests per second per secret key (docs.stripe.com/rate-limits) ------------------

def _rate_limit(platform: Platform) -> None:
    """Count the request in its second of the sandbox clock, in the sandbox's database, so that
    every process serving the sandbox (gunicorn's workers on `make run`) shares one count."""
    limit = settings.HUBWIRE_SANDBOX_STRIPE_LIVE_RATE if platform.livemode else settings.HUBWIRE_SANDBOX_STRIPE_TEST_RATE
    key_hash = hashlib.sha256(platform.secret_key.encode()).hexdigest()
    second = int(clock.now().timestamp())
    with transaction.atomic(using="sandbox"):
        window, created = StripeRequestCount.objects.select_for_update().get_or_create(api_key_hash=key_hash,
                                                                                       second=second)
        if created:
            StripeRequestCount.objects.filter(api_key_hash=key_hash, second__lt=second).delete()
        if window.count >= limit:
            raise StripeError(429, "Request rate limit exceeded. Learn more about rate limits here "
                                   "https://stripe.com/docs/rate-limits.", code="rate_limit")
        StripeRequestCount.objects.filter(pk=window.pk).update(count=F("count") + 1)


# --- idempotency (providers.md §1.7) -------------------------------------------------------------

# Answers Stripe keeps for a key: endpoint execution began. Validation failures, refused access and
# rate limiting are not saved, so the same key may be tried again.
_SAVED = {200, 402} | set(range(500, 600))


def _idempotent(request, caller: Caller, run) -> HttpResponse:
    key = caller.idempotency_key
    if request.method != "POST" or not key:
        return run()
    if len(key) > 255:
        raise StripeError(400, "Idempotency-Key must be at most 255 characters long.", code="idempotency_key_too_long")
    key_hash = hashlib.sha256(caller.platform.secret_key.encode()).hexdigest()
    fingerprint = hashlib.sha256(f"{request.path}\n{caller.account}\n".encode() + request.body).hexdigest()
    try:
        with transaction.atomic(using="sandbox"):
            saved = StripeIdempotency.objects.create(api_key_hash=key_hash, key=key, request_hash=fingerprint,
                                                     status=0, body="", created_at=clock.now())
    except IntegrityError:
        earlier = StripeIdempotency.objects.get(api_key_hash=key_hash, key=key)
        if earlier.request_hash != fingerprint:
            raise StripeError(400, "Keys for idempotent requests can only be used with the same parameters they were "
                                   f"first used with. Try using a key other than '{key}' if you meant to execute a "
                                   "different request.", type="idempotency_error") from None
        if earlier.status == 0:
            raise StripeError(409, "There is currently another in-progress request using this Idempotent Key (that "
                                   "probably means you submitted twice, and the other request is still going through): "
                                   f"{key}. Please try again later.", type="idempotency_error") from None
        replay = HttpResponse(earlier.body, status=earlier.status, content_type="application/json")
        replay["Idempotent-Replayed"] = "true"
        replay["Original-Request"] = earlier.key
        return replay
    response = run()
    if response.status_code in _SAVED:
        StripeIdempotency.objects.filter(pk=saved.pk).update(status=response.status_code,
                                                             body=response.content.decode())
    else:
        StripeIdempotency.objects.filter(pk=saved.pk).delete()
    return response


# --- accounts and account links ------------------------------------------------------------------

def _account(caller: Caller, account_id: str) -> StripeAccount:
    require_access(caller.platform, account_id)
    found = StripeAccount.objects.filter(account_id=account_id).first()
    if found is None:
        raise StripeError(404, f"No such account: '{account_id}'", code="resource_missing", param="account")
    return found


@api("POST", r"/v1/accounts")
def account_create(caller: Caller) -> dict:
    p = caller.params
    if caller.account:
        raise StripeError(400, "You cannot create accounts on behalf of a connected account.")
    controller = p.get("controller") or {}
    if not controller and p.get("type") not in ("standard", "express", "custom"):
        raise missing("controller")
    profile = p.get("business_profile") or {}
    row = accounts.create(email=p.get("email", ""), country=p.get("country", "US"), controller=controller,
                          business_name=profile.get("name", "") if isinstance(profile, dict) else "")
    accounts.grant(platform=caller.platform, account_id=row.account_id, via="created")
    return row.body


@api("GET", r"/v1/accounts/(?P<account_id>acct_\w+)")
def account_get(caller: Caller, account_id: str) -> dict:
    return _account(caller, account_id).body


@api("GET", r"/v1/account")
def account_self(caller: Caller) -> dict:
    if not caller.account:
        raise StripeError(400, "The sandbox has no platform account to show; send Stripe-Account.", param="Stripe-Account")
    return _account(caller, caller.account).body


@api("POST", r"/v1/account_links")
def account_link_create(caller: Caller) -> dict:
    p = caller.params
    for name in ("account", "type"):
        if not p.get(name):
            raise missing(name)
    if p["type"] not in ("account_onboarding", "account_update"):
        raise StripeError(400, "Invalid type: must be one of account_onboarding or account_update",
                          code="parameter_invalid_string", param="type")
    for name in ("refresh_url", "return_url"):
        if not p.get(name):
            raise missing(name)
    account = _account(caller, p["account"])
    grant = require_access(caller.platform, account.account_id)
    if grant.via != "created":
        raise StripeError(400, "You cannot create an account link for an account that was connected with OAuth; "
                               "its owner manages it in the Stripe Dashboard.", param="account")
    return onboarding.link_create(caller.platform, account.account_id, p["type"], p["refresh_url"], p["return_url"])


# --- payments ------------------------------------------------------------------------------------

@api("POST", r"/v1/checkout/sessions")
def checkout_session_create(caller: Caller) -> dict:
    return payments.session_create(caller)


@api("GET", r"/v1/checkout/sessions")
def checkout_session_list(caller: Caller) -> dict:
    return payments.session_list(caller)


@api("GET", r"/v1/checkout/sessions/(?P<session_id>cs_\w+)")
def checkout_session_get(caller: Caller, session_id: str) -> dict:
    return payments.session_of(caller, session_id).body


@api("POST", r"/v1/checkout/sessions/(?P<session_id>cs_\w+)/expire")
def checkout_session_expire(caller: Caller, session_id: str) -> dict:
    session = payments.session_of(caller, session_id)
    if session.body["status"] != "open":
        raise StripeError(400, f"Only Checkout Sessions with a status in [\"open\"] can be expired. This Checkout "
                               f"Session has a status of \"{session.body['status']}\".")
    return payments.session_expire(session, request_id=caller.request_id).body


@api("POST", r"/v1/payment_intents")
def payment_intent_create(caller: Caller) -> dict:
    return payments.intent_create(caller)


@api("GET", r"/v1/payment_intents/(?P<intent_id>pi_\w+)")
def payment_intent_get(caller: Caller, intent_id: str) -> dict:
    return payments.intent_of(caller, intent_id).body


@api("POST", r"/v1/payment_intents/(?P<intent_id>pi_\w+)/confirm")
def payment_intent_confirm(caller: Caller, intent_id: str) -> dict:
    return payments.intent_confirm(caller, payments.intent_of(caller, intent_id))
