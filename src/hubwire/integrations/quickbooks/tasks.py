"""Imported in every process at start-up (integrations/apps.py): the modules that register QuickBooks'
passes, schedule handlers, event handlers, record panels and sync-panel hooks."""

# --- invoices: the export passes and schedule handler, invoice events, the invoice card, panel hooks ---
from hubwire.integrations.quickbooks import invoice_hooks, invoices  # noqa: F401
