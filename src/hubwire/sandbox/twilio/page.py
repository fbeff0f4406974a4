"""The sandbox page's Twilio card: the account's numbers and where each sends its inbound texts, and a
phone for every number that has been texted (or typed in): the conversation as that phone shows it,
what the account sent it (with each message's status) and what the person typed, a box to type a
reply (STOP, START and HELP included, handled as Twilio does), and a way to make its next messages
fail. Buttons let the messages in flight move on: what is due now, a minute later, or everything.

Each form calls what the test hooks call (control.py, inbound.py), so hubwire is told exactly as
after a hook. A form the sandbox cannot take writes nothing and shows /sandbox/ again, as a 400,
with the error naming the field."""

from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from hubwire.sandbox import clock
from hubwire.sandbox.hooks import page_card
from hubwire.sandbox.page_refusal import page_with_refusal
from hubwire.sandbox.routes import require_sandbox
from hubwire.sandbox.twilio import account, control, delivery, inbound, wire
from hubwire.sandbox.twilio.credentials import ACCOUNT_SID, AUTH_TOKEN
from hubwire.sandbox.twilio.models import Message, OptOut, PhoneNumber

PHONES_SHOWN = 10  # the phones of the most recent conversations
MESSAGES_SHOWN = 20  # the latest of each conversation
RECENT_MESSAGES = 1000  # how far back the card looks for conversations
LABELS = {"phone": "Phone", "to": "Twilio number", "body": "Text", "status": "Ending",
          "error_code": "Ending", "count": "How many", "seconds": "Minutes"}
FORM_FIELD = {"from": "phone"}  # inbound.Refused names the person's number "from"; the form, "phone"
REFUSAL = "twilio_refusal"  # the request attribute the card reads a refused form from
FAILURE_CHOICES = [(f"{status}:{code}", f"{status} {code} ({wire.DELIVERY_ERRORS[code]})")
                   for status, codes in control.FAILURES.items() for code in codes]


@dataclass
class Refusal:
    action: str
    phone: str
    field: str
    message: str
    values: dict

    @property
    def label(self) -> str:
        return LABELS.get(self.field, self.field)


# --- the forms ------------------------------------------------------------------------------------

def _text(form) -> str:
    message = inbound.receive(from_=form.get("phone", "").strip(), to=form.get("to", "").strip(),
                              body=form.get("body", ""))
    return message.from_number


def _deliver_due(form) -> str:
    delivery.deliver_due()
    return ""


def _advance(form) -> str:
    try:
        minutes = float(form.get("minutes", "1"))
    except ValueError:
        raise inbound.Refused("seconds", "Give a number of minutes.") from None
    if not 0 < minutes <= 24 * 60:
        raise inbound.Refused("seconds", "Move the clock by more than 0 and at most 1440 minutes (a day).")
    control.advance(seconds=minutes * 60)
    return ""


def _deliver_everything(form) -> str:
    control.advance(everything=True)
    return ""


def _fail_next(form) -> str:
    status, _, code = form.get("ending", "").partition(":")
    if not code.isdigit():
        raise inbound.Refused("status", "Choose how the next messages end.")
    count = form.get("count", "1").strip()
    if not count.isdigit():
        raise inbound.Refused("count", "Give a whole number of messages.")
    rule = control.fail_next(to=form.get("phone", "").strip(), status=status, error_code=int(code), count=int(count))
    return rule.to


FORMS = {"text": _text, "deliver-due": _deliver_due, "advance": _advance, "deliver-everything": _deliver_everything,
         "fail-next": _fail_next}


@require_POST
def submit(request, action: str):
    require_sandbox()
    handler = FORMS.get(action)
    if handler is None:
        raise Http404(f"The Twilio card has no form {action!r}.")
    form = request.POST
    account.seed()
    try:
        if any("\x00" in value for _, values in form.lists() for value in values):
            raise inbound.Refused("body", "It contains a NUL character, which a text cannot hold.")
        phone = handler(form)
    except inbound.Refused as refused:
        field = FORM_FIELD.get(refused.field, refused.field)
        return _refused(request, Refusal(action, form.get("phone", ""), field, refused.message, form.dict()))
    return redirect(f"{reverse('sandbox:index')}#{anchor(phone) if phone else 'twilio'}")


