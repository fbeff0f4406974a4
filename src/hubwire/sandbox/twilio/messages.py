"""The Messages resource at api.twilio.com (providers.md §6.1, ../shared/specs/twilio_api_v2010_messages.json):
create (form-encoded: To, From and/or MessagingServiceSid, Body or MediaUrl, StatusCallback), fetch,
and list newest first with Twilio's paging (PageSize, Page, PageToken; next_page_uri and friends)
and its filters To, From and DateSent (on, or with < or >, on or before / on or after a day).

A create is checked in this order, the first fault answering: To (missing 21604, a magic number,
not E.164 21211), the sender (neither From nor MessagingServiceSid 21603, an unknown Service 21701
[U], a magic From, From not E.164 21212, From not the account's SMS number or not in the given
Service 21606, a Service without numbers 21704), the body (missing 21602, over 1600 characters
21617 [U]), StatusCallback (21609), the blocklist (21610), the sender's queue (21611, from a bare
number). Both From and MessagingServiceSid may be given: the spec lets a Service send from a chosen
number of its pool."""

from datetime import date, datetime, timezone
from email.utils import parsedate_to_datetime

from django.db.models import Q
from django.http import JsonResponse

from hubwire.sandbox import clock
from hubwire.sandbox.routes import route
from hubwire.sandbox.twilio import delivery, optout, paging, queue, segments, wire
from hubwire.sandbox.twilio.models import Message, PhoneNumber, Service
from hubwire.sandbox.twilio.wire import TwilioError

# DateSent: sent on the day; DateSent<: on or before it; DateSent>: on or after it (the spec's words).
DATE_FILTERS = {"DateSent": "exact", "DateSent<": "lte", "DateSent>": "gte"}
FILTERS = ("To", "From", *DATE_FILTERS)


# --- the resource ---------------------------------------------------------------------------------

def uri(account_sid: str, sid: str, tail: str = ".json") -> str:
    return f"/2010-04-01/Accounts/{account_sid}/Messages/{sid}{tail}"


def resource(message: Message) -> dict:
    """The Message as Twilio answers it. Through a Service, the sender is chosen after `accepted`:
    until then `from` is null and `num_segments` "0" (the spec's num_segments note)."""
    assigned = message.status != "accepted" and bool(message.from_number)
    return {
        "account_sid": message.account_sid, "api_version": wire.API_VERSION, "body": message.body,
        "date_created": wire.rfc2822(message.date_created), "date_sent": wire.rfc2822(message.date_sent),
        "date_updated": wire.rfc2822(message.date_updated), "direction": message.direction,
        "error_code": message.error_code, "error_message": wire.DELIVERY_ERRORS.get(message.error_code),
        "from": message.from_number if assigned else None,
        "messaging_service_sid": message.service.sid if message.service else None,
        "num_media": str(message.num_media), "num_segments": str(message.segments) if assigned else "0",
        "price": None, "price_unit": "USD", "sid": message.sid, "status": message.status,
        "subresource_uris": {"media": uri(message.account_sid, message.sid, "/Media.json"),
                             "feedback": uri(message.account_sid, message.sid, "/Feedback.json")},
        "to": message.to, "uri": uri(message.account_sid, message.sid),
    }


def queue_outbound(*, account_sid: str, to: str, body: str, sender: PhoneNumber | None, from_number: str,
                   service: Service | None, direction: str = "outbound-api", status_callback: str = "",
                   num_media: int = 0, start=None) -> Message:
    """Store an outbound message with its whole planned progression. `start` is when its sender
    reaches it (queue.reserve); None means no sender could within the queue limit (30001 later)."""
    now = clock.now()
    count = segments.count(body)
    if start is None:
        steps = queue.overflow_steps(now)
        sender, from_number = None, ""
    else:
        steps = queue.steps(now=now, start=start, segments=count, via_service=service is not None,
                            failure=queue.failure_for(to))
    plan, next_step_at = delivery.planned(steps)
    return Message.objects.create(
        sid=wire.new_sid("MM" if num_media else "SM"), account_sid=account_sid, service=service, sender=sender,
        from_number=from_number, to=to, body=body, num_media=num_media, segments=count, direction=direction,
        status="accepted" if service else "queued", status_callback=status_callback, plan=plan,
        next_step_at=next_step_at, date_created=now, date_updated=now)


