"""Imported in every process at start-up (integrations/apps.py): the modules that register QuickBooks'
passes, schedule handlers, event handlers, record panels and sync-panel hooks."""

# --- qbo-inbound: changes from QuickBooks, payments both ways --------------------------------------
from hubwire.integrations.quickbooks import changes, payments  # noqa: E402,F401
# --- customers: the pass, the handlers that follow accounts and contacts, the account page's card ---
from hubwire.integrations.quickbooks import customer_follow, customer_links, customers  # noqa: F401
# --- invoices: the export passes and schedule handler, invoice events, the invoice card, panel hooks ---
from hubwire.integrations.quickbooks import invoice_hooks, invoices  # noqa: F401
