"""Read-only API over the event log and the catalog."""

from datetime import datetime
from uuid import UUID

from ninja import Query, Router, Schema

from hubwire.core.api import ERRORS, page_schema
from hubwire.core.api_pages import PageQuery, paginate
from hubwire.core.schema_types import Text
from hubwire.core.tenancy import get_scoped, scoped
from hubwire.events import catalog
from hubwire.events.models import Event

router = Router(tags=["Events"])


class EventOut(Schema):
    id: UUID
    type: str
    version: int
    occurred_at: datetime
    actor: str
    data: dict


class EventTypeOut(Schema):
    name: str
    version: int
    description: str
    data_schema: dict


class EventFilter(PageQuery):
    type: Text(100) | None = None


@router.get("", response={200: page_schema(EventOut), **ERRORS}, operation_id="list_events",
            summary="The workspace's events, newest first")
def list_events(request, filters: Query[EventFilter]):
    qs = scoped(Event, request.auth.workspace)
    if filters.type:
        qs = qs.filter(type=filters.type)
    return paginate(qs, filters)


@router.get("/types", response={200: list[EventTypeOut], **ERRORS}, operation_id="list_event_types",
            summary="The event catalog: each type's version and the JSON schema of its data")
def list_event_types(request):
    return [{"name": t.name, "version": t.version, "description": t.description, "data_schema": t.schema}
            for t in catalog.CATALOG.values()]


@router.get("/{id}", response={200: EventOut, **ERRORS}, operation_id="get_event", summary="Get an event")
def get_event(request, id: UUID):
    return get_scoped(Event, request.auth.workspace, id)
