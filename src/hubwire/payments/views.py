"""Pay now (team pages) and the payer's return from Stripe Checkout."""

import httpx
from django.contrib import messages as flash
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from hubwire.core.decorators import workspace_required
from hubwire.core.tenancy import get_scoped
from hubwire.crm.models import Invoice
from hubwire.integrations.http import ProviderError
from hubwire.payments.models import CheckoutSession
from hubwire.payments.services import PaymentUnavailable, checkout_start, checkout_sync


@require_POST
@workspace_required
def pay_now(request, pk):
    invoice = get_scoped(Invoice, request.workspace, pk)
    try:
        checkout = checkout_start(invoice=invoice, actor=request.user)
    except PaymentUnavailable as exc:
        flash.error(request, str(exc))
        return redirect("crm:detail", key="invoices", pk=pk)
    return redirect(checkout.url)


def _viewer_is_team(request, checkout) -> bool:
    user = request.user
    return user.is_authenticated and checkout.workspace.memberships.filter(user=user).exists()


def stripe_return(request, token: str):
    """Where Stripe sends the payer after paying. Anyone holding this unguessable link sees the
    outcome of this one attempt; the invoice link is for the business's team."""
    checkout = get_object_or_404(CheckoutSession.objects.select_related("invoice", "workspace"), public_token=token)
    problem = ""
    try:
        checkout = checkout_sync(checkout)
    except (ProviderError, httpx.HTTPError) as exc:
        problem = f"hubwire could not confirm the payment with Stripe yet ({exc}); it will update when Stripe tells it."
    return render(request, "payments/return.html", {"checkout": checkout, "invoice": checkout.invoice,
                                                    "problem": problem, "team": _viewer_is_team(request, checkout)})


def stripe_cancel(request, token: str):
    checkout = get_object_or_404(CheckoutSession.objects.select_related("invoice", "workspace"), public_token=token)
    return render(request, "payments/return.html", {"checkout": checkout, "invoice": checkout.invoice,
                                                    "cancelled": True, "team": _viewer_is_team(request, checkout)})
