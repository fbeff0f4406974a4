"""What sends a workspace's texts: one of its Twilio account's phone numbers, or one of its Messaging
Services (providers.md §6.1: a message has exactly one of `From` or `MessagingServiceSid`), listed
from the account, chosen on the SMS tab and kept in SmsConfig (config.py).

Choosing asks Twilio about the very sid posted, with the workspace's own credentials, so a sid of
another account, a made-up one or a number that cannot text is refused naming the `sender` field,
and nothing is written. Where the business allows it, hubwire also points the sender's inbound
texts at the connection's own URL (inbound_urls.py): SmsUrl on the number (IncomingPhoneNumbers),
InboundRequestUrl on the Service (messaging.twilio.com/v1)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

import httpx
from django.db import transaction

from hubwire.core.audit import audit_record, audit_words
from hubwire.core.errors import FieldError
from hubwire.integrations.choices import choices_put
from hubwire.integrations.http import ProviderError, raise_for_status
from hubwire.integrations.inbound_urls import connection_inbound_url
from hubwire.integrations.models import Connection
from hubwire.integrations.paging import PageRequest, UriPages, each_item
from hubwire.integrations.registry import PROVIDERS
from hubwire.integrations.tokens import NeedsReconnect, connection_client
from hubwire.integrations.twilio.config import KEY, SmsConfig, active_connection, config_of, config_update

audit_words({"sms_sender_chosen": "SMS sender chosen",
             "sms_sender_forgotten": "SMS sender forgotten (not in the Twilio account now connected)",
             "sms_inbound_url_set": "SMS inbound URL set at Twilio"})

NUMBER, SERVICE = "number", "service"
KIND_OF_PREFIX = {"PN": NUMBER, "MG": SERVICE}
SID = re.compile(r"(PN|MG)[0-9a-fA-F]{32}")
# Twilio pages lists 50 to a page by default and up to 1000 (the PageSize parameter); a business
# has a handful of numbers, so one page nearly always holds them all.
PAGE_SIZE = 100
# Twilio posts inbound texts with the method set beside the URL; hubwire's event URL takes POST only.
INBOUND_METHOD = "POST"
# What a failed call to Twilio can raise: its answer in words, a connection that needs new
# credentials, or Twilio not answering at all.
TWILIO_FAILURES = (ProviderError, NeedsReconnect, httpx.TransportError)


class NotReady(Exception):
    """An action that needs a connected account and a chosen sender, before there are both."""


@dataclass(frozen=True)
class Sender:
    """One of the account's numbers or Services, as the tab offers it."""

    kind: str             # NUMBER or SERVICE
    sid: str              # PN… or MG…
    address: str          # what a message names: the number (E.164) for `From`, or the MG… sid
    label: str            # Twilio's friendly name
    inbound_url: str      # where Twilio posts the texts it receives now ("" for nowhere)
    inbound_method: str
    can_text: bool = True
    numbers: tuple[str, ...] = ()    # a Service's sender pool
    defers_to_numbers: bool = False  # a Service set to use each number's own inbound URL

    @property
    def why_not(self) -> str:
        """Why it cannot send texts, in words; "" when it can."""
        if self.can_text:
            return ""
        if self.kind == NUMBER:
            return "This number cannot send text messages (it has no SMS capability)."
        return "This Messaging Service has no phone numbers: add one to it in the Twilio Console first."


@dataclass(frozen=True)
class AccountSenders:
    numbers: list[Sender]
    services: list[Sender]


@dataclass(frozen=True)
class InboundState:
    """Whether Twilio posts the sender's inbound texts to the connection's URL, in words."""

    matches: bool
    words: str
    current: str = ""  # the URL Twilio posts them to now


@dataclass(frozen=True)
class V1Pages:
    """The paging of Twilio's v1 APIs (messaging.twilio.com), a style for integrations/paging.py:
    `meta.next_page_url` is the next page's absolute URL on the real host, which is moved onto the
    configured base (the sandbox in tests and demos) before it is followed, and never followed to any
    other host."""

    items: str
    origin: str  # the real host's origin, as Twilio writes it in next_page_url
    base: str    # where that host is reached (provider.url(host))

    def first(self, request: PageRequest) -> PageRequest:
        return request

    def following(self, request: PageRequest, body: dict, items: list, read: int) -> PageRequest | None:
        meta = body.get("meta")
        url = meta.get("next_page_url") if isinstance(meta, dict) else None
        if not url:
            return None
        origin = self.origin.rstrip("/")
        if not url.startswith(origin + "/"):
            raise ProviderError(f"The next page named an address hubwire will not follow: {url[:200]}")
        return PageRequest(self.base.rstrip("/") + url[len(origin):])  # the URL carries the whole query


