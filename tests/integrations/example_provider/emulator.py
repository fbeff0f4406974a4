"""Example CRM as the sandbox plays it: the account endpoint and the contact changes feed,
authenticated by an API key; signed events sent to the URL the business pasted; and the control
hooks a test uses to act as the vendor's dashboard (issue a key, revoke every key, change a
contact, send an event).

Its keys live in memory rather than in a table: the emulator exists only while its tests run, and
the live server answering its routes runs in this same process."""

import hashlib
import hmac
import json
import secrets
import threading

import httpx
from django.http import JsonResponse

HOST = "api.example-crm.test"
ACCOUNT = {"id": "acct_example_1", "name": "Example Studio"}

_keys: set[str] = set()
_changes: list[dict] = []
_lock = threading.Lock()


def error(status: int, message: str) -> dict:
    """Example CRM's error envelope."""
    return {"error": {"status": status, "message": message}}


def _authorized(request) -> bool:
    given = request.headers.get("Authorization", "").removeprefix("Bearer ")
    with _lock:
        return given in _keys


def account(request):
    if not _authorized(request):
        return JsonResponse(error(401, "Invalid API key"), status=401)
    return JsonResponse(ACCOUNT)


def contact_changes(request):
    """Contacts changed after position `since` (the position is the feed's length)."""
    if not _authorized(request):
        return JsonResponse(error(401, "Invalid API key"), status=401)
    try:
        since = int(request.GET.get("since", "0"))
    except ValueError:
        return JsonResponse(error(400, "since must be a number"), status=400)
    with _lock:
        changes = _changes[since:]
        return JsonResponse({"changes": changes, "next_since": since + len(changes)})


def issue_key(data: dict) -> dict:
    """The account owner creates an API key and a webhook signing secret in Example CRM's dashboard."""
    key = "exk_" + secrets.token_hex(16)
    with _lock:
        _keys.add(key)
    return {"api_key": key, "webhook_secret": "whsec_" + secrets.token_hex(16)}


def change_contact(data: dict) -> dict:
    with _lock:
        _changes.append({"email": data["email"]})
        return {"position": len(_changes)}


def send_event(data: dict) -> dict:
    """Example CRM tells the URL the business pasted that a contact changed, signed with its secret."""
    body = json.dumps({"type": "contact.updated", "email": data["email"]}).encode()
    signature = hmac.new(data["secret"].encode(), body, hashlib.sha256).hexdigest()
    answer = httpx.post(data["url"], content=body, timeout=30, headers={
        "content-type": "application/json", "x-example-event-id": data["event_id"],
        "x-example-signature": signature})
    return {"status": answer.status_code, "answer": answer.json()}


def revoke_keys(data: dict) -> dict:
    with _lock:
        revoked = len(_keys)
        _keys.clear()
    return {"revoked": revoked}


def forget() -> None:
    """The sandbox's reset."""
    revoke_keys({})
    with _lock:
        _changes.clear()
