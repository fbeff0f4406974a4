"""Inbound webhooks: a request to /hooks/in/<token>/ becomes a lead, a contact or a message.

The token is found by its SHA-256 (a wrong one is a 404 that says nothing). With HMAC the sender
also signs the raw body: `X-Hubwire-Signature: sha256=<hex HMAC-SHA256 with the hook's secret>`.
The payload is a JSON object or a form; the hook's mapping says where each CRM field is in it
(a dotted path such as `contact.email` or `items.0.name`; a field not mapped is looked up by its
own name). An optional idempotency key, from a header or a payload field, is unique per hook: a
retried request answers what the first one created and writes nothing. A bad payload is a 400
naming the payload field, and the CRM is untouched. Every request to a known hook is logged."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import shlex
from dataclasses import dataclass
from urllib.parse import parse_qs

from django.db import IntegrityError, transaction

from hubwire.core.audit import audit_record
from hubwire.core.errors import FieldError
from hubwire.core.strict_json import BadJson, parse_json
from hubwire.core.text import find_unstorable_text, storable_excerpt
from hubwire.crm.models import Account, Lead
from hubwire.crm.services import people, work
from hubwire.webhooks.models import InboundAction, InboundAuth, InboundHook, InboundOutcome, InboundRequest

SIGNATURE_HEADER = "X-Hubwire-Signature"
MAX_BODY = 256 * 1024
EXCERPT = 2000
# ASCII digits only (int() also reads "²" and "٣"), and few enough for int() to take them; the
# service refuses an amount too large.
WHOLE_NUMBER = re.compile(r"-?[0-9]{1,30}")

# The CRM fields each action fills, and which of them must be present.
FIELDS: dict[str, tuple[str, ...]] = {
    InboundAction.LEAD_CREATE: ("name", "company", "email", "phone", "source", "notes", "value_amount", "currency"),
    InboundAction.LEAD_UPSERT: ("name", "company", "email", "phone", "source", "notes", "value_amount", "currency"),
    InboundAction.CONTACT_CREATE: ("first_name", "last_name", "email", "phone", "title", "account"),
    InboundAction.MESSAGE_POST: ("account", "body"),
}


# What the page's "Try it" command posts for each action: values every CRM field accepts, placed
# where the hook's mapping looks for them.
SAMPLE_VALUES: dict[str, dict[str, str]] = {
    InboundAction.LEAD_CREATE: {"name": "Dana Scully", "company": "FBI", "email": "dana@example.com", "source": "curl"},
    InboundAction.LEAD_UPSERT: {"name": "Dana Scully", "company": "FBI", "email": "dana@example.com", "source": "curl"},
    InboundAction.CONTACT_CREATE: {"first_name": "Dana", "last_name": "Scully", "email": "dana@example.com"},
    InboundAction.MESSAGE_POST: {"body": "Hello from curl"},
}


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- managing hooks ------------------------------------------------------------------------------

def _clean_hook(data: dict) -> dict:
    errors, values = {}, {}
    name = (data.get("name") or "").strip()
    if not name:
        errors["name"] = "Give the hook a name, e.g. “Website contact form”."
    values["name"] = name[:200]
    action = data.get("action") or ""
    if action not in InboundAction.values:
        errors["action"] = f"Choose one of: {', '.join(InboundAction.values)}."
    values["action"] = action
    auth = data.get("auth") or InboundAuth.TOKEN
    if auth not in InboundAuth.values:
        errors["auth"] = f"Choose one of: {', '.join(InboundAuth.values)}."
    values["auth"] = auth
    mapping = data.get("mapping") or {}
    if isinstance(mapping, str):
        try:
            mapping = parse_json(mapping) if mapping.strip() else {}
        except BadJson:
            mapping = None
    if not isinstance(mapping, dict) or not all(isinstance(v, str) and v for v in mapping.values()):
        errors["mapping"] = 'Give the mapping as a JSON object of CRM field → payload path, e.g. {"email": "contact.email"}.'
    elif action in FIELDS and (unknown := [k for k in mapping if k not in FIELDS[action]]):
        errors["mapping"] = (f"{', '.join(unknown)}: not a field this action fills "
                             f"(it fills {', '.join(FIELDS[action])}).")
    values["mapping"] = mapping if isinstance(mapping, dict) else {}
    values["idempotency_header"] = (data.get("idempotency_header") or "").strip()[:100]
    values["idempotency_field"] = (data.get("idempotency_field") or "").strip()[:200]
    if values["idempotency_header"] and values["idempotency_field"]:
        errors["idempotency_field"] = "Take the idempotency key from a header or from a payload field, not both."
    if errors:
        raise FieldError(errors)
    return values


def inbound_hook_create(*, workspace, actor=None, **data) -> InboundHook:
    values = _clean_hook(data)
    token = secrets.token_urlsafe(24)
    signing_secret = secrets.token_hex(32) if values["auth"] == InboundAuth.HMAC else ""
    with transaction.atomic():
        hook = InboundHook.objects.create(workspace=workspace, token=token, token_hash=_hash(token),
                                          signing_secret=signing_secret, **values)
        audit_record(workspace=workspace, action="inbound_hook_created", subject=hook.name, actor=actor,
                     detail=hook.get_action_display())
    return hook


def inbound_hook_set_enabled(*, hook: InboundHook, enabled: bool, actor=None) -> None:
    with transaction.atomic():
        InboundHook.objects.filter(pk=hook.pk).update(enabled=enabled)
        audit_record(workspace=hook.workspace, action="inbound_hook_enabled" if enabled else "inbound_hook_disabled",
                     subject=hook.name, actor=actor)
    hook.enabled = enabled


def inbound_hook_delete(*, hook: InboundHook, actor=None) -> None:
    with transaction.atomic():
        audit_record(workspace=hook.workspace, action="inbound_hook_deleted", subject=hook.name, actor=actor)
        hook.delete()


def _put(payload: dict, path: str, value) -> None:
    """Store value where lookup(payload, path) finds it (a digit is a list index, as in lookup).
    A path that runs through a value another field already put there is left out."""
    parts = path.split(".")
    node = payload
    for depth, part in enumerate(parts):
        key = int(part) if isinstance(node, list) else part
        if isinstance(node, list):
            if not part.isdigit():
                return
            node.extend([None] * (key + 1 - len(node)))
        elif not isinstance(node, dict):
            return
        if depth == len(parts) - 1:
            node[key] = value
        else:
            missing = node[key] is None if isinstance(node, list) else key not in node
            if missing:
                node[key] = [] if parts[depth + 1].isdigit() else {}
            node = node[key]


def try_it_command(hook: InboundHook, url: str) -> str:
    """The curl command the hook's page offers: a body this hook accepts, signed when it must be."""
    body = json.dumps(sample_payload(hook))
    command = ["curl", "-X", "POST", "-H", "Content-Type: application/json"]
    if hook.auth == InboundAuth.HMAC:
        command += ["-H", f"{SIGNATURE_HEADER}: {signature_for(hook.signing_secret, body.encode())}"]
    return shlex.join([*command, "-d", body, url])


