"""One place that keeps secrets out of logs, pages and exceptions (architecture principle 9).

`scrub` removes the values of credential-looking fields from any text: query strings, form bodies,
JSON, Authorization headers, and the path segments that are credentials (a URL segment declared as
`<secret:...>`, the converter below). `RedactingFilter` applies it to every log record, so a careless
log line elsewhere (Django's "Unauthorized: /hooks/in/<token>/" included) still cannot leak a token."""

import logging
import re

from django.urls.converters import StringConverter

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



class SecretConverter(StringConverter):
    """A URL segment that is a credential (an inbound hook's token, a portal link's token): it matches
    like `str`, and every URL pattern using it teaches `scrub` to hide that segment."""


# In free text a path segment also ends where the path does: at a space, a quote or a query string.
_SECRET_SEGMENT = r"[^/\s?#\"'<>]+"
# (pattern, name of its group that is a credential)
_marked_paths: list[tuple[re.Pattern, str]] = []
_url_paths: list[tuple[re.Pattern, str]] | None = None


def mark_secret_path(pattern: str, group: str) -> None:
    """A path served outside Django's URL patterns (the sandbox's own router) whose `group` is a credential."""
    if (marked := (re.compile(pattern), group)) not in _marked_paths:
        _marked_paths.append(marked)


def _secret_paths_in(patterns, prefix: str = ""):
    from django.urls import URLResolver

    for entry in patterns:
        regex = prefix + entry.pattern.regex.pattern.removeprefix("^").removesuffix(r"\Z")
        if isinstance(entry, URLResolver):
            yield from _secret_paths_in(entry.url_patterns, regex)
            continue
        for name, converter in entry.pattern.converters.items():
            if isinstance(converter, SecretConverter):
                # Cut after the secret, so that a longer or truncated path is scrubbed too.
                before = regex[:regex.index(f"(?P<{name}>")]
                yield re.compile(f"/{before}(?P<{name}>{_SECRET_SEGMENT})"), name


def _secret_paths() -> list[tuple[re.Pattern, str]]:
    global _url_paths
    if _url_paths is None:
        from django.apps import apps

        if not apps.ready:  # a record logged while Django starts, before its URL patterns can load
            return _marked_paths
        from django.urls import get_resolver

        _url_paths = list(dict.fromkeys(_secret_paths_in(get_resolver().url_patterns)))  # one per path
    return _url_paths + _marked_paths


def _scrub_secret_paths(text: str) -> str:
    for pattern, group in _secret_paths():
        text = pattern.sub(lambda m: _hide_group(m, group), text)
    return text


def _hide_group(match: re.Match, group: str) -> str:
    whole, start = match.group(0), match.start()
    return whole[:match.start(group) - start] + REDACTED + whole[match.end(group) - start:]


def scrub(text: str, *known_secrets: str) -> str:
    """Text with every secret-looking value, and every value in known_secrets, replaced."""
    if not text:
        return text
    for secret in known_secrets:
        if secret and len(secret) >= 6:
            text = text.replace(secret, REDACTED)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return _scrub_secret_paths(text)


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


def redact_handlers(logger: logging.Logger) -> None:
    """Put RedactingFilter on every handler of a logger that another library set up (gunicorn, Celery)."""
    for handler in logger.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
