"""At least once, for real: kill -9 the Celery worker in the middle of 1,000 events; after a restart
every event reaches the receiver at least once, and any repeat carries the same webhook-id and bytes."""

import json
import os
import signal
from collections import Counter, defaultdict

import pytest

from hubwire.crm.services.people import lead_create
from hubwire.webhooks.models import Delivery, DeliveryStatus
from hubwire.webhooks.services import endpoint_create
from tests.conftest import purge_broker, start_worker, stop_worker, wait_until
from tests.webhooks.receiver import Answer

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("local_targets"),
              pytest.mark.worker]

EVENTS = 1000
# The dead worker's claims come back when their lease runs out: short here, two minutes by default.
FAST = {"HUBWIRE_WEBHOOKS_TIMEOUT": "5", "HUBWIRE_WEBHOOKS_LEASE_SECONDS": "10", "HUBWIRE_JOBS_TICK_SECONDS": "1"}


def test_kill_9_mid_stream_then_restart_delivers_every_event(workspace, receiver):
    endpoint_create(workspace=workspace, url=receiver.url())
    receiver.default = Answer(delay=0.01)  # a receiver that takes a moment, so sends are in flight
    purge_broker()
    worker = start_worker(**FAST)
    killed_at, undelivered_at_kill = None, None
    try:
        def seen_delivering() -> bool:
            return len(receiver.requests) >= 200

        def kill() -> int:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
            return len(receiver.requests)

        leads = []
        for n in range(EVENTS):
            leads.append(lead_create(workspace=workspace, actor="load", name=f"Lead {n}").pk)
            if killed_at is None and seen_delivering():
                killed_at = kill()
        if killed_at is None:  # a worker slow to start: killed once it delivers, most events still to go
            wait_until(seen_delivering, interval=0.01, message="the worker to deliver")
            killed_at = kill()
        undelivered_at_kill = Delivery.objects.exclude(status=DeliveryStatus.SUCCEEDED).count()
        assert undelivered_at_kill > 0
    finally:
        if worker.poll() is None:
            stop_worker(worker)

    worker = start_worker(beat=True, **FAST)
    try:
        wait_until(lambda: Delivery.objects.filter(status=DeliveryStatus.SUCCEEDED).count() == EVENTS, timeout=600,
                   message="every delivery to succeed after the restart")
    except AssertionError:
        states = dict(Counter(Delivery.objects.values_list("status", "attempts", "last_error")))
        stop_worker(worker)
        pytest.fail(f"not all delivered after the restart: {states}; worker said:\n{worker.stdout.read()[-3000:]}")
    finally:
        stop_worker(worker)

    bodies_by_id, ids_by_lead = defaultdict(set), defaultdict(set)
    for request in receiver.requests:
        bodies_by_id[request.headers["webhook-id"]].add(request.body)
        ids_by_lead[json.loads(request.body)["data"]["id"]].add(request.headers["webhook-id"])
    assert set(ids_by_lead) == set(leads), "every event delivered at least once"
    assert all(len(ids) == 1 for ids in ids_by_lead.values()), "a repeat carries the same webhook-id"
    assert all(len(bodies) == 1 for bodies in bodies_by_id.values()), "and the same bytes"
    repeats = len(receiver.requests) - EVENTS
    print(f"killed after {killed_at} receipts with {undelivered_at_kill} undelivered; {repeats} repeats after restart")
