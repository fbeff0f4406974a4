"""connect.stripe.com: account links and the hosted onboarding they open (single-use, expiring;
the user may stop half-way), and Connect OAuth for an existing account (authorize / token /
deauthorize, providers.md §1.4, §1.5)."""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render

from hubwire.sandbox import clock
from hubwire.sandbox.clients import sandbox_url
from hubwire.sandbox.models import StripeAccount, StripeGrant, StripeObject
from hubwire.sandbox.oauth import oauth_error, redirect_back
from hubwire.sandbox.routes import route
from hubwire.sandbox.stripe import accounts
from hubwire.sandbox.stripe.platforms import by_client_id, by_secret_key, secret_key_of
from hubwire.sandbox.stripe.wire import new_id, parse_form

HOST = "connect.stripe.com"
CODE_LIFETIME = timedelta(minutes=5)  # [U] Stripe does not document an authorization code's lifetime
_SALT = "sandbox-stripe"


# --- account links -------------------------------------------------------------------------------

def link_create(platform, account_id: str, link_type: str, refresh_url: str, return_url: str) -> dict:
    now = clock.now()
    token = new_id("", 12)
    expires_at = int(now.timestamp()) + settings.HUBWIRE_SANDBOX_STRIPE_ACCOUNT_LINK_LIFETIME
    body = {"object": "account_link", "created": int(now.timestamp()), "expires_at": expires_at,
            "url": sandbox_url(HOST, f"/setup/s/{account_id}/{token}")}
    StripeObject.objects.create(object_id=f"link_{token}", kind="account_link", platform=platform.name,
                                account_id=account_id, livemode=platform.livemode, body=body,
                                state={"type": link_type, "refresh_url": refresh_url, "return_url": return_url},
                                created_at=now)
    return body


def form_session(account_id: str, return_url: str) -> str:
    """The signed form state: which account, and where the user goes when they leave."""
    return signing.dumps({"account": account_id, "return_url": return_url}, salt=_SALT)


def form_context(account: StripeAccount, session: str, problems: list[str] = ()) -> dict:
    c = account.collected
    return {"account": account, "session": session, "problems": problems,
            "due": [accounts.REQUIREMENTS[r] for r in account.body["requirements"]["currently_due"]],
            "values": {"business_name": c.get("business_profile.name", ""), "url": c.get("business_profile.url", ""),
                       "first_name": c.get("representative.first_name", ""),
                       "last_name": c.get("representative.last_name", ""),
                       "bank": "on file" if c.get("external_account") else "", "tos": bool(c.get("tos_acceptance.date"))}}


@route(HOST, "GET", r"/setup/s/(?P<account_id>acct_\w+)/(?P<token>\w+)", secret="token")
def onboarding_page(request, account_id: str, token: str):
    link = StripeObject.objects.filter(object_id=f"link_{token}", kind="account_link", account_id=account_id).first()
    if link is None:
        return render(request, "sandbox/stripe/message.html", {"title": "This link is not valid",
                                                               "message": "Ask the platform for a new one."}, status=404)
    # A visited or expired link sends the user to the platform's refresh_url, which mints a new one.
    if link.state.get("used_at") or link.body["expires_at"] <= clock.now().timestamp():
        return HttpResponseRedirect(link.state["refresh_url"])
    StripeObject.objects.filter(pk=link.pk).update(state={**link.state, "used_at": clock.now().isoformat()})
    account = StripeAccount.objects.get(account_id=account_id)
    return render(request, "sandbox/stripe/onboarding.html",
                  form_context(account, form_session(account_id, link.state["return_url"])))


@route(HOST, "POST", r"/setup/s/(?P<account_id>acct_\w+)/(?P<token>\w+)", secret="token")
def onboarding_submit(request, account_id: str, token: str):
    try:
        session = signing.loads(request.POST.get("session", ""), salt=_SALT, max_age=3600)
    except signing.BadSignature:
        session = {}
    if session.get("account") != account_id:
        return render(request, "sandbox/stripe/message.html", {"title": "Your session has ended",
                                                               "message": "Return to the platform and start again."},
                      status=400)
    form = request.POST
    changes = {"started": True}
    for field, requirement in (("business_name", "business_profile.name"), ("url", "business_profile.url"),
                               ("first_name", "representative.first_name"), ("last_name", "representative.last_name")):
        if form.get(field, "").strip():
            changes[requirement] = form[field].strip()
    if form.get("bank", "").strip() and form["bank"].strip() != "on file":
        changes["external_account"] = new_id("ba_", 14)
    if form.get("tos"):
        changes.update({"tos_acceptance.date": int(clock.now().timestamp()),
                        "tos_acceptance.ip": request.META.get("REMOTE_ADDR", "127.0.0.1")})
    account = StripeAccount.objects.get(account_id=account_id)
    still_due = [r for r in accounts.REQUIREMENTS if not {**account.collected, **changes}.get(r)]
    if form.get("action") == "submit" and still_due:
        account.collected = {**account.collected, **changes}
        account.body = accounts.body_of(account)
        problems = sorted({accounts.REQUIREMENTS[r] for r in still_due})
        return render(request, "sandbox/stripe/onboarding.html",
                      form_context(account, request.POST["session"], problems), status=400)
    if form.get("action") == "submit":
        changes["submitted"] = True
    accounts.update(account_id, changes)
    return HttpResponseRedirect(session["return_url"])


# --- Connect OAuth -------------------------------------------------------------------------------

