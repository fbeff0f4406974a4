"""How the sandbox Twilio speaks (providers.md §6.1): HTTP Basic auth with the Account SID and Auth
Token, the error envelope {"code", "message", "more_info", "status"}, RFC 2822 dates in GMT, SIDs of
two letters and 32 hex digits, form-encoded requests, and the test-credential magic numbers.

The envelope and the codes come from providers.md §6.1; where a refusal has no code there, the code
is the one Twilio's error pages give for it, marked [U] beside it."""

import base64
import hmac
import re
import uuid
from email.utils import format_datetime
from functools import wraps
from urllib.parse import urlsplit

import phonenumbers
from django.http import JsonResponse

from hubwire.sandbox import clock
from hubwire.sandbox.routes import ERROR_SHAPES
from hubwire.sandbox.twilio import account

API_HOST = "api.twilio.com"
MESSAGING_HOST = "messaging.twilio.com"
API_VERSION = "2010-04-01"
ACCOUNT_PATH = r"/2010-04-01/Accounts/(?P<sid>AC[0-9a-fA-F]{32})"  # a route's prefix under the account
BODY_LIMIT = 1600  # "Body (≤ 1600 chars)" (providers.md §6.1)
URL_LIMIT = 4000  # twilio.com/docs/api/errors/21609: "the URL exceeds the 4000-character limit"
FRIENDLY_NAME_LIMIT = 64  # [U] Twilio's limit on a friendly name

# Test credentials' magic numbers (providers.md §6.1, twilio.com/docs/iam/test-credentials), played by
# the sandbox account itself so that hubwire's handling of each refusal can be tried with it.
MAGIC_FROM = {"+15005550001": 21212, "+15005550007": 21606, "+15005550008": 21611}
MAGIC_FROM_PASSES = "+15005550006"  # "From +15005550006 passes"
MAGIC_TO = {"+15005550001": 21211, "+15005550002": 21612, "+15005550003": 21408, "+15005550004": 21610,
            "+15005550009": 21614}

# What the account's request gets told for each code. The wording is Twilio's where providers.md or
# Twilio's error pages give it, [U] otherwise.
MESSAGES = {
    20003: "Authentication Error - invalid username",  # wrong credentials ("Authenticate" when none are sent)
    20404: "The requested resource {path} was not found",
    21211: "Invalid 'To' Phone Number: {to}",
    21212: "The 'From' number {from_} is not a valid phone number, shortcode, or alphanumeric sender ID.",
    21408: "Permission to send an SMS has not been enabled for the region indicated by the 'To' number: {to}.",
    21502: "Invalid callback url",  # twilio.com/docs/api/errors/21502 (SmsUrl, InboundRequestUrl)
    21602: "Message body is required.",  # [U]
    21603: "A 'From' or 'MessagingServiceSid' parameter is required to send a message.",  # [U]
    21604: "A 'To' phone number is required.",  # [U]
    21606: "The 'From' phone number provided ({from_}) is not a valid message-capable Twilio phone number for "
           "this destination/account.",
    21609: "Invalid 'StatusCallback'",  # twilio.com/docs/api/errors/21609
    21610: "Attempt to send to unsubscribed recipient",
    21611: "This 'From' number has exceeded the maximum number of queued messages",
    21612: "The 'To' phone number: {to}, is not currently reachable using the 'From' phone number: {from_} via SMS.",
    21614: "'To' number is not a valid mobile number",
    21617: "The concatenated message body exceeds the 1600 character limit.",  # [U]
    21701: "The Messaging Service Sid {service} is invalid.",  # [U]
    21704: "The Messaging Service contains no phone numbers",
}
# Delivery-time codes a message may end with (providers.md §6.1), in error_message and the callback.
DELIVERY_ERRORS = {30001: "Queue overflow", 30003: "Unreachable destination handset", 30004: "Message blocked",
                   30005: "Unknown destination handset", 30006: "Landline or unreachable carrier",
                   30007: "Message filtered", 30008: "Unknown error"}
# The code an injected fault or an unrouted request carries with its status [U].
CODE_FOR_STATUS = {400: 20001, 401: 20003, 403: 20403, 404: 20404, 405: 20004, 429: 20429, 500: 20500, 503: 20503}
_E164 = re.compile(r"\+[1-9][0-9]{6,14}")
_HOST_PREFIX = re.compile(r"\A.*?/(?:api|messaging)\.twilio\.com(?=/)")


class TwilioError(Exception):
    """A refusal, answered in Twilio's envelope; `field` names the request parameter at fault."""

    def __init__(self, code: int, message: str = "", *, status: int = 400, field: str = "", **values):
        self.code, self.status, self.field = code, status, field
        self.message = message or MESSAGES.get(code, "").format(**values)
        super().__init__(self.message)

    def response(self) -> JsonResponse:
        return JsonResponse(envelope(self.status, self.message, self.code), status=self.status)


