"""What hubwire sends Google is checked against Google's discovery document (calendar.v3.json): each
body against its schema (Event, Channel), no field Google does not define; each query parameter is
one the method takes. The sandbox's answers are checked the same way in tests/sandbox/google_calendar."""

import json
from urllib.parse import parse_qsl, urlsplit

import httpx
import jsonschema
import pytest

from hubwire.crm.services.scheduling import appointment_update
from hubwire.crm.services.people import contact_create
from tests.conftest import SANDBOX_DB
from tests.integrations.google_calendar.conftest import book
from tests.integrations.meetings import run_jobs
from tests.sandbox.google_calendar.schema import SPEC, _definitions

pytestmark = SANDBOX_DB
BASE = "/calendar/v3/"
# (method, path pattern) -> (discovery method, body schema)
METHODS = {("GET", "events"): ("list", None), ("POST", "events"): ("insert", "Event"),
           ("GET", "event"): ("get", None), ("PATCH", "event"): ("patch", "Event"),
           ("DELETE", "event"): ("delete", None), ("POST", "watch"): ("watch", "Channel")}


def discovery() -> dict:
    return json.loads(SPEC.read_text())


def shape(path: str) -> str:
    parts = path.split(BASE, 1)[1].split("/")
    if parts[0] == "channels":
        return "stop"
    if parts[-1] == "watch":
        return "watch"
    return "events" if parts[-1] == "events" else "event"


@pytest.fixture
def sent(monkeypatch):
    """Every request hubwire's Google Calendar client sends, as (method, url, body)."""
    requests = []
    original = httpx.Client.send

    def record(self, request, *args, **kwargs):
        if "/www.googleapis.com/calendar/v3/" in str(request.url):
            requests.append((request.method, str(request.url), request.content))
        return original(self, request, *args, **kwargs)

    monkeypatch.setattr(httpx.Client, "send", record)
    return requests


def test_every_request_hubwire_sends_is_in_googles_contract(sent, calendar, workspace):
    contact = contact_create(workspace=workspace, actor="owner", first_name="Pat", last_name="Lee",
                             email="pat@acme.example")
    appointment = book(workspace, location_type="google_meet", contact=contact, notes="Agenda",
                       location="Studio 4")
    run_jobs()
    appointment_update(appointment=appointment, actor="owner", title="Retitled", contact=None)
    run_jobs()
    definitions = _definitions()
    methods = discovery()["resources"]["events"]["methods"]
    channel_methods = discovery()["resources"]["channels"]["methods"]
    assert sent, "no request was recorded"
    kinds = set()
    for method, url, body in sent:
        kind = shape(urlsplit(url).path)
        if kind == "stop":
            name, schema, known = "stop", "Channel", channel_methods["stop"]
        else:
            name, schema = METHODS[(method, kind)]
            known = methods[name]
        kinds.add(name)
        params = {k for k, _ in parse_qsl(urlsplit(url).query)}
        assert params <= set(known.get("parameters", {})), (name, params - set(known.get("parameters", {})))
        if schema and body:
            jsonschema.validate(json.loads(body), {**definitions[schema], "definitions": definitions})
    assert {"list", "insert", "patch", "watch"} <= kinds
