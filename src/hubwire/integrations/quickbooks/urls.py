"""QuickBooks' own pages, under /integrations/quickbooks/ (names in the "integrations" namespace)."""

from django.urls import path

from hubwire.integrations.quickbooks import customer_views, invoice_views, views

urlpatterns: list = [
    # --- the tab: set-up and connection ---
    path("enable/", views.enable, name="quickbooks_enable"),
    path("choices/", views.choices, name="quickbooks_choices"),
    path("disconnected/", views.disconnected, name="quickbooks_disconnected"),
]

# --- customers: "Connect customers" and the account page's QuickBooks card (customer_views.py) ---
urlpatterns += [
    path("customers/connect/", customer_views.connect, name="quickbooks_customers_connect"),
    path("accounts/<int:account_id>/customer/", customer_views.card, name="quickbooks_account_customer"),
    path("accounts/<int:account_id>/customer/search/", customer_views.search, name="quickbooks_customer_search"),
    path("accounts/<int:account_id>/customer/link/", customer_views.link, name="quickbooks_customer_link"),
    path("accounts/<int:account_id>/customer/unlink/", customer_views.unlink, name="quickbooks_customer_unlink"),
    path("accounts/<int:account_id>/customer/match-again/", customer_views.match_again,
         name="quickbooks_customer_match_again"),
]

# --- invoices (the export: Sync All Invoices, the tab's section, an invoice's card and Export now) ---
urlpatterns += [
    path("invoices/sync-all/", invoice_views.sync_all, name="quickbooks_invoices_sync_all"),
    path("invoices/section/", invoice_views.section, name="quickbooks_invoices_section"),
    path("invoices/<int:invoice_id>/", invoice_views.invoice_card, name="quickbooks_invoice_card"),
    path("invoices/<int:invoice_id>/export/", invoice_views.invoice_export, name="quickbooks_invoice_export"),
]
