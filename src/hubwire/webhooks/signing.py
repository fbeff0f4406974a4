"""Standard Webhooks v1 signatures (providers.md §7): HMAC-SHA256 over "{id}.{timestamp}.{body}"
with the base64-decoded `whsec_` secret, sent as "v1,<base64>"; several, space-separated, while a
rotated secret is still honoured."""

import base64
import hashlib
import hmac
import secrets

PREFIX = "whsec_"
SECRET_BYTES = 32  # the spec allows 24–64 random bytes


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def sign(secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix(PREFIX))
    digest = hmac.new(key, f"{webhook_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_header(secrets_in_use: list[str], webhook_id: str, timestamp: int, body: bytes) -> str:
    return " ".join(sign(secret, webhook_id, timestamp, body) for secret in secrets_in_use)


def new_webhook_id() -> str:
    return "msg_" + secrets.token_urlsafe(18)
