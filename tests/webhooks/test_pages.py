"""The Webhooks Manager pages: who may see and do what, bad form input in the page with nothing
saved, and the actions behind the buttons."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.urls import reverse

from hubwire.webhooks.inbound import inbound_hook_create
from hubwire.webhooks.models import Delivery, DeliveryStatus, Endpoint, InboundHook
from hubwire.webhooks.services import endpoint_create, endpoint_send_test
from tests.conftest import logged_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("local_targets")]


@pytest.fixture
def things(workspace):
    endpoint = endpoint_create(workspace=workspace, url="https://hooks.example.com/in",
                               headers={"Authorization": "Bearer kept-secret"})
    delivery = endpoint_send_test(endpoint=endpoint)
    hook = inbound_hook_create(workspace=workspace, name="Website form", action="lead_create")
    return endpoint, delivery, hook


def pages(endpoint, delivery, hook) -> list[str]:
    return [reverse("webhooks:endpoint", args=[endpoint.pk]), reverse("webhooks:delivery", args=[delivery.pk]),
            reverse("webhooks:inbound", args=[hook.pk])]


def posts(endpoint, delivery, hook) -> list[str]:
    return [*(reverse("webhooks:endpoint_action", args=[endpoint.pk, a])
              for a in ("test", "disable", "rotate", "replay", "delete")),
            reverse("webhooks:endpoint_edit", args=[endpoint.pk]), reverse("webhooks:delivery_resend", args=[delivery.pk]),
            *(reverse("webhooks:inbound_action", args=[hook.pk, a]) for a in ("disable", "delete"))]


@pytest.mark.parametrize("who", ["owner", "member"])
def test_the_team_reads_every_page(request, who, things):
    client = logged_in(request.getfixturevalue(who))
    for url in ["/webhooks/", "/webhooks/deliveries/", "/integrations/webhooks/", *pages(*things)]:
        assert client.get(url).status_code == 200, url


def test_a_member_cannot_change_anything_nor_see_the_inbound_url(member, things):
    endpoint, delivery, hook = things
    client = logged_in(member)
    for url in ["/webhooks/endpoints/new/", "/webhooks/inbound/new/", *posts(*things)]:
        assert client.post(url, {"url": "https://evil.example.com/", "name": "x"}).status_code == 403, url
    assert hook.token not in client.get(reverse("webhooks:inbound", args=[hook.pk])).content.decode()
    assert Endpoint.objects.get().enabled and InboundHook.objects.exists()
    assert Delivery.objects.count() == 1


def test_an_outsider_gets_404_for_everything_and_sees_nothing(outsider, things):
    endpoint, delivery, hook = things
    client = logged_in(outsider)
    for url in pages(*things):
        assert client.get(url).status_code == 404, url
    for url in posts(*things):
        assert client.post(url, {"url": "https://evil.example.com/"}).status_code == 404, url
    for url in ["/webhooks/", "/webhooks/deliveries/", f"/webhooks/deliveries/?endpoint={endpoint.pk}"]:
        assert "hooks.example.com" not in client.get(url).content.decode(), url
    assert Endpoint.objects.get().url == "https://hooks.example.com/in" and InboundHook.objects.exists()


def test_a_bad_endpoint_form_is_shown_back_with_the_reason_and_saves_nothing(owner_client, settings):
    settings.HUBWIRE_WEBHOOKS_ALLOW_PRIVATE = False
    answer = owner_client.post("/webhooks/endpoints/new/", {"url": "http://[::1]/hook", "headers": "no colon here",
                                                            "event_types": ["lead.created", "lead.melted"]})
    assert answer.status_code == 422
    errors = answer.context["errors"]
    assert "internal" in errors["url"] and "Not a valid header" in errors["headers"] and "lead.melted" in errors["event_types"]
    assert b"http://[::1]/hook" in answer.content, "what was typed is kept"
    assert not Endpoint.objects.exists()


def test_editing_keeps_header_values_left_empty(owner_client, things):
    endpoint = things[0]
    form = owner_client.get(reverse("webhooks:endpoint_edit", args=[endpoint.pk]))
    assert b"kept-secret" not in form.content and b"Authorization: " in form.content
    owner_client.post(reverse("webhooks:endpoint_edit", args=[endpoint.pk]),
                      {"url": endpoint.url, "description": "edited", "preset": "slack",
                       "headers": "Authorization:\nX-Extra: 1"})
    endpoint.refresh_from_db()
    assert endpoint.headers == {"Authorization": "Bearer kept-secret", "X-Extra": "1"}
    assert (endpoint.description, endpoint.preset) == ("edited", "slack")


def assert_in_no_session(secret: str) -> None:
    """Neither in any session as the app reads it nor anywhere in the raw table."""
    for session in Session.objects.all():
        assert secret not in repr(SessionStore(session_key=session.session_key).load())
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM django_session")
        assert secret not in repr(cursor.fetchall())


def assert_shown_once(client, url: str, secret: str) -> None:
    first, second = client.get(url).content.decode(), client.get(url).content.decode()
    assert first.count(f'id="secret">{secret}<') == 1 and secret not in second


def test_a_new_endpoints_secret_is_never_stored_in_the_session_and_is_shown_once(owner_client):
    answer = owner_client.post("/webhooks/endpoints/new/", {"url": "https://hooks.example.com/new", "preset": "generic"})
    endpoint = Endpoint.objects.get()
    assert answer.url == reverse("webhooks:endpoint", args=[endpoint.pk]) and endpoint.secret.startswith("whsec_")
    assert_in_no_session(endpoint.secret)  # the redirect not followed (yet): nothing to read in django_session

    assert_shown_once(owner_client, answer.url, endpoint.secret)


def test_a_rotated_secret_is_never_stored_in_the_session_and_is_shown_once(owner_client, things):
    endpoint = things[0]
    answer = owner_client.post(reverse("webhooks:endpoint_action", args=[endpoint.pk, "rotate"]))
    endpoint.refresh_from_db()
    assert_in_no_session(endpoint.secret)
    assert_in_no_session(endpoint.previous_secret)

    assert_shown_once(owner_client, answer.url, endpoint.secret)


def test_a_reveal_not_used_soon_lapses(owner_client):
    """A redirect never followed does not show the secret on a visit much later."""
    from hubwire.webhooks.views import REVEAL_SECRET

    answer = owner_client.post("/webhooks/endpoints/new/", {"url": "https://hooks.example.com/new", "preset": "generic"})
    endpoint = Endpoint.objects.get()
    session = owner_client.session
    assert session[REVEAL_SECRET][0] == endpoint.pk
    session[REVEAL_SECRET] = [endpoint.pk, session[REVEAL_SECRET][1] - 24 * 3600]  # as if a day had passed
    session.save()
    assert endpoint.secret not in owner_client.get(answer.url).content.decode()


def test_replay_with_a_bad_time_says_so_and_queues_nothing(owner_client, things):
    endpoint, delivery, _ = things
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED)
    url = reverse("webhooks:endpoint_action", args=[endpoint.pk, "replay"])
    answer = owner_client.post(url, {"since": "last tuesday"}, follow=True)
    assert "Replay since: enter a date and time" in answer.content.decode()
    assert Delivery.objects.get().status == DeliveryStatus.FAILED
    answer = owner_client.post(url, {"since": "2020-01-01T00:00"}, follow=True)
    assert "1 failed delivery since 2020-01-01 00:00 UTC queued again" in answer.content.decode()
    assert Delivery.objects.get().status == DeliveryStatus.PENDING


def test_an_unknown_action_is_a_404(owner_client, things):
    endpoint, _, hook = things
    assert owner_client.post(reverse("webhooks:endpoint_action", args=[endpoint.pk, "explode"])).status_code == 404
    assert owner_client.post(reverse("webhooks:inbound_action", args=[hook.pk, "explode"])).status_code == 404
