"""What the invoice page shows about paying online."""

from hubwire.crm.models import InvoiceStatus
from hubwire.payments.services import payments_connection


def online_payment(invoice) -> dict:
    connection = payments_connection(invoice.workspace)
    return {
        "connection": connection,
        "can_pay": connection is not None and invoice.status == InvoiceStatus.PENDING and invoice.balance_due > 0,
        "checkouts": list(invoice.checkouts.all()[:20]),
    }