# --- create ---------------------------------------------------------------------------------------

def _recipient(form) -> str:
    to = (form.get("To") or "").strip()
    if not to:
        raise TwilioError(21604, field="To")
    if to in wire.MAGIC_TO:
        raise TwilioError(wire.MAGIC_TO[to], to=to, from_=form.get("From", ""), field="To")
    if not wire.is_e164(to):
        raise TwilioError(21211, to=to, field="To")
    return to


def _sender(form, account_sid: str) -> tuple[PhoneNumber | None, str, Service | None]:
    """(the number whose queue sends it, or None for the magic +15005550006 or a Service's choice to
    come; the From given; the Service)."""
    from_ = (form.get("From") or "").strip()
    service_sid = (form.get("MessagingServiceSid") or "").strip()
    if not from_ and not service_sid:
        raise TwilioError(21603, field="From")
    service = None
    if service_sid:
        service = Service.objects.filter(account_sid=account_sid, sid=service_sid).first()
        if service is None:
            raise TwilioError(21701, service=service_sid, field="MessagingServiceSid")
    if not from_:
        if not service.numbers.filter(sms=True).exists():
            raise TwilioError(21704, field="MessagingServiceSid")
        return None, "", service
    if from_ in wire.MAGIC_FROM:
        raise TwilioError(wire.MAGIC_FROM[from_], from_=from_, field="From")
    if from_ == wire.MAGIC_FROM_PASSES and service is None:
        return None, from_, None
    if not wire.is_e164(from_):
        raise TwilioError(21212, from_=from_, field="From")
    number = PhoneNumber.objects.filter(account_sid=account_sid, phone_number=from_, sms=True).first()
    if number is None or (service is not None and number.service_id != service.pk):
        raise TwilioError(21606, from_=from_, field="From")
    return number, from_, service


def _body(form) -> tuple[str, int]:
    body = form.get("Body") or ""
    media = form.getlist("MediaUrl")
    if not body and not media:
        raise TwilioError(21602, field="Body")
    if len(body) > wire.BODY_LIMIT:
        raise TwilioError(21617, field="Body")
    return body, len(media)


def create(request, account_sid: str) -> JsonResponse:
    form = request.POST
    to = _recipient(form)
    sender, from_, service = _sender(form, account_sid)
    body, num_media = _body(form)
    status_callback = (form.get("StatusCallback") or "").strip()
    if status_callback and not wire.is_callback_url(status_callback):
        raise TwilioError(21609, field="StatusCallback")
    now = clock.now()
    if service is not None and sender is None:
        sender = queue.pool_sender(service, to, now)
    sender_number = sender.phone_number if sender else from_
    if optout.is_blocked(account_sid, to, sender=sender_number, service=service or (sender and sender.service)):
        raise TwilioError(21610, field="To")
    start = queue.reserve(sender, segments.count(body), now) if sender else now
    if start is None and service is None:
        raise TwilioError(21611, field="From")
    message = queue_outbound(account_sid=account_sid, to=to, body=body, sender=sender,
                             from_number=sender_number, service=service,
                             status_callback=status_callback, num_media=num_media, start=start)
    return JsonResponse(resource(message), status=201)


# --- list -----------------------------------------------------------------------------------------

