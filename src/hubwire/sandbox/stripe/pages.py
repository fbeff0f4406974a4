"""The pages a person sees at Stripe: the hosted payment page (checkout.stripe.com) and a small
dashboard of one connected account's payments (dashboard.stripe.com)."""

from django.http import HttpResponseRedirect
from django.shortcuts import render

from hubwire.sandbox.models import StripeAccount, StripeGrant, StripeObject
from hubwire.sandbox.routes import route
from hubwire.sandbox.clients import sandbox_url
from hubwire.sandbox.stripe import onboarding, payments


def _session(session_id: str) -> StripeObject | None:
    found = StripeObject.objects.filter(object_id=session_id, kind="checkout.session").first()
    return payments.expire_if_due(found) if found else None


def _merchant(session: StripeObject) -> str:
    account = StripeAccount.objects.filter(account_id=session.account_id).first()
    if account is None:
        return session.platform
    body = account.body
    return body["business_profile"]["name"] or body["settings"]["dashboard"]["display_name"] or account.account_id


def _render(request, session: StripeObject, *, message: str = "", status: int = 200):
    return render(request, "sandbox/stripe/checkout.html", {
        "session": session.body, "items": session.state.get("items", []), "merchant": _merchant(session),
        "message": message, "cards": {"succeeds": payments.CARD_SUCCEEDS, "declined": next(iter(payments.CARD_DECLINED))},
    }, status=status)


@route("checkout.stripe.com", "GET POST", r"/c/pay/(?P<session_id>cs_\w+)")
def checkout_page(request, session_id: str):
    session = _session(session_id)
    if session is None:
        return render(request, "sandbox/stripe/message.html", {"title": "Something went wrong",
                                                               "message": "This checkout page does not exist."}, status=404)
    if request.method == "GET" or session.body["status"] != "open":
        return _render(request, session)
    problem = payments.pay(session, method=request.POST.get("method", "card"), card=request.POST.get("card", ""),
                           email=request.POST.get("email", "").strip())
    if problem:
        session.refresh_from_db()
        return _render(request, session, message=problem, status=402)
    session.refresh_from_db()
    return HttpResponseRedirect(session.body["success_url"].replace("{CHECKOUT_SESSION_ID}", session.object_id))


@route("dashboard.stripe.com", "GET POST", r"/(?P<account_id>acct_\w+)/settings/account")
def dashboard_account_details(request, account_id: str):
    """The account's owner completes what Stripe still needs, in the Dashboard (accounts connected
    with OAuth manage themselves here; there is no account link for them)."""
    if request.method == "POST":
        return onboarding.onboarding_submit(request, account_id, token="dashboard")
    account = StripeAccount.objects.filter(account_id=account_id).first()
    if account is None:
        return render(request, "sandbox/stripe/message.html", {"title": "No such account", "message": account_id},
                      status=404)
    return_url = sandbox_url("dashboard.stripe.com", f"/{account_id}/test/payments")
    return render(request, "sandbox/stripe/onboarding.html",
                  onboarding.form_context(account, onboarding.form_session(account_id, return_url)))


@route("dashboard.stripe.com", "GET", r"/(?P<account_id>acct_\w+)(?P<test>/test)?/payments")
def dashboard(request, account_id: str, test: str | None):
    livemode = not test
    account = StripeAccount.objects.filter(account_id=account_id).first()
    if account is None:
        return render(request, "sandbox/stripe/message.html", {"title": "No such account",
                                                               "message": account_id}, status=404)
    objects = StripeObject.objects.filter(account_id=account_id, livemode=livemode)
    return render(request, "sandbox/stripe/dashboard.html", {
        "account": account.body, "livemode": livemode,
        "intents": objects.filter(kind="payment_intent").order_by("-id")[:100],
        "sessions": objects.filter(kind="checkout.session").order_by("-id")[:100],
        "platforms": StripeGrant.objects.filter(account_id=account_id, livemode=livemode, deauthorized_at=None),
    })
