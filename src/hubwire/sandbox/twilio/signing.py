"""`X-Twilio-Signature` on what the sandbox posts (providers.md §6.2): base64 of HMAC-SHA1, keyed
with the account's Auth Token, over the full URL (query included) followed by every form parameter's
name and value in sorted order. Computed here, not with hubwire's integrations/signatures.py: the
emulator plays Twilio, and a client and emulator sharing one signing function would agree even when
both were wrong (tests check it with the twilio package's RequestValidator instead)."""

import base64
import hashlib
import hmac


def signature(auth_token: str, url: str, params: dict[str, str]) -> str:
    signed = url + "".join(name + params[name] for name in sorted(params))
    return base64.b64encode(hmac.new(auth_token.encode(), signed.encode(), hashlib.sha1).digest()).decode()
