"""The REST API's frame: workspace API-key auth, the error shapes, and their documentation."""

from django.http import HttpRequest
from django.utils import timezone
from ninja import Schema
from ninja.security import HttpBearer

from hubwire.core.models import ApiKey, hash_api_key


class WorkspaceKeyAuth(HttpBearer):
    """`Authorization: Bearer <workspace API key>`; the key decides the workspace, nothing else does."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey | None:
        key = ApiKey.objects.select_related("workspace").filter(key_hash=hash_api_key(token), revoked_at=None).first()
        if key is None:
            return None
        now = timezone.now()
        if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        request.workspace = key.workspace
        return key


def api_actor(request) -> str:
    return f"api:{request.auth.name}"


class ErrorOut(Schema):
    detail: str


class FieldErrorItem(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(Schema):
    detail: list[FieldErrorItem]


# Statuses every authenticated operation may answer, documented so clients (and schemathesis) know.
ERRORS = {401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ValidationErrorOut}


def field_error_body(errors: dict[str, str], *, references: set[str]) -> dict:
    """FieldError keys (`account`, `lines.0.unit_amount`) as locations in the request body.
    A reference the service names `account` is the API's `account_id`."""
    items = []
    for key, msg in errors.items():
        parts: list[str | int] = [int(p) if p.isdigit() else p for p in key.split(".")]
        if parts[0] in references:
            parts[0] = f"{parts[0]}_id"
        items.append({"loc": ["body", *parts], "msg": msg, "type": "value_error"})
    return {"detail": items}


def page_schema(item: type[Schema]) -> type[Schema]:
    from pydantic import create_model

    # A page of a list (core/api_pages.py): `next` is the cursor of the following page, null on the last.
    return create_model(f"{item.__name__}Page", __base__=Schema, count=(int, ...), count_is_exact=(bool, ...),
                        items=(list[item], ...), next=(str | None, ...))
