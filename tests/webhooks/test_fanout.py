"""The outbox relay (webhooks/fanout.py): a change writes its event only, whatever the number of
endpoints; the dispatcher writes each event's deliveries once, a batch at a time, even with several
dispatchers at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hubwire.crm.services.people import lead_create
from hubwire.events.models import Event
from hubwire.webhooks.fanout import fan_out_pending
from hubwire.webhooks.models import Delivery, Endpoint
from tests.conftest import in_threads


def endpoints(workspace, count: int, **fields) -> list[Endpoint]:
    # Written directly: saving through the service would resolve the host for the SSRF guard.
    return [Endpoint.objects.create(workspace=workspace, url=f"https://receiver.example.test/{workspace.pk}/{n}",
                                    secret="whsec_test", **fields) for n in range(count)]


def queries_of_a_lead(workspace) -> int:
    with CaptureQueriesContext(connection) as captured:
        lead_create(workspace=workspace, actor="t", name="Counted")
    return len(captured)


@pytest.mark.django_db
def test_a_change_costs_the_same_whatever_the_number_of_endpoints(workspace):
    alone = queries_of_a_lead(workspace)
    endpoints(workspace, 5)
    assert queries_of_a_lead(workspace) == alone
    assert not Delivery.objects.exists(), "no delivery is written in the change's transaction"
    assert Event.objects.filter(fanned_out=False).count() == 2


@pytest.mark.django_db
def test_each_event_gets_one_delivery_per_endpoint_that_wants_it_once(workspace, other_workspace):
    every, leads_only = endpoints(workspace, 1)[0], endpoints(workspace, 1, event_types=["lead.created"])[0]
    accounts_only = endpoints(workspace, 1, event_types=["account.created"])[0]
    endpoints(workspace, 1, enabled=False)
    elsewhere = endpoints(other_workspace, 1)[0]
    lead = lead_create(workspace=workspace, actor="t", name="Dana Scully")
    lead_create(workspace=other_workspace, actor="t", name="Fox Mulder")

    assert fan_out_pending() == 2
    assert fan_out_pending() == 0, "an event is fanned out once"
    mine = Delivery.objects.filter(event__data__id=lead.pk, workspace=workspace)
    assert sorted(mine.values_list("endpoint_id", flat=True)) == sorted([every.pk, leads_only.pk])
    assert not Delivery.objects.filter(endpoint=accounts_only).exists()
    assert Delivery.objects.filter(endpoint=elsewhere).count() == 1
    assert not Event.objects.filter(fanned_out=False).exists()


@pytest.mark.django_db
def test_an_endpoint_added_after_an_event_is_not_sent_it(workspace):
    before = lead_create(workspace=workspace, actor="t", name="Before the endpoint")
    endpoint = endpoints(workspace, 1)[0]
    after = lead_create(workspace=workspace, actor="t", name="After it")
    assert fan_out_pending() == 2
    assert list(Delivery.objects.filter(endpoint=endpoint).values_list("event__data__id", flat=True)) == [after.pk]
    assert before.pk != after.pk


@pytest.mark.django_db
def test_a_batch_costs_the_same_queries_whatever_its_size(workspace, other_workspace):
    endpoints(workspace, 2), endpoints(other_workspace, 1)

    def queries_to_fan_out(count: int) -> int:
        for n in range(count):
            lead_create(workspace=workspace if n % 2 else other_workspace, actor="t", name=f"Lead {n}")
        with CaptureQueriesContext(connection) as captured:
            assert fan_out_pending() == count
        return len(captured)

    assert queries_to_fan_out(2) == queries_to_fan_out(40)
    assert Delivery.objects.count() == 21 * 2 + 21 * 1


@pytest.mark.django_db
def test_events_wait_oldest_first_and_a_batch_takes_at_most_its_limit(workspace):
    endpoints(workspace, 1)
    first = lead_create(workspace=workspace, actor="t", name="First")
    lead_create(workspace=workspace, actor="t", name="Second")
    assert fan_out_pending(limit=1) == 1
    assert list(Delivery.objects.values_list("event__data__id", flat=True)) == [first.pk]
    assert fan_out_pending(limit=1) == 1 and fan_out_pending(limit=1) == 0


@pytest.mark.django_db(transaction=True)
def test_dispatchers_running_at_once_never_write_an_events_deliveries_twice(workspace):
    endpoints(workspace, 2)
    for n in range(60):
        lead_create(workspace=workspace, actor="t", name=f"Lead {n}")

    def drain() -> int:
        taken = 0
        while count := fan_out_pending(limit=7):
            taken += count
        return taken

    taken, errors = in_threads(4, drain)
    assert errors == [] and sum(taken) == 60
    assert Delivery.objects.count() == 120
    assert Delivery.objects.values("event", "endpoint").distinct().count() == 120
