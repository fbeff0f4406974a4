"""One place that keeps secrets out of logs, pages and exceptions (architecture principle 9).

`scrub` removes the values of credential-looking fields from any text: query strings, form bodies,
JSON, and Authorization headers. `RedactingFilter` applies it to every log record, so a careless
log line elsewhere still cannot leak a token."""

import logging
import re

REDACTED = "[redacted]"

# Names whose values are secrets wherever they appear (OAuth 2.0, Stripe, Twilio, Zoom, Google).
SECRET_NAMES = (
    "access_token", "refresh_token", "id_token", "client_secret", "code_verifier", "code", "token",
    "password", "secret", "api_key", "apikey", "auth_token", "authtoken", "plainToken", "encryptedToken",
    "signature", "x_refresh_token", "private_key",
)
_names = "|".join(sorted((re.escape(n) for n in SECRET_NAMES), key=len, reverse=True))
_PATTERNS = [
    # Authorization: Bearer xyz / Basic xyz (headers or text quoting them)
    (re.compile(r"(?i)\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=\-]+"), r"\1 " + REDACTED),
    # "name": "value" in JSON
    (re.compile(rf'(?i)("(?:{_names})"\s*:\s*")[^"]*(")'), r"\1" + REDACTED + r"\2"),
    # name=value in query strings and form bodies
    (re.compile(rf"(?i)(?<![A-Za-z0-9_])((?:{_names})=)[^&\s\"']+"), r"\1" + REDACTED),
    # Fernet tokens and webhook secrets in free text
    (re.compile(r"\bgAAAAA[A-Za-z0-9_\-=]{20,}"), REDACTED),
    (re.compile(r"\b(whsec|sk_live|sk_test|rk_live|rk_test)_[A-Za-z0-9+/=]+"), r"\1_" + REDACTED),
]


def scrub(text: str, *known_secrets: str) -> str:
    """Text with every secret-looking value, and every value in known_secrets, replaced."""
    if not text:
        return text
    for secret in known_secrets:
        if secret and len(secret) >= 6:
            text = text.replace(secret, REDACTED)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    """Scrubs the formatted message of every record that passes through a handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True
