"""QuickBooks Online, as the sandbox plays it (providers.md §2): the Accounting API at
quickbooks.api.intuit.com and sandbox-quickbooks.api.intuit.com (api.py: company info, Customer,
Invoice, Item and Payment writes and reads, the query language, batch and CDC, with Intuit's Fault
envelope, `requestid` replay and per-realm throttling), the signed webhooks it sends (webhooks.py) and its
test hooks (control.py). Its OAuth server is INTUIT in sandbox/servers.py; its tables are its own
(models.py, app label sandbox_quickbooks).

Its routes and hooks are registered by its AppConfig's ready() (apps.py), not here: Django imports
this package before any model can be, since it is an app of its own."""
