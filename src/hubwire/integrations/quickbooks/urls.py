"""QuickBooks' own pages, under /integrations/quickbooks/ (names in the "integrations" namespace)."""

from django.urls import path

from hubwire.integrations.quickbooks import invoice_views

urlpatterns: list = []

# --- invoices (the export: Sync All Invoices, the tab's section, an invoice's card and Export now) ---
urlpatterns += [
    path("invoices/sync-all/", invoice_views.sync_all, name="quickbooks_invoices_sync_all"),
    path("invoices/section/", invoice_views.section, name="quickbooks_invoices_section"),
    path("invoices/<int:invoice_id>/", invoice_views.invoice_card, name="quickbooks_invoice_card"),
    path("invoices/<int:invoice_id>/export/", invoice_views.invoice_export, name="quickbooks_invoice_export"),
]
