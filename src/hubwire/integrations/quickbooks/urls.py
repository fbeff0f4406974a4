"""QuickBooks' own pages, under /integrations/quickbooks/ (names in the "integrations" namespace)."""

urlpatterns: list = []
