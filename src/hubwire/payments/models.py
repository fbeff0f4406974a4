"""One attempt to have an invoice paid online: a Checkout Session on the connected Stripe account,
and what became of it."""

import secrets

from django.db import models
from django.utils import timezone

from hubwire.core.models import Workspace


class CheckoutStatus(models.TextChoices):
    CREATING = "creating", "Being created"
    OPEN = "open", "Waiting for the payer"
    PROCESSING = "processing", "Payment processing"
    PAID = "paid", "Paid"
    FAILED = "failed", "Payment failed"
    EXPIRED = "expired", "Expired"


# Where a later event may still move an attempt (paid, failed and expired are final).
UNSETTLED = (CheckoutStatus.CREATING, CheckoutStatus.OPEN, CheckoutStatus.PROCESSING)


def _token() -> str:
    return secrets.token_urlsafe(24)


class CheckoutSession(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    invoice = models.ForeignKey("crm.Invoice", on_delete=models.CASCADE, related_name="checkouts")
    mode = models.CharField(max_length=10, help_text="The Stripe mode it was created in: test or live.")
    account_id = models.CharField(max_length=60, help_text="The connected Stripe account (Stripe-Account).")
    session_id = models.CharField(max_length=120, blank=True, db_index=True)
    payment_intent_id = models.CharField(max_length=120, blank=True, db_index=True)
    url = models.TextField(blank=True)
    amount = models.BigIntegerField(help_text="Minor units")
    currency = models.CharField(max_length=3)
    application_fee = models.BigIntegerField(default=0)
    status = models.CharField(max_length=12, choices=CheckoutStatus.choices, default=CheckoutStatus.CREATING)
    outcome = models.TextField(blank=True, help_text="The latest failure or note, in plain words.")
    payment = models.OneToOneField("crm.Payment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # In the payer's return URLs: who holds it may see this attempt's outcome (not the invoice).
    public_token = models.CharField(max_length=40, unique=True, default=_token)
    return_to = models.CharField(max_length=20, default="team", help_text="Which pages the payer came from.")
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.session_id or 'checkout'} for invoice {self.invoice_id}: {self.status}"