def twilio_provider():
    return PROVIDERS[KEY]


def _account_path(connection: Connection, tail: str) -> str:
    return twilio_provider().url("api", f"/2010-04-01/Accounts/{connection.credentials['account_sid']}{tail}")


def _service_url(tail: str = "") -> str:
    return twilio_provider().url("messaging", f"/v1/Services{tail}")


def _number(resource: dict) -> Sender:
    capabilities = resource.get("capabilities") or {}
    return Sender(kind=NUMBER, sid=resource["sid"], address=resource.get("phone_number") or "",
                  label=resource.get("friendly_name") or resource.get("phone_number") or "",
                  inbound_url=resource.get("sms_url") or "", inbound_method=(resource.get("sms_method") or "").upper(),
                  can_text=bool(capabilities.get("sms")))


def _service(resource: dict, numbers: tuple[str, ...]) -> Sender:
    return Sender(kind=SERVICE, sid=resource["sid"], address=resource["sid"],
                  label=resource.get("friendly_name") or resource["sid"],
                  inbound_url=resource.get("inbound_request_url") or "",
                  inbound_method=(resource.get("inbound_method") or "").upper(), can_text=bool(numbers),
                  numbers=numbers, defers_to_numbers=bool(resource.get("use_inbound_webhook_on_number")))


def _service_numbers(client: httpx.Client, service_sid: str) -> tuple[str, ...]:
    provider = twilio_provider()
    style = V1Pages("phone_numbers", provider.hosts["messaging"], provider.url("messaging"))
    return tuple(n.get("phone_number") or n["sid"] for n in each_item(
        provider, client, _service_url(f"/{service_sid}/PhoneNumbers"), style, params={"PageSize": PAGE_SIZE}))


def _service_resources(client: httpx.Client) -> list[dict]:
    provider = twilio_provider()
    style = V1Pages("services", provider.hosts["messaging"], provider.url("messaging"))
    return list(each_item(provider, client, _service_url(), style, params={"PageSize": PAGE_SIZE}))


def account_senders(connection: Connection) -> AccountSenders:
    """Every number and Messaging Service of the connected account, each page of each list read."""
    provider = twilio_provider()
    with connection_client(provider, connection) as client:
        numbers = [_number(item) for item in each_item(
            provider, client, _account_path(connection, "/IncomingPhoneNumbers.json"),
            UriPages("incoming_phone_numbers", "next_page_uri", provider.url("api")), params={"PageSize": PAGE_SIZE})]
        services = [_service(item, _service_numbers(client, item["sid"])) for item in _service_resources(client)]
    return AccountSenders(numbers, services)


def _lookup(client: httpx.Client, connection: Connection, sid: str) -> Sender | None:
    """The account's number or Service with this sid, as Twilio has it now; None when Twilio has no such
    one in this account (its 404: a sid of another account is as unknown as a made-up one)."""
    provider = twilio_provider()
    if KIND_OF_PREFIX[sid[:2]] == NUMBER:
        response = client.get(_account_path(connection, f"/IncomingPhoneNumbers/{sid}.json"))
    else:
        response = client.get(_service_url(f"/{sid}"))
    if response.status_code == 404:
        return None
    resource = raise_for_status(provider, response).json()
    if resource.get("account_sid") != connection.credentials["account_sid"]:
        return None
    if KIND_OF_PREFIX[sid[:2]] == NUMBER:
        return _number(resource)
    return _service(resource, _service_numbers(client, sid))


def _chosen_sid(data) -> str:
    sid = str(data.get("sender") or "").strip()
    if not sid:
        raise FieldError(sender="Sender: choose one of your Twilio account's phone numbers or Messaging Services.")
    if not SID.fullmatch(sid):
        raise FieldError(sender="Sender: a phone number's sid (PN and 32 hexadecimal characters) or a Messaging "
                                "Service's sid (MG and 32 hexadecimal characters) from your Twilio account.")
    return sid


