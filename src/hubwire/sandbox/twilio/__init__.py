"""Twilio Programmable Messaging, as the sandbox plays it (providers.md §6): one account
(credentials.py, account.py) with three long-code numbers and a Messaging Service holding two of
them; the REST API at api.twilio.com (api.py: the account; messages.py: the Messages resource; numbers.py:
IncomingPhoneNumbers) and messaging.twilio.com (services.py: Messaging Services), with Twilio's error
envelope and the test-credential magic numbers (wire.py); each sender's queue, paced on the sandbox
clock (queue.py), and the status progression posted to StatusCallback, signed (delivery.py,
signing.py); opt-out keywords and the blocklist (optout.py); a person texting one of the numbers
(inbound.py); its test hooks (control.py) and its phone card on /sandbox/ (page.py).

Its tables are its own (models.py, app label sandbox_twilio), so its routes and hooks are registered
from apps.py once Django's models are loaded, not on import."""

# The sandbox account, for tests and the page.
from hubwire.sandbox.twilio.credentials import ACCOUNT_SID, AUTH_TOKEN  # noqa: F401
