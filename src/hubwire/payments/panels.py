"""The invoice page's "Pay online" card (Pay now through Stripe, and each online attempt)."""

from hubwire.crm.panels import record_panel
from hubwire.payments.selectors import online_payment

record_panel("invoices", template="payments/invoice_card.html",
             context=lambda request, invoice: {"online": online_payment(invoice)})