def _refused(request, refusal: Refusal):
    return page_with_refusal(request, REFUSAL, refusal)


urlpatterns = [path("<slug:action>/", submit, name="twilio")]


# --- the card -------------------------------------------------------------------------------------

def anchor(phone: str) -> str:
    return "twilio-phone-" + "".join(c for c in phone if c.isdigit())


def _counterpart(message: Message) -> str:
    """The person's phone in a message: who texted in, or who was sent to."""
    return message.from_number if message.direction == "inbound" else message.to


def _row(message: Message) -> dict:
    return {"sid": message.sid, "direction": message.direction, "inbound": message.direction == "inbound",
            "body": message.body, "status": message.status, "error_code": message.error_code,
            "error": wire.DELIVERY_ERRORS.get(message.error_code, ""), "segments": message.segments,
            # Through a Service, the sender is Twilio's choice once the message leaves `accepted`.
            "number": message.to if message.direction == "inbound" else
            ("" if message.status == "accepted" else message.from_number),
            "service": message.service.friendly_name if message.service else "",
            "when": message.date_sent or message.date_created, "due": message.next_step_at}


def _phones(refusal: Refusal | None, numbers: list[PhoneNumber]) -> list[dict]:
    recent = list(Message.objects.filter(account_sid=ACCOUNT_SID).select_related("service")
                  .order_by("-id")[:RECENT_MESSAGES])
    order, threads = [], {}
    for message in recent:
        phone = _counterpart(message)
        if phone not in threads:
            order.append(phone)
            threads[phone] = []
        threads[phone].append(message)
    blocked = {}
    for entry in OptOut.objects.filter(account_sid=ACCOUNT_SID, recipient__in=order[:PHONES_SHOWN]):
        blocked.setdefault(entry.recipient, []).append(entry.scope)
    shown = []
    for phone in order[:PHONES_SHOWN]:
        latest = threads[phone][:MESSAGES_SHOWN]
        last_number = next((r["number"] for r in map(_row, latest) if r["number"]), numbers[0].phone_number)
        mine = refusal if refusal and refusal.phone == phone else None
        shown.append({"phone": phone, "anchor": anchor(phone), "rows": [_row(m) for m in reversed(latest)],
                      "reply_to": mine.values.get("to", last_number) if mine else last_number,
                      "draft": mine.values.get("body", "") if mine and mine.action == "text" else "",
                      "opted_out_of": sorted(blocked.get(phone, [])), "refusal": mine})
    return shown


def _number_row(number: PhoneNumber) -> dict:
    url, method = inbound.webhook_of(number)
    return {"number": number, "webhook": url, "method": method,
            "via": "its Messaging Service" if url and number.service and url == number.service.inbound_request_url
            else "the number", "queue_free_at": number.queue_free_at}


def card_context(request) -> dict:
    refusal: Refusal | None = getattr(request, REFUSAL, None)
    account.seed()
    numbers = list(PhoneNumber.objects.filter(account_sid=ACCOUNT_SID).select_related("service").order_by("id"))
    phones = _phones(refusal, numbers)
    placed = {p["phone"] for p in phones if p["refusal"]}
    now = clock.now()
    in_flight = Message.objects.filter(account_sid=ACCOUNT_SID).exclude(next_step_at=None)
    return {"account_sid": ACCOUNT_SID, "auth_token": AUTH_TOKEN, "numbers": [_number_row(n) for n in numbers],
            "phones": phones, "refusal": refusal if refusal and refusal.phone not in placed else None,
            "new_phone": refusal.values if refusal and refusal.phone not in placed and refusal.action == "text" else {},
            "failure_choices": FAILURE_CHOICES, "due": in_flight.filter(next_step_at__lte=now).count(),
            "in_flight": in_flight.count()}


page_card("twilio", template="sandbox/_twilio.html", context=card_context, urlpatterns=urlpatterns, order=30)
