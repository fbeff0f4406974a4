"""schemathesis against /api/openapi.json on a live server, with every check it has (its default set:
no 5xx, documented statuses, content types, headers and schemas, invalid data refused, valid data
accepted, auth enforced, use after delete, created objects readable):

- each operation with valid data and with invalid data;
- the stateful phase, which follows the document's OpenAPI links from each create to the read,
  update, actions and delete of the object it created.

Zero failures. Examples are bounded and derandomized, so a run is reproducible and stays within a
couple of minutes on a busy 2-core machine. (schemathesis' lazy pytest fixture does not run on
pytest 9.2, so strategies and the state machine are driven with hypothesis directly.)"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.config import PositiveDataAcceptanceConfig

from hubwire.core.models import ApiKey
from tests.factories import crm_objects

EXAMPLES_PER_OPERATION = 6
SCENARIOS = 25
STEPS_PER_SCENARIO = 6


def bounded(max_examples: int, **extra) -> settings:
    return settings(max_examples=max_examples, deadline=None, database=None, derandomize=True,
                    suppress_health_check=list(HealthCheck), **extra)


@pytest.fixture
def api_schema(live_server, workspace):
    crm_objects(workspace)  # low ids exist, so generated paths hit real objects as well as missing ones
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/openapi.json")
    # Some rules no JSON schema can state: a phone number that exists, a referenced account in this
    # workspace, an end after its start, an IANA time zone. Those answer 422 naming the field.
    schema.config.checks.positive_data_acceptance = PositiveDataAcceptanceConfig(
        expected_statuses=["2xx", "401", "404", "409", "422"])
    return schema


@pytest.fixture
def bearer(workspace) -> dict:
    return {"Authorization": f"Bearer {ApiKey.issue(workspace=workspace, name='fuzz')[1]}"}


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda m: m.value)
def test_every_operation_passes_every_check(live_server, api_schema, bearer, mode):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 40

    for operation in operations:
        @given(case=operation.as_strategy(generation_mode=mode))
        @bounded(EXAMPLES_PER_OPERATION)
        def exercise(case):
            # A negative case that leaves Authorization out is testing just that: don't put the key back.
            leaves_auth_out = mode == GenerationMode.NEGATIVE and "Authorization" not in (case.headers or {})
            case.call_and_validate(base_url=live_server.url, headers=None if leaves_auth_out else bearer)

        try:
            exercise()
        except Exception as exc:
            pytest.fail(f"{operation.method.upper()} {operation.path}: {exc}")


def test_every_create_links_to_what_acts_on_the_object_it_created(api_schema):
    paths = api_schema.raw_schema["paths"]
    creates = [(path, item["post"]) for path, item in paths.items()
               if "post" in item and "201" in item["post"]["responses"] and f"{path}/{{id}}" in paths]
    assert len(creates) >= 10
    for path, create in creates:
        linked = {link["operationId"] for link in create["responses"]["201"]["links"].values()}
        expected = {op["operationId"] for item_path, item in paths.items() if item_path.startswith(f"{path}/{{id}}")
                    for op in item.values()}
        assert linked == expected, path


def test_stateful_sequences_pass_every_check(live_server, api_schema, bearer):
    class Sequences(api_schema.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"base_url": live_server.url, "headers": bearer}

    Sequences.run(settings=bounded(SCENARIOS, stateful_step_count=STEPS_PER_SCENARIO))
