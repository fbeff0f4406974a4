"""The ledger's rules, independent of any provider: one row per pair, a lease that two workers
cannot both hold, a create that is never made twice, and only changed fields sent."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from hubwire.jobs.models import RetryLater
from hubwire.sync.ledger import changed_fields, create_once, in_step, leased, new_marker, record_save
from hubwire.sync.models import SyncRecord, SyncStatus


@pytest.fixture
def record(workspace):
    return SyncRecord.objects.create(workspace=workspace, provider="example", kind="customer", local_id=7,
                                     marker=new_marker())


def test_one_row_per_local_object_and_per_external_object(record, workspace):
    record_save(record, external_id="qb-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        SyncRecord.objects.create(workspace=workspace, provider="example", kind="customer", local_id=7)
    with pytest.raises(IntegrityError), transaction.atomic():
        SyncRecord.objects.create(workspace=workspace, provider="example", kind="customer", local_id=8,
                                  external_id="qb-1")
    # Another kind, another provider, or not yet linked on either side: all allowed.
    SyncRecord.objects.create(workspace=workspace, provider="example", kind="invoice", local_id=7, external_id="qb-1")
    SyncRecord.objects.create(workspace=workspace, provider="other", kind="customer", local_id=7, external_id="qb-1")
    SyncRecord.objects.create(workspace=workspace, provider="example", kind="customer", local_id=9)
    SyncRecord.objects.create(workspace=workspace, provider="example", kind="customer", local_id=10)
    SyncRecord.objects.create(workspace=workspace, provider="example", kind="customer", external_id="qb-2")


def test_an_external_id_of_1024_characters_fits(record):
    record_save(record, external_id="e" * 1024)
    record.refresh_from_db()
    assert len(record.external_id) == 1024


def test_a_second_worker_is_told_to_come_back_while_the_lease_is_held(record):
    with leased(record):
        with pytest.raises(RetryLater) as waited:
            with leased(SyncRecord.objects.get(pk=record.pk)):
                pass
        assert waited.value.after_seconds > 0
    record.refresh_from_db()
    assert record.busy_until is None
    with leased(record):  # released: the next worker gets it
        pass


def test_a_lease_left_by_a_dead_worker_lapses(record):
    SyncRecord.objects.filter(pk=record.pk).update(busy_until=timezone.now() - timedelta(seconds=1))
    with leased(record):
        assert SyncRecord.objects.get(pk=record.pk).busy_until > timezone.now()


def test_the_lease_is_released_when_the_work_fails(record):
    with pytest.raises(ValueError), leased(record):
        raise ValueError("provider down")
    assert SyncRecord.objects.get(pk=record.pk).busy_until is None


def test_a_save_writes_only_its_fields_and_leaves_the_lease_alone(record):
    stale = SyncRecord.objects.get(pk=record.pk)
    with leased(record):
        record_save(stale, reason="working")
        assert SyncRecord.objects.get(pk=record.pk).busy_until is not None


def test_create_once_creates_and_marks_that_a_create_was_sent(record):
    sent = []
    made = create_once(record, wanted={"name": "ACME"}, find=lambda marker: pytest.fail("nothing to find"),
                       create=lambda wanted: sent.append(wanted) or "qb-1")
    assert (made.remote, made.synced, made.adopted, made.outcome("customer")) == ("qb-1", {"name": "ACME"}, False,
                                                                                  "created")
    assert sent == [{"name": "ACME"}] and SyncRecord.objects.get(pk=record.pk).create_started_at is not None


def test_create_once_adopts_what_a_timed_out_create_made_instead_of_creating_again(record):
    record_save(record, create_started_at=timezone.now())  # an earlier create whose answer was lost
    asked = []
    made = create_once(record, wanted={"name": "ACME"},
                       find=lambda marker: asked.append(marker) or ("qb-1", {"name": "ACME Inc"}),
                       create=lambda wanted: pytest.fail("created twice"))
    assert asked == [record.marker]
    assert (made.remote, made.synced, made.adopted) == ("qb-1", {"name": "ACME Inc"}, True)
    assert made.outcome("customer") == "adopted the customer a timed-out create had made"


def test_create_once_creates_when_the_lost_create_never_happened(record):
    record_save(record, create_started_at=timezone.now())
    made = create_once(record, wanted={"name": "ACME"}, find=lambda marker: None, create=lambda wanted: "qb-2")
    assert (made.remote, made.adopted) == ("qb-2", False)


def test_only_changed_fields_are_sent_and_a_row_in_step_needs_no_call(record):
    record_save(record, synced={"name": "ACME", "email": "a@acme.test"}, status=SyncStatus.SYNCED)
    assert changed_fields(record, {"name": "ACME", "email": "b@acme.test"}) == {"email": "b@acme.test"}
    assert in_step(record, {"name": "ACME"})
    assert not in_step(record, {"name": "ACME", "phone": "+1"})
    record_save(record, status=SyncStatus.FAILED)
    assert not in_step(record, {"name": "ACME"})  # a failed row is tried again even if the fields agree
