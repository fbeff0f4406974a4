"""Twilio, as the sandbox plays it (providers.md §6): the REST API at api.twilio.com (api.py)."""

from hubwire.sandbox.twilio.api import ACCOUNT_SID, AUTH_TOKEN  # noqa: F401  (the sandbox account, for tests and the page)
