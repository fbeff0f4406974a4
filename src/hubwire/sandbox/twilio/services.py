"""Messaging Services at messaging.twilio.com/v1 (twilio.com/docs/messaging/api/service-resource): list
and fetch the account's Services, update what hubwire may set (InboundRequestUrl, InboundMethod,
StatusCallback, FriendlyName, StickySender, UseInboundWebhookOnNumber), and list a Service's phone
numbers (its sender pool). Dates are ISO 8601 and lists page with "meta", as in every v1 API; the
fields are the Service and PhoneNumber resources' as twilio-python reads them, the ones the sandbox
does not play carrying Twilio's defaults."""

from django.http import JsonResponse

from hubwire.sandbox.routes import route
from hubwire.sandbox.twilio import paging, queue, wire
from hubwire.sandbox.twilio.models import PhoneNumber, Service

BASE = f"https://{wire.MESSAGING_HOST}/v1"
SERVICE_PATH = r"/v1/Services/(?P<service_sid>MG[0-9a-fA-F]{32})"


def url(service: Service) -> str:
    return f"{BASE}/Services/{service.sid}"


def resource(service: Service) -> dict:
    links = {name: f"{url(service)}/{path}" for name, path in (
        ("phone_numbers", "PhoneNumbers"), ("short_codes", "ShortCodes"), ("alpha_senders", "AlphaSenders"),
        ("messages", "Messages"), ("us_app_to_person", "Compliance/Usa2p"),
        ("us_app_to_person_usecases", "Compliance/Usa2p/Usecases"), ("channel_senders", "ChannelSenders"))}
    return {
        "account_sid": service.account_sid, "sid": service.sid, "friendly_name": service.friendly_name,
        "date_created": wire.iso8601(service.date_created), "date_updated": wire.iso8601(service.date_updated),
        "inbound_request_url": service.inbound_request_url or None, "inbound_method": service.inbound_method,
        "fallback_url": None, "fallback_method": "POST", "status_callback": service.status_callback or None,
        "sticky_sender": service.sticky_sender, "mms_converter": True, "smart_encoding": True,
        "scan_message_content": "inherit", "fallback_to_long_code": True, "area_code_geomatch": True,
        # A Service's messages wait at most its validity period: the sandbox's queue limit (queue.py).
        "synchronous_validation": False, "validity_period": int(queue.queue_limit().total_seconds()),
        "url": url(service), "links": links, "usecase": "undeclared", "us_app_to_person_registered": False,
        "use_inbound_webhook_on_number": service.use_inbound_webhook_on_number,
    }


def number_resource(number: PhoneNumber) -> dict:
    capabilities = [name for name, able in (("MMS", number.mms), ("SMS", number.sms), ("Voice", number.voice)) if able]
    return {"sid": number.sid, "account_sid": number.account_sid, "service_sid": number.service.sid,
            "date_created": wire.iso8601(number.date_created), "date_updated": wire.iso8601(number.date_updated),
            "phone_number": number.phone_number, "country_code": wire.country_of(number.phone_number),
            "capabilities": capabilities, "url": f"{url(number.service)}/PhoneNumbers/{number.sid}"}


def _service(request, account_sid: str, service_sid: str) -> Service:
    found = Service.objects.filter(account_sid=account_sid, sid=service_sid).first()
    if found is None:
        raise wire.not_found(request)
    return found


@route(wire.MESSAGING_HOST, "GET", r"/v1/Services")
@wire.authenticated
def services(request, account_sid: str):
    rows = Service.objects.filter(account_sid=account_sid).order_by("date_created", "id")
    return JsonResponse(paging.v1_page(request, rows, "services", f"{BASE}/Services", resource))


def update(service: Service, form) -> Service:
    changes = {}
    for name, field in (("InboundRequestUrl", "inbound_request_url"), ("StatusCallback", "status_callback")):
        if (given := form.get(name)) is not None:
            changes[field] = wire.webhook_url(given, name)
    if (chosen := form.get("InboundMethod")) is not None:
        changes["inbound_method"] = wire.method(chosen, "InboundMethod")
    for name, field in (("StickySender", "sticky_sender"),
                        ("UseInboundWebhookOnNumber", "use_inbound_webhook_on_number")):
        if (given := form.get(name)) is not None:
            changes[field] = wire.flag(given, name)
    if (name := form.get("FriendlyName")) is not None:
        changes["friendly_name"] = wire.friendly_name(name)
    return wire.save_changes(service, changes)


@route(wire.MESSAGING_HOST, "GET POST", SERVICE_PATH)
@wire.authenticated
def service(request, account_sid: str, service_sid: str):
    found = _service(request, account_sid, service_sid)
    if request.method == "POST":
        found = update(found, request.POST)
    return JsonResponse(resource(found))


@route(wire.MESSAGING_HOST, "GET", SERVICE_PATH + r"/PhoneNumbers")
@wire.authenticated
def service_phone_numbers(request, account_sid: str, service_sid: str):
    found = _service(request, account_sid, service_sid)
    rows = found.numbers.select_related("service").order_by("date_created", "id")
    return JsonResponse(paging.v1_page(request, rows, "phone_numbers", f"{url(found)}/PhoneNumbers", number_resource))


@route(wire.MESSAGING_HOST, "GET", SERVICE_PATH + r"/PhoneNumbers/(?P<number_sid>PN[0-9a-fA-F]{32})")
@wire.authenticated
def service_phone_number(request, account_sid: str, service_sid: str, number_sid: str):
    found = _service(request, account_sid, service_sid).numbers.select_related("service").filter(sid=number_sid).first()
    if found is None:
        raise wire.not_found(request)
    return JsonResponse(number_resource(found))
