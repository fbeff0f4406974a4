"""A workspace connected to the sandbox Google Workspace over real HTTP, as its owner does it: press
Connect, type a persona's email on the sandbox's Google consent page; then the connect pass (the
first read of the domain's users) runs."""

from __future__ import annotations

import pytest

from hubwire.integrations.google_workspace import api
from hubwire.integrations.google_workspace.config import config_of
from hubwire.integrations.models import Connection
from tests.conftest import wait_until
from tests.integrations import oauth_flow
from tests.integrations.meetings import run_jobs

SUPER_ADMIN = "owner@northwind.example"
DELEGATED_ADMIN = "helpdesk@northwind.example"
PLAIN_USER = "staff@northwind.example"
CONSUMER = "sandbox.user@gmail.example"
# A lost answer: the client gives up after LOST_AFTER seconds, the sandbox answers after ANSWERED_AFTER.
# Generous, so that a busy machine's ordinary calls never look lost.
LOST_AFTER, ANSWERED_AFTER = 5.0, 9


def late_answers_given(sandbox, path: str, count: int, method: str = "POST") -> None:
    """Wait until the sandbox has answered the `count` calls of `method` to `path` (it logs a call
    once it has answered), the slow one hubwire stopped waiting for included, so that its log line
    does not land in the next test's sandbox."""
    wait_until(lambda: len([c for c in sandbox.calls("admin.googleapis.com", f"/admin/directory/v1{path}")
                            if c.method == method]) >= count,
               message=f"the sandbox to finish answering the {method}s to {path}")


@pytest.fixture(autouse=True)
def sandbox_time_passes_while_hubwire_waits(monkeypatch):
    """hubwire's backoffs (api.wait) move the sandbox's clock on instead of sleeping: a new user
    becomes visible, or a quota minute passes, exactly as far as hubwire waited, however fast or busy
    the machine is. A test that freezes the sandbox clock has no other time passing."""
    from hubwire.sandbox import clock

    monkeypatch.setattr(api, "wait", clock.advance)


def connect_workspace(client, workspace, *, email: str = SUPER_ADMIN) -> Connection:
    return oauth_flow.connect(client, workspace, "google_workspace", email=email)


@pytest.fixture
def directory(sandbox, owner_client, workspace) -> Connection:
    """Connected as the super admin, the first read of the users done."""
    connection = connect_workspace(owner_client, workspace)
    assert config_of(connection).ready, config_of(connection).missing
    run_jobs()
    return connection