def _allowed(data) -> bool:
    """The "set it for me" checkbox: sent as "1" when ticked, absent when not."""
    ticked = {"1": True, "": False}.get(str(data.get("set_inbound_url") or ""))
    if ticked is None:  # the form only ever sends "1"; only a forged form lands here
        raise FieldError(set_inbound_url="Set the inbound URL for me: tick the box (1) or leave it empty.")
    return ticked


def _point(client: httpx.Client, connection: Connection, sender: Sender) -> None:
    """Have Twilio post the sender's inbound texts to the connection's own URL, by POST."""
    url = connection_inbound_url(connection=connection)
    if sender.kind == NUMBER:
        response = client.post(_account_path(connection, f"/IncomingPhoneNumbers/{sender.sid}.json"),
                               data={"SmsUrl": url, "SmsMethod": INBOUND_METHOD})
    else:
        response = client.post(_service_url(f"/{sender.sid}"),
                               data={"InboundRequestUrl": url, "InboundMethod": INBOUND_METHOD})
    raise_for_status(twilio_provider(), response)


def _as_config(chosen: Sender, allowed: bool) -> dict:
    """The SmsConfig fields that keep `chosen` as the sender."""
    return {"sender_kind": chosen.kind, "sender": chosen.address, "sender_label": chosen.label,
            "sender_sid": chosen.sid, "set_inbound_url": allowed,
            "sender_numbers": max(1, len(chosen.numbers)) if chosen.kind == SERVICE else 1}


def sender_choose(*, workspace, actor, data) -> SmsConfig:
    """Make the posted number or Service the one that sends, once Twilio confirms it is this account's
    and can text; with `set_inbound_url` ticked, its inbound URL is set first. A refusal names its
    field and writes nothing, here or at Twilio."""
    sid, allowed = _chosen_sid(data), _allowed(data)
    connection = active_connection(workspace)
    if connection is None:
        raise FieldError({"__all__": "Paste your Twilio Account SID and Auth Token first: the sender is chosen "
                                     "from that account."})
    try:
        with connection_client(twilio_provider(), connection) as client:
            found = _lookup(client, connection, sid)
            if found is None:
                raise FieldError(sender=f"Sender: {sid} is not a phone number or Messaging Service of the "
                                        "connected Twilio account.")
            if not found.can_text:
                raise FieldError(sender=f"Sender: {found.why_not}")
            if allowed:
                try:
                    _point(client, connection, found)
                except ProviderError as exc:
                    raise FieldError(set_inbound_url=f"Twilio did not take the inbound URL: {exc}") from None
    except TWILIO_FAILURES as exc:
        raise FieldError(sender=f"Sender: Twilio could not be asked about it: {exc}") from None
    with transaction.atomic():
        config = config_update(connection, **_as_config(found, allowed))
        audit_record(workspace=workspace, actor=actor, action="sms_sender_chosen", subject=KEY,
                     detail=f"{found.kind} {found.address} ({found.label})"
                            + ("; its inbound URL set to hubwire" if allowed else ""))
    return config


NOTHING_CHOSEN = "Choose the number or Messaging Service that sends your texts first."


def _chosen_now(client: httpx.Client, connection: Connection) -> Sender:
    """The chosen sender as Twilio has it now; NotReady before one is chosen, or once Twilio no longer
    has it in the account."""
    config = config_of(connection)
    if not config.ready:
        raise NotReady(NOTHING_CHOSEN)
    if not SID.fullmatch(config.sender_sid):  # kept by something other than the chooser
        raise NotReady(f"hubwire does not know Twilio's sid for {config.sender}: choose the sender again.")
    found = _lookup(client, connection, config.sender_sid)
    if found is None:
        raise NotReady(f"Twilio no longer has {config.sender_label or config.sender} in this account: choose "
                       "another sender.")
    return found


def inbound_url_set(*, workspace, actor) -> SmsConfig:
    """"Set it for me": point the chosen sender's inbound texts at the connection's URL. Raises NotReady
    before a sender is chosen, and the TWILIO_FAILURES when Twilio does not take it."""
    connection = active_connection(workspace)
    if connection is None:
        raise NotReady(NOTHING_CHOSEN)
    with connection_client(twilio_provider(), connection) as client:
        found = _chosen_now(client, connection)
        _point(client, connection, found)
    with transaction.atomic():
        config = config_update(connection, set_inbound_url=True)
        audit_record(workspace=workspace, actor=actor, action="sms_inbound_url_set", subject=KEY,
                     detail=f"{found.kind} {found.address}")
    return config


