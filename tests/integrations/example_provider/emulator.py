"""Example CRM as the sandbox plays it: the account endpoint, authenticated by an API key, and the
control hooks a test uses to act as the vendor's dashboard (issue a key, revoke every key).

Its keys live in memory rather than in a table: the emulator exists only while its tests run, and
the live server answering its routes runs in this same process."""

import secrets
import threading

from django.http import JsonResponse

HOST = "api.example-crm.test"
ACCOUNT = {"id": "acct_example_1", "name": "Example Studio"}

_keys: set[str] = set()
_lock = threading.Lock()


def error(status: int, message: str) -> dict:
    """Example CRM's error envelope."""
    return {"error": {"status": status, "message": message}}


def account(request):
    given = request.headers.get("Authorization", "").removeprefix("Bearer ")
    with _lock:
        known = given in _keys
    if not known:
        return JsonResponse(error(401, "Invalid API key"), status=401)
    return JsonResponse(ACCOUNT)


def issue_key(data: dict) -> dict:
    """The account owner creates an API key in Example CRM's dashboard."""
    key = "exk_" + secrets.token_hex(16)
    with _lock:
        _keys.add(key)
    return {"api_key": key}


def revoke_keys(data: dict) -> dict:
    with _lock:
        revoked = len(_keys)
        _keys.clear()
    return {"revoked": revoked}


def forget() -> None:
    """The sandbox's reset."""
    revoke_keys({})