@route(HOST, "GET POST", r"/oauth/authorize")
def authorize(request):
    if request.method == "GET":
        params = parse_form(request.GET.items())
    else:
        try:
            params = signing.loads(request.POST.get("request", ""), salt=_SALT + "-oauth", max_age=3600)
        except signing.BadSignature:
            params = {}
    platform = by_client_id(params.get("client_id", ""))
    redirect_uri = params.get("redirect_uri", "")
    if platform is None:
        return render(request, "sandbox/stripe/message.html", {
            "title": "Invalid client_id", "message": f"No application matches the client_id {params.get('client_id')!r}."},
            status=400)
    if urlsplit(redirect_uri).scheme not in ("http", "https"):
        return render(request, "sandbox/stripe/message.html", {
            "title": "Invalid redirect_uri", "message": "redirect_uri is missing or not http(s)."}, status=400)

    def back(**answer):
        return redirect_back(redirect_uri, params.get("state", ""), **answer)

    if params.get("response_type") != "code":
        return back(error="unsupported_response_type", error_description="response_type must be code")
    scope = params.get("scope") or "read_only"
    if scope not in ("read_only", "read_write"):
        return back(error="invalid_scope", error_description=f"Invalid scope: {scope}")
    prefill = params.get("stripe_user") if isinstance(params.get("stripe_user"), dict) else {}
    if request.method == "GET":
        return render(request, "sandbox/stripe/oauth.html", {
            "platform": platform, "scope": scope, "request_token": signing.dumps(params, salt=_SALT + "-oauth"),
            "email": prefill.get("email") or "owner@business.example", "business_name": prefill.get("business_name", "")})
    if request.POST.get("decision") != "allow":
        return back(error="access_denied", error_description="The user denied your request")
    email = request.POST.get("email", "").strip() or "owner@business.example"
    account = StripeAccount.objects.filter(collected__email=email).order_by("id").first() or accounts.create(
        email=email, business_name=request.POST.get("business_name", "").strip(),
        complete=request.POST.get("state_of_account") != "incomplete")
    code = new_id("ac_", 24)
    StripeObject.objects.create(object_id=code, kind="oauth_code", platform=platform.name, account_id=account.account_id,
                                livemode=platform.livemode, state={"scope": scope}, created_at=clock.now())
    return back(code=code, scope=scope)


def _platform_from_request(request):
    """connect.stripe.com takes the platform's secret key as the API does, or as client_secret."""
    return by_secret_key(secret_key_of(request) or request.POST.get("client_secret", ""))


@route(HOST, "POST", r"/oauth/token")
def token(request):
    platform = _platform_from_request(request)
    if platform is None:
        return oauth_error("invalid_client", "No valid API key provided.", status=401)
    grant_type = request.POST.get("grant_type")
    if grant_type == "authorization_code":
        code = request.POST.get("code", "")
        found = StripeObject.objects.filter(object_id=code, kind="oauth_code").first()
        if found is None or found.platform != platform.name:
            return oauth_error("invalid_grant", f"Authorization code does not exist: {code}")
        if found.livemode != platform.livemode:
            return oauth_error("invalid_grant", "Authorization code provided does not belong to you "
                                                "(it was issued for the other mode).")
        if found.state.get("used"):
            return oauth_error("invalid_grant", f"Authorization code has already been used: {code}")
        if clock.now() - found.created_at > CODE_LIFETIME:
            return oauth_error("invalid_grant", f"Authorization code expired: {code}")
        StripeObject.objects.filter(pk=found.pk).update(state={**found.state, "used": True})
        account_id, scope = found.account_id, found.state["scope"]
        accounts.grant(platform=platform, account_id=account_id, via="oauth")
    elif grant_type == "refresh_token":
        refresh = StripeObject.objects.filter(object_id=request.POST.get("refresh_token", ""), kind="oauth_refresh",
                                              platform=platform.name, livemode=platform.livemode).first()
        if refresh is None or not StripeGrant.objects.filter(platform=platform.name, account_id=refresh.account_id,
                                                             livemode=platform.livemode, deauthorized_at=None).exists():
            return oauth_error("invalid_grant", "Invalid refresh token")
        account_id, scope = refresh.account_id, request.POST.get("scope") or refresh.state["scope"]
    else:
        return oauth_error("unsupported_grant_type", f"Unsupported grant type: {grant_type}")
    mode = platform.mode
    refresh_token = new_id("rt_", 40)
    StripeObject.objects.create(object_id=refresh_token, kind="oauth_refresh", platform=platform.name,
                                account_id=account_id, livemode=platform.livemode, state={"scope": scope},
                                created_at=clock.now())
    return JsonResponse({"access_token": new_id(f"sk_{mode}_oauth_", 40), "livemode": platform.livemode,
                         "refresh_token": refresh_token, "token_type": "bearer", "scope": scope,
                         "stripe_publishable_key": new_id(f"pk_{mode}_", 40), "stripe_user_id": account_id})


@route(HOST, "POST", r"/oauth/deauthorize")
def deauthorize(request):
    platform = _platform_from_request(request)
    if platform is None:
        return oauth_error("invalid_client", "No valid API key provided.", status=401)
    client_id, account_id = request.POST.get("client_id", ""), request.POST.get("stripe_user_id", "")
    if by_client_id(client_id) != platform:
        return oauth_error("invalid_client", f"No such application: '{client_id}'", status=401)
    found = StripeGrant.objects.filter(platform=platform.name, account_id=account_id, livemode=platform.livemode,
                                       deauthorized_at=None).first()
    if found is None:
        return oauth_error("invalid_client", f"This application is not connected to stripe account {account_id}, "
                                             "or that account does not exist.", status=401)
    accounts.deauthorize(found)
    return JsonResponse({"stripe_user_id": account_id})
