"""core/append.py: the precompiled INSERT that writes each change's event and timeline line writes
the row the ORM's save() would have, in the caller's transaction; the rows of one call go in one
query on PostgreSQL."""

import pytest
from django.db import connection, models, transaction
from django.db.models.functions import Now
from django.test.utils import CaptureQueriesContext, isolate_apps

from hubwire.core.append import append
from hubwire.crm.models import Activity
from hubwire.events.models import Event

DATA = {"id": 7, "name": "Zoë d'Arc \"quoted\"", "lines": [{"amount": "12.50", "note": None}], "paid": False}


def stored(model, **lookup) -> dict:
    return model.objects.filter(**lookup).values().get()


@pytest.mark.django_db
def test_an_appended_event_reads_back_as_one_saved_by_the_orm(workspace):
    saved = Event.objects.create(workspace=workspace, type="lead.created", data=DATA, actor="ana@example.test")
    appended = Event(workspace=workspace, type="lead.created", data=DATA, actor="ana@example.test")
    with CaptureQueriesContext(connection) as queries:
        append(appended)
    assert len(queries) == 1

    mine, theirs = stored(Event, pk=appended.pk), stored(Event, pk=saved.pk)
    assert mine.pop("id") == appended.pk and theirs.pop("id") == saved.pk
    assert mine.pop("occurred_at") == appended.occurred_at and theirs.pop("occurred_at") == saved.occurred_at
    assert mine == theirs
    assert mine["data"] == DATA and mine["fanned_out"] is False
    assert not appended._state.adding, "the object now stands for a stored row"


@pytest.mark.django_db
def test_an_appended_timeline_line_fills_its_timestamps_and_leaves_the_database_id_unread(workspace):
    event = Event(workspace=workspace, type="lead.created", data=DATA)
    append(event)
    line = Activity(workspace=workspace, event=event, summary="Lead Zoë created")
    append(line)
    assert line.pk is None, "an id the database assigns is not read back"
    row = stored(Activity, event=event)
    assert row["summary"] == "Lead Zoë created" and row["account_id"] is None
    assert row["updated_at"] == line.updated_at is not None, "auto_now is filled as save() fills it"
    assert row["created_at"] == line.created_at


@pytest.mark.django_db(transaction=True)
def test_an_append_rolls_back_with_the_callers_transaction(workspace):
    with pytest.raises(RuntimeError), transaction.atomic():
        append(Event(workspace=workspace, type="lead.created", data=DATA))
        raise RuntimeError("the change failed")
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_an_event_and_its_line_go_in_one_query_on_postgresql_and_in_order(workspace):
    event = Event(workspace=workspace, type="lead.created", data=DATA)
    line = Activity(workspace=workspace, event=event, summary="Lead Zoë; \"created\" 'today'")
    with CaptureQueriesContext(connection) as queries:
        append(event, line)
    assert len(queries) == (1 if connection.vendor == "postgresql" else 2)
    assert stored(Activity, event=event)["summary"] == line.summary, "values with ; and quotes stay values"
    assert stored(Event, pk=event.pk)["data"] == DATA


@pytest.mark.django_db(transaction=True)
def test_when_one_row_of_an_append_is_refused_none_of_them_stays(workspace):
    from django.db import IntegrityError

    refused = Activity(workspace=workspace, event=Event(workspace=workspace, type="lead.created", data=DATA),
                       summary=None)  # NOT NULL
    with pytest.raises(IntegrityError), transaction.atomic():
        append(Event(workspace=workspace, type="lead.created", data=DATA), refused)
    assert not Event.objects.exists() and not Activity.objects.exists()


@isolate_apps("hubwire.crm")
def test_a_model_with_a_column_only_the_orm_can_write_is_refused():
    class Stamped(models.Model):
        at = models.DateTimeField(db_default=Now())

        class Meta:
            app_label = "crm"

    with pytest.raises(TypeError, match="Stamped.at"):
        append(Stamped())
