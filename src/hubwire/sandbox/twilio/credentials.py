"""The sandbox Twilio account's Account SID and Auth Token: fixed, so a pasted pair stays good across
resets, and shown on the sandbox page. Plain values (no model): hubwire.sandbox.twilio re-exports them
while Django is still loading its apps."""

import hashlib

ACCOUNT_SID = "AC" + hashlib.md5(b"hubwire sandbox account").hexdigest()
AUTH_TOKEN = hashlib.md5(b"hubwire sandbox auth token").hexdigest()