def _service_taking_inbound(client: httpx.Client, number: Sender) -> Sender | None:
    """The Messaging Service holding `number` whose own inbound URL takes its texts, or None. (Twilio
    uses a Service's inbound URL for every number in it, unless the Service defers to the numbers.)"""
    for resource in _service_resources(client):
        if not resource.get("inbound_request_url") or resource.get("use_inbound_webhook_on_number"):
            continue
        response = client.get(_service_url(f"/{resource['sid']}/PhoneNumbers/{number.sid}"))
        if response.status_code != 404:
            raise_for_status(twilio_provider(), response)
            return _service(resource, ())
    return None


def _state_in_words(sender: Sender, ours: str, taken_by: Sender | None) -> InboundState:
    where = "this number" if sender.kind == NUMBER else "this Messaging Service"
    if taken_by is not None:
        return InboundState(False, f"Texts to this number go to the inbound URL of the Messaging Service "
                                   f"“{taken_by.label}” that holds it, not the number's. Choose that service as the "
                                   "sender, or set this URL on it.", taken_by.inbound_url)
    if sender.defers_to_numbers:
        return InboundState(False, "This Messaging Service sends inbound texts to each number's own URL (“Use "
                                   "inbound webhook on number” is on in the Twilio Console). Turn that off, then set "
                                   "this URL on the service.", sender.inbound_url)
    if sender.inbound_url == ours and sender.inbound_method == INBOUND_METHOD:
        return InboundState(True, f"Twilio posts the texts {where} receives to this URL.", sender.inbound_url)
    if sender.inbound_url == ours:
        return InboundState(False, f"Twilio calls this URL by {sender.inbound_method}; set it to HTTP POST.",
                            sender.inbound_url)
    if not sender.inbound_url:
        return InboundState(False, f"Twilio has no inbound URL for {where}: replies do not reach hubwire yet.")
    host = urlsplit(sender.inbound_url).hostname or sender.inbound_url
    return InboundState(False, f"Twilio posts the texts {where} receives elsewhere (to {host}): replies do not reach "
                               "hubwire.", sender.inbound_url)


def inbound_url_state(connection: Connection) -> InboundState:
    """What Twilio does with the chosen sender's inbound texts now, read from Twilio. Raises NotReady
    before a sender is chosen (or once Twilio no longer has it), and the TWILIO_FAILURES."""
    with connection_client(twilio_provider(), connection) as client:
        found = _chosen_now(client, connection)
        taken_by = _service_taking_inbound(client, found) if found.kind == NUMBER else None
    return _state_in_words(found, connection_inbound_url(connection=connection), taken_by)


# --- keeping the choice true to the account ----------------------------------------------------------

SENDER_FIELDS = ("sender_kind", "sender", "sender_label", "sender_sid")


def sender_forget(connection: Connection) -> None:
    """Drop the chosen sender from `connection.details` (not saved here: for Provider.forget, on
    disconnect): it belongs to the Twilio account, which may not be the next one pasted. The business's
    other SMS choices (quiet hours) stay."""
    cleared = replace(config_of(connection), **{name: "" for name in SENDER_FIELDS}, set_inbound_url=False)
    choices_put(connection, KEY, cleared)


def sender_recheck(connection: Connection) -> None:
    """Credentials were just pasted: a chosen sender the (possibly other) account does not have is
    forgotten, so the card asks for one again instead of every send failing. Best effort: when Twilio
    cannot be asked, the choice stays and sending will say what is wrong."""
    config = config_of(connection)
    if not config.ready or not SID.fullmatch(config.sender_sid):
        return
    try:
        with connection_client(twilio_provider(), connection) as client:
            found = _lookup(client, connection, config.sender_sid)
    except TWILIO_FAILURES:
        return
    if found is None:
        with transaction.atomic():
            config_update(connection, **{name: "" for name in SENDER_FIELDS}, set_inbound_url=False)
            audit_record(workspace=connection.workspace, action="sms_sender_forgotten", subject=KEY,
                         detail=f"{config.sender} is not in the Twilio account now connected")
