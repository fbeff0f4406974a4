"""Tenancy on every SMS route, found in twilio/urls.py rather than listed, so that a route another part
adds is covered the day it is added: signed out, a sign-in first; a member, 403 on anything that
changes something; another workspace's owner, a 404 for this workspace's objects and nothing of this
workspace changed, or shown, by anything they send."""

import pytest

from hubwire.core.models import AuditEntry
from hubwire.integrations.models import Connection
from hubwire.integrations.twilio import urls as twilio_urls
from hubwire.sandbox.twilio.models import PhoneNumber, Service
from tests.conftest import SANDBOX_DB, logged_in
from tests.integrations.provider_routes import routes as provider_routes
from tests.integrations.twilio.conftest import SERVICE_SID

pytestmark = SANDBOX_DB

# What fills each route parameter: an object of the connected workspace. A route whose parameter is
# not here fails test_every_route_parameter_is_known: add it, with what it names.
OBJECT_PARAMETERS: dict = {}
# Routes a member (not an owner or admin) may POST to, each with the reason.
MEMBER_MAY_POST: dict[str, str] = {}
# Every field any SMS connect form takes, with values that would change something if accepted.
POSTED = {"sender": SERVICE_SID, "set_inbound_url": "1", "mode": ""}


@pytest.fixture
def things(twilio):
    """The `twilio` workspace, its number chosen; its inbound URL then pointed away, so that a "Set it
    for me" acting on it would show."""
    PhoneNumber.objects.update(sms_url="")
    return {"twilio": twilio}


def routes(things) -> list[tuple[str, str, bool]]:
    return provider_routes(twilio_urls, OBJECT_PARAMETERS, things)


def snapshot(workspace) -> dict:
    """Everything of the workspace, and of its Twilio account, an SMS route could change."""
    connection = Connection.objects.get(workspace=workspace, provider="twilio")
    return {
        "connection": (connection.status, connection.status_reason, connection.details, connection.credentials,
                       connection.account_name, connection.inbound_token_hash),
        "audit": AuditEntry.objects.filter(workspace=workspace).count(),
        "twilio": (list(PhoneNumber.objects.order_by("id").values_list("sms_url", "sms_method")),
                   list(Service.objects.values_list("inbound_request_url", "inbound_method"))),
    }


def test_every_route_parameter_is_known(things):
    for pattern in twilio_urls.urlpatterns:
        unknown = set(pattern.pattern.converters) - set(OBJECT_PARAMETERS)
        assert not unknown, f"{pattern.name}: add {unknown} to OBJECT_PARAMETERS"
    assert {"twilio_sender", "twilio_inbound_state", "twilio_inbound_url_set"} <= {n for n, _, _ in routes(things)}


def test_signed_out_every_route_asks_to_sign_in_first(things, client, workspace):
    before = snapshot(workspace)
    for name, url, _ in routes(things):
        answers = {method: getattr(client, method)(url, POSTED) for method in ("get", "post")}
        sign_in = [m for m, r in answers.items() if r.status_code == 302 and r["Location"].startswith("/login/?next=")]
        assert sign_in, (name, {m: r.status_code for m, r in answers.items()})
        assert all(r.status_code == 405 for m, r in answers.items() if m not in sign_in), name  # the other method
    assert snapshot(workspace) == before


def test_a_member_gets_403_on_every_route_that_changes_something(things, member, workspace):
    client = logged_in(member)
    before = snapshot(workspace)
    for name, url, _ in routes(things):
        status = client.post(url, POSTED).status_code
        if name in MEMBER_MAY_POST:
            continue
        assert status in (403, 405), (name, status)  # 405: a page that only shows (GET)
    assert snapshot(workspace) == before


def test_a_member_sees_the_inbound_state_but_no_chooser_and_no_set_it_for_me(things, member):
    client = logged_in(member)
    assert client.get("/integrations/twilio/sender/").status_code == 403
    state = client.get("/integrations/twilio/inbound-url/")
    assert state.status_code == 200 and 'data-matches="0"' in state.content.decode()
    assert 'data-testid="sms-set-inbound-url"' not in state.content.decode()
    tab = client.get("/integrations/twilio/").content.decode()
    assert "Only the workspace's owners and admins can choose what sends." not in tab  # a sender is chosen
    assert 'data-testid="sms-change-sender"' not in tab and 'data-testid="sms-inbound-url"' in tab


def test_another_workspace_gets_404_for_this_workspaces_objects_and_changes_nothing_here(things, outsider, workspace):
    client = logged_in(outsider)
    before = snapshot(workspace)
    token = things["twilio"].refresh().inbound_token
    for name, url, names_an_object in routes(things):
        answers = {method: getattr(client, method)(url, POSTED) for method in ("get", "post")}
        codes = {method: response.status_code for method, response in answers.items()}
        if names_an_object:
            assert set(codes.values()) <= {404, 405} and 404 in codes.values(), (name, codes)
        else:  # a route of "my workspace": it acts on the outsider's own, which has no Twilio connection
            assert set(codes.values()) <= {302, 404, 405, 422}, (name, codes)
        for response in answers.values():
            assert token.encode() not in response.content, name  # nothing of this workspace shows
    assert snapshot(workspace) == before
