"""schemathesis against /api/openapi.json on a live server: no 5xx, no undocumented status, and every
answer matches its documented schema and content type.

(schemathesis' lazy pytest fixture does not run on pytest 9.2, so each operation's strategy is
driven with hypothesis directly.)"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from hubwire.core.models import ApiKey
from tests.factories import crm_objects

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES_PER_OPERATION = 15


def test_api_conforms_to_its_openapi_document(live_server, workspace):
    crm_objects(workspace)  # low ids exist, so generated paths hit real objects as well as missing ones
    bearer = {"Authorization": f"Bearer {ApiKey.issue(workspace=workspace, name='fuzz')[1]}"}
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 40

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def exercise(case):
            case.call_and_validate(base_url=live_server.url, headers=bearer, checks=CHECKS)

        try:
            exercise()
        except Exception as exc:
            pytest.fail(f"{operation.method.upper()} {operation.path}: {exc}")