def sample_payload(hook: InboundHook) -> dict:
    """A body this hook accepts: sample values at the payload paths its mapping names."""
    values = dict(SAMPLE_VALUES[hook.action])
    if hook.action == InboundAction.MESSAGE_POST:
        account = Account.objects.filter(workspace=hook.workspace).order_by("pk").first()
        values["account"] = account.name if account else "<an account's exact name or id>"
    payload: dict = {}
    for crm_field, value in values.items():
        _put(payload, hook.mapping.get(crm_field) or crm_field, value)
    return payload


def signature_for(secret: str, body: bytes) -> str:
    """What a sender puts in X-Hubwire-Signature."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


# --- receiving -----------------------------------------------------------------------------------

@dataclass
class Answer:
    status: int
    body: dict


class Rejected(Exception):
    def __init__(self, status: int, body: dict, error: str):
        self.status, self.body, self.error = status, body, error
        super().__init__(error)


def _field_problems(problems: dict[str, str]) -> Rejected:
    """A 400 naming each payload field (a dotted path) and what is wrong with it."""
    return Rejected(400, {"detail": [{"loc": ["body", *path.split(".")], "msg": msg, "type": "value_error"}
                                     for path, msg in problems.items()]},
                    "; ".join(f"{path}: {msg}" for path, msg in problems.items()))


def _field_problem(path: str, msg: str) -> Rejected:
    return _field_problems({path: msg})


def _refused_value(reason: str, path: tuple[str | int, ...]) -> Rejected:
    return _field_problem(".".join(map(str, path)) or "body", reason)


def parse_payload(content_type: str, body: bytes) -> dict:
    media = content_type.split(";")[0].strip().lower()
    if len(body) > MAX_BODY:
        raise Rejected(413, {"detail": f"The body is larger than {MAX_BODY // 1024} KB."}, "body too large")
    if media == "application/x-www-form-urlencoded":
        try:
            form = parse_qs(body.decode(), keep_blank_values=True, strict_parsing=False)
        except UnicodeDecodeError:
            raise _field_problem("body", "The form is not valid UTF-8.") from None
        form = {key: values[-1] for key, values in form.items()}
        if unstorable := find_unstorable_text(form):
            raise _refused_value(*unstorable)
        return form
    if media in ("application/json", "") or media.endswith("+json"):
        try:
            payload = parse_json(body or b"null")
        except BadJson as exc:
            raise _refused_value(exc.reason, exc.path) from None
        if not isinstance(payload, dict):
            raise _field_problem("body", "Send a JSON object.")
        return payload
    raise Rejected(415, {"detail": "Send application/json or application/x-www-form-urlencoded."},
                   f"unsupported content type {media}")


_MISSING = object()


def lookup(payload, path: str):
    value = payload
    for part in path.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return _MISSING
    return value


def _mapped(hook: InboundHook, payload: dict) -> tuple[dict, dict]:
    """CRM field -> value, and CRM field -> the payload path it came from (for error messages)."""
    values, paths = {}, {}
    for crm_field in FIELDS[hook.action]:
        path = hook.mapping.get(crm_field) or crm_field
        value = lookup(payload, path)
        if value is _MISSING or value is None:
            continue
        if isinstance(value, (dict, list)):
            raise _field_problem(path, f"Expected a single value for {crm_field}, got a JSON {type(value).__name__}.")
        if crm_field == "value_amount" and isinstance(value, str) and WHOLE_NUMBER.fullmatch(value.strip()):
            value = int(value)  # forms send every value as text
        elif crm_field != "value_amount" and not isinstance(value, str):
            value = str(value).lower() if isinstance(value, bool) else str(value)
        values[crm_field], paths[crm_field] = value, path
    return values, paths


def _account(workspace, value) -> Account | int | str:
    """An account given by id or by its exact name (what a form or another tool is likely to know)."""
    if isinstance(value, str) and not value.isdigit():
        found = Account.objects.filter(workspace=workspace, name__iexact=value.strip()).first()
        if found is None:
            raise FieldError({"account": f"No account named “{value}” in this workspace."})
        return found
    return value


def _apply(hook: InboundHook, values: dict, actor: str) -> tuple[str, str, int]:
    ws = hook.workspace
    if hook.action == InboundAction.LEAD_CREATE:
        return InboundOutcome.CREATED, "lead", people.lead_create(workspace=ws, actor=actor, **values).pk
    if hook.action == InboundAction.LEAD_UPSERT:
        existing = (Lead.objects.filter(workspace=ws, email__iexact=values["email"]).order_by("created_at").first()
                    if values.get("email") else None)
        if existing:
            return InboundOutcome.UPDATED, "lead", people.lead_update(lead=existing, actor=actor, **values).pk
        return InboundOutcome.CREATED, "lead", people.lead_create(workspace=ws, actor=actor, **values).pk
    if hook.action == InboundAction.CONTACT_CREATE:
        if "account" in values:
            values["account"] = _account(ws, values["account"])
        return InboundOutcome.CREATED, "contact", people.contact_create(workspace=ws, actor=actor, **values).pk
    values["account"] = _account(ws, values.get("account"))
    message = work.message_post(workspace=ws, actor=actor, account=values["account"], body=values.get("body", ""),
                                direction="inbound")
    return InboundOutcome.CREATED, "message", message.pk


def _idempotency_key(hook: InboundHook, headers, payload: dict) -> str | None:
    if hook.idempotency_field:
        value = lookup(payload, hook.idempotency_field)
        return None if value is _MISSING or value in (None, "") else str(value)[:200]
    if hook.idempotency_header:
        return (headers.get(hook.idempotency_header) or "")[:200] or None
    return None


def find_hook(token: str) -> InboundHook | None:
    return InboundHook.objects.select_related("workspace").filter(token_hash=_hash(token)).first()


def receive(hook: InboundHook, *, headers, body: bytes, content_type: str) -> Answer:
    """Handle one request to a known hook and log it. Never raises for bad input."""
    log = InboundRequest(hook=hook, content_type=content_type[:100],
                         body_excerpt=storable_excerpt(body, EXCERPT))
    try:
        answer = _receive(hook, headers, body, content_type, log)
    except Rejected as exc:
        log.status_code, log.outcome, log.error = exc.status, InboundOutcome.REJECTED, exc.error[:2000]
        log.idempotency_key = None  # a rejected request must not use up its key: the fixed retry must work
        log.save()
        return Answer(exc.status, exc.body)
    return answer


def _receive(hook, headers, body, content_type, log) -> Answer:
    if not hook.enabled:
        raise Rejected(404, {"detail": "Not found."}, "the hook is disabled")
    if hook.auth == InboundAuth.HMAC:
        given = headers.get(SIGNATURE_HEADER) or ""
        if not hmac.compare_digest(given.encode(), signature_for(hook.signing_secret, body).encode()):
            raise Rejected(401, {"detail": f"Missing or wrong {SIGNATURE_HEADER} (sha256=<hex HMAC-SHA256 of the body>)."},
                           "bad or missing signature")
    payload = parse_payload(content_type, body)
    key = _idempotency_key(hook, headers, payload)
    if key and (first := _first_with_key(hook, key)):
        return _duplicate(log, first)
    values, paths = _mapped(hook, payload)
    try:
        with transaction.atomic():
            outcome, record_type, record_id = _apply(hook, values, actor=f"inbound hook: {hook.name}")
            log.status_code = 201 if outcome == InboundOutcome.CREATED else 200
            log.outcome, log.idempotency_key, log.record_type, log.record_id = outcome, key, record_type, record_id
            log.save()
    except FieldError as exc:
        problems = {}
        for field, msg in exc.errors.items():
            crm_field = field.split(".")[0]
            path = paths.get(crm_field) or hook.mapping.get(crm_field) or crm_field
            problems[path] = msg if path == crm_field else f"{msg} (mapped to {crm_field})"
        raise _field_problems(problems) from None
    except IntegrityError:  # the same key, committed by a concurrent request a moment ago: ours rolled back
        if key and (first := _first_with_key(hook, key)):
            log.pk = None
            return _duplicate(log, first)  # its log row says so; the answer is the first request's
        raise
    return Answer(log.status_code, {"outcome": outcome, "record": {"type": record_type, "id": record_id}})


def _first_with_key(hook, key: str) -> InboundRequest | None:
    return InboundRequest.objects.filter(hook=hook, idempotency_key=key).first()


def _duplicate(log: InboundRequest, first: InboundRequest) -> Answer:
    log.status_code, log.outcome, log.record_type, log.record_id = 200, InboundOutcome.DUPLICATE, \
        first.record_type, first.record_id
    log.idempotency_key = None  # the key belongs to the first request (it is unique per hook)
    log.error = f"same idempotency key as the request of {first.received_at:%Y-%m-%d %H:%M:%S} UTC; nothing written"
    log.save()
    return Answer(200, {"outcome": InboundOutcome.DUPLICATE, "record": {"type": first.record_type, "id": first.record_id}})
