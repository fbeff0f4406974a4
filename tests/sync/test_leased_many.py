"""Leasing many ledger rows at once: a second claim gets only the rows the first does not hold, a
lapsed lease is free again, and the rows are released when the work ends, also by raising."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hubwire.sync.ledger import leased_many
from hubwire.sync.models import SyncRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(workspace):
    return [SyncRecord.objects.create(workspace=workspace, provider="example", kind="customer", local_id=n).pk
            for n in range(6)]


def test_two_claims_on_overlapping_rows_get_disjoint_sets(rows):
    with leased_many(rows[:4]) as first:
        with leased_many(rows[2:]) as second:
            assert first == rows[:4] and second == rows[4:]
        assert SyncRecord.objects.filter(pk__in=rows[4:], busy_until=None).count() == 2
    assert SyncRecord.objects.filter(busy_until__isnull=False).count() == 0


def test_a_lapsed_lease_is_free_and_a_failure_releases(rows):
    SyncRecord.objects.filter(pk=rows[0]).update(busy_until=timezone.now() - timedelta(seconds=1))
    with pytest.raises(RuntimeError), leased_many(rows) as mine:
        assert mine == rows
        raise RuntimeError("the provider failed")
    assert SyncRecord.objects.filter(busy_until__isnull=False).count() == 0