def _moment(name: str, raw: str) -> date | datetime:
    """A DateSent filter: a day (YYYY-MM-DD) or an instant (ISO 8601 or RFC 2822)."""
    try:
        return date.fromisoformat(raw)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        try:
            moment = parsedate_to_datetime(raw)
        except (TypeError, ValueError):
            raise TwilioError(20001, f"{name} must be a date such as 2026-03-04", field=name) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _filtered(request, account_sid: str):
    rows = Message.objects.filter(account_sid=account_sid).select_related("service")
    if request.GET.get("To"):
        rows = rows.filter(to=request.GET["To"])
    if request.GET.get("From"):
        rows = rows.filter(from_number=request.GET["From"])
    for name, lookup in DATE_FILTERS.items():
        if request.GET.get(name):
            moment = _moment(name, request.GET[name])
            # A day compares with the UTC day a message was sent on, an instant with the instant.
            field = "date_sent" if isinstance(moment, datetime) else "date_sent__date"
            rows = rows.filter(**{f"{field}__{lookup}": moment})
    return rows.order_by("-date_created", "-id")


def _after(message: Message) -> Q:
    """The messages listed after `message` (newest first: older, or as old and made before it)."""
    return Q(date_created__lt=message.date_created) | Q(date_created=message.date_created, id__lt=message.id)


def _page_uri(request, account_sid: str, size: int, page: int, token: str = "") -> str:
    filters = [(name, request.GET[name]) for name in FILTERS if request.GET.get(name)]
    return paging.link(f"/2010-04-01/Accounts/{account_sid}/Messages.json", filters, size, page, token)


def listing(request, account_sid: str) -> JsonResponse:
    """One page. PageToken is PA<sid> (the page after that message) or PB<sid> (the page before it),
    as next_page_uri and previous_page_uri hand them out [U: Twilio's tokens are opaque]; without
    one, Page counts pages from the newest."""
    size, page = paging.size_and_page(request)
    rows = _filtered(request, account_sid)
    token = request.GET.get("PageToken", "")
    if token:
        mark = rows.filter(sid=token[2:]).first() if token[:2] in ("PA", "PB") else None
        if mark is None:
            raise TwilioError(20001, "PageToken is not one this list handed out", field="PageToken")  # [U]
        if token.startswith("PA"):
            shown = list(rows.filter(_after(mark))[:size])
        else:
            shown = list(rows.exclude(_after(mark)).exclude(pk=mark.pk).reverse()[:size])[::-1]
    else:
        shown = list(rows[page * size:(page + 1) * size])
    more_after = bool(shown) and rows.filter(_after(shown[-1])).exists()
    more_before = bool(shown) and rows.exclude(_after(shown[0])).exclude(pk=shown[0].pk).exists()
    start = page * size
    return JsonResponse({
        "messages": [resource(m) for m in shown], "end": start + max(len(shown) - 1, 0),
        "first_page_uri": _page_uri(request, account_sid, size, 0),
        "next_page_uri": _page_uri(request, account_sid, size, page + 1, "PA" + shown[-1].sid) if more_after else None,
        "page": page, "page_size": size,
        "previous_page_uri": _page_uri(request, account_sid, size, max(page - 1, 0), "PB" + shown[0].sid)
        if more_before else None,
        "start": start, "uri": _page_uri(request, account_sid, size, page, token),
    })


# --- routes ---------------------------------------------------------------------------------------

@route(wire.API_HOST, "GET POST", wire.ACCOUNT_PATH + r"/Messages\.json")
@wire.authenticated
def messages(request, account_sid: str):
    return create(request, account_sid) if request.method == "POST" else listing(request, account_sid)


@route(wire.API_HOST, "GET", wire.ACCOUNT_PATH + r"/Messages/(?P<message_sid>[A-Z]{2}[0-9a-fA-F]{32})\.json")
@wire.authenticated
def message(request, account_sid: str, message_sid: str):
    found = Message.objects.select_related("service").filter(account_sid=account_sid, sid=message_sid).first()
    if found is None:
        raise wire.not_found(request)
    return JsonResponse(resource(found))
