"""IncomingPhoneNumbers at api.twilio.com: the account's numbers (list, filtered by PhoneNumber or
FriendlyName, and fetch), each with its capabilities and where an inbound message goes (sms_url,
sms_method); an update may set SmsUrl, SmsMethod and FriendlyName, so that hubwire can point a
number's inbound messages at itself when the business lets it. The fields are the
IncomingPhoneNumber resource's, as twilio-python reads them; the ones the sandbox does not play
(voice, emergency, addresses) carry Twilio's defaults."""

from django.http import JsonResponse

from hubwire.sandbox.routes import route
from hubwire.sandbox.twilio import paging, wire
from hubwire.sandbox.twilio.models import PhoneNumber

def uri(number: PhoneNumber, tail: str = ".json") -> str:
    return f"/2010-04-01/Accounts/{number.account_sid}/IncomingPhoneNumbers/{number.sid}{tail}"


def resource(number: PhoneNumber) -> dict:
    return {
        "account_sid": number.account_sid, "address_requirements": "none", "address_sid": None,
        "api_version": wire.API_VERSION, "beta": False, "bundle_sid": None,
        "capabilities": {"fax": False, "mms": number.mms, "sms": number.sms, "voice": number.voice},
        "date_created": wire.rfc2822(number.date_created), "date_updated": wire.rfc2822(number.date_updated),
        "emergency_address_sid": None, "emergency_address_status": "unregistered", "emergency_status": "Inactive",
        "friendly_name": number.friendly_name, "identity_sid": None, "origin": "twilio",
        "phone_number": number.phone_number, "sid": number.sid, "sms_application_sid": "",
        "sms_fallback_method": "POST", "sms_fallback_url": "", "sms_method": number.sms_method,
        "sms_url": number.sms_url, "status": "in-use", "status_callback": "", "status_callback_method": "POST",
        "subresource_uris": {"assigned_add_ons": uri(number, "/AssignedAddOns.json")}, "trunk_sid": None,
        "type": "local", "uri": uri(number), "voice_application_sid": None, "voice_caller_id_lookup": False,
        "voice_fallback_method": "POST", "voice_fallback_url": None, "voice_method": "POST",
        "voice_receive_mode": "voice", "voice_url": None,
    }


@route(wire.API_HOST, "GET", wire.ACCOUNT_PATH + r"/IncomingPhoneNumbers\.json")
@wire.authenticated
def incoming_phone_numbers(request, account_sid: str):
    rows = PhoneNumber.objects.filter(account_sid=account_sid).select_related("service").order_by("date_created", "id")
    filters = []
    for name, field in (("PhoneNumber", "phone_number__contains"), ("FriendlyName", "friendly_name__icontains")):
        if request.GET.get(name):
            rows = rows.filter(**{field: request.GET[name]})
            filters.append((name, request.GET[name]))
    return JsonResponse(paging.v2010_page(request, rows, "incoming_phone_numbers",
                                          f"/2010-04-01/Accounts/{account_sid}/IncomingPhoneNumbers.json", filters,
                                          resource))


def update(number: PhoneNumber, form) -> PhoneNumber:
    """SmsUrl ("" clears it), SmsMethod and FriendlyName; any other parameter is left as it is."""
    changes = {}
    if (url := form.get("SmsUrl")) is not None:
        changes["sms_url"] = wire.webhook_url(url, "SmsUrl")
    if (chosen := form.get("SmsMethod")) is not None:
        changes["sms_method"] = wire.method(chosen, "SmsMethod")
    if (name := form.get("FriendlyName")) is not None:
        changes["friendly_name"] = wire.friendly_name(name)
    return wire.save_changes(number, changes)


@route(wire.API_HOST, "GET POST", wire.ACCOUNT_PATH + r"/IncomingPhoneNumbers/(?P<number_sid>PN[0-9a-fA-F]{32})\.json")
@wire.authenticated
def incoming_phone_number(request, account_sid: str, number_sid: str):
    number = PhoneNumber.objects.filter(account_sid=account_sid, sid=number_sid).first()
    if number is None:
        raise wire.not_found(request)
    if request.method == "POST":
        number = update(number, request.POST)
    return JsonResponse(resource(number))