def envelope(status: int, message: str, code: int | None = None) -> dict:
    code = code or CODE_FOR_STATUS.get(status, 20500 if status >= 500 else 20001)
    return {"code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status}


ERROR_SHAPES[API_HOST] = ERROR_SHAPES[MESSAGING_HOST] = envelope


def twilio_error(status: int, code: int, message: str) -> JsonResponse:
    return JsonResponse(envelope(status, message, code), status=status)


def authenticated_sid(request) -> str | None:
    """The account whose Account SID and Auth Token the request carries (HTTP Basic), or None."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Basic "):
        return None
    try:
        sid, _, token = base64.b64decode(header[6:], validate=True).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    return sid if sid == account.ACCOUNT_SID and hmac.compare_digest(token, account.AUTH_TOKEN) else None


def authenticated(handler):
    """A route answered only for the account's own credentials (and, under /Accounts/{sid}/, for that
    account); a TwilioError raised inside becomes its envelope. The account's numbers and service are
    made on its first request (account.seed)."""
    @wraps(handler)
    def guarded(request, sid: str = "", **kwargs):
        caller = authenticated_sid(request)
        if caller is None or (sid and caller != sid):
            sent = request.headers.get("Authorization", "").startswith("Basic ")
            return twilio_error(401, 20003, MESSAGES[20003] if sent else "Authenticate")
        account.seed()
        try:
            refuse_nul(request)
            return handler(request, caller, **kwargs)
        except TwilioError as error:
            return error.response()
    return guarded


def not_found(request) -> TwilioError:
    """404 naming the path as Twilio's host sees it (without the sandbox's /sandbox/<host> prefix)."""
    return TwilioError(20404, status=404, path=_HOST_PREFIX.sub("", request.path))


def rfc2822(moment) -> str | None:
    """Twilio's date format: 'Fri, 24 May 2019 17:44:46 +0000' (the spec's examples)."""
    return format_datetime(moment.replace(microsecond=0)) if moment else None


def iso8601(moment) -> str | None:
    """The v1 APIs' (messaging.twilio.com) date format: '2015-07-30T20:12:31Z'."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def new_sid(prefix: str) -> str:
    return prefix + uuid.uuid4().hex


def is_e164(number: str) -> bool:
    """A number in E.164 form that could be a real number of its country (libphonenumber's length
    rules: 'possible', not 'assigned', so the fictional 555 numbers of a demo pass)."""
    if not _E164.fullmatch(number or ""):
        return False
    try:
        return phonenumbers.is_possible_number(phonenumbers.parse(number))
    except phonenumbers.NumberParseException:
        return False


def country_of(number: str) -> str:
    """The ISO country of an E.164 number (FromCountry/ToCountry of a webhook), or ""."""
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(number)) or ""
    except phonenumbers.NumberParseException:
        return ""


def is_callback_url(url: str) -> bool:
    """What Twilio takes as a callback URL: absolute http(s) with a host, no underscore in the host
    (twilio.com/docs/api/errors/21609), at most 4000 characters."""
    if len(url) > URL_LIMIT or any(c.isspace() for c in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and "_" not in parts.hostname


def webhook_url(value: str, field: str) -> str:
    """An SmsUrl, InboundRequestUrl or StatusCallback a resource is updated with ("" clears it)."""
    url = value.strip()
    if url and not is_callback_url(url):
        raise TwilioError(21502, f"{field} is not a valid URL: {value!r}", field=field)
    return url


def friendly_name(value: str) -> str:
    if not value.strip() or len(value) > FRIENDLY_NAME_LIMIT:
        raise TwilioError(20001, f"FriendlyName must be 1 to {FRIENDLY_NAME_LIMIT} characters", field="FriendlyName")
    return value


def save_changes(row, changes: dict):
    """Write an update's checked changes (nothing is written unless every parameter was good)."""
    for field, value in changes.items():
        setattr(row, field, value)
    row.date_updated = clock.now()
    row.save()
    return row


def method(value: str, field: str) -> str:
    """An SmsMethod / InboundMethod: GET or POST, in any case."""
    chosen = value.strip().upper()
    if chosen not in ("GET", "POST"):
        raise TwilioError(21502, f"{field} must be GET or POST", field=field)  # [U] the code
    return chosen


def refuse_nul(request) -> None:
    """No Twilio parameter holds a NUL, and PostgreSQL could not keep or compare one: a 400 (20001)
    naming the parameter, before anything is read or written."""
    for params in (request.GET, request.POST):
        for name, values in params.lists():
            if any("\x00" in value for value in values) or "\x00" in name:
                raise TwilioError(20001, f"{name!r} contains a NUL character", field=name)


def flag(value: str, field: str) -> bool:
    lowered = value.strip().lower()
    if lowered not in ("true", "false"):
        raise TwilioError(20001, f"{field} must be true or false", field=field)
    return lowered == "true"
