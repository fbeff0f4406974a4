"""A workspace connected to the sandbox Google Workspace over real HTTP, as its owner does it: press
Connect, type a persona's email on the sandbox's Google consent page; then the connect pass (the
first read of the domain's users) runs."""

from __future__ import annotations

import pytest

from hubwire.integrations.google_workspace.config import config_of
from hubwire.integrations.models import Connection
from tests.integrations import oauth_flow
from tests.integrations.meetings import run_jobs

SUPER_ADMIN = "owner@northwind.example"
DELEGATED_ADMIN = "helpdesk@northwind.example"
PLAIN_USER = "staff@northwind.example"
CONSUMER = "sandbox.user@gmail.example"


@pytest.fixture(autouse=True)
def quick_backoff(settings):
    """Backoffs short enough that a quota or eventual-consistency test does not idle (each still
    waits on Google's answer, never on a fixed time)."""
    settings.HUBWIRE_GOOGLE_WORKSPACE_BACKOFF_SECONDS = 0.05
    settings.HUBWIRE_GOOGLE_WORKSPACE_VISIBLE_BACKOFF_SECONDS = 0.25


def connect_workspace(client, workspace, *, email: str = SUPER_ADMIN) -> Connection:
    return oauth_flow.connect(client, workspace, "google_workspace", email=email)


@pytest.fixture
def directory(sandbox, owner_client, workspace) -> Connection:
    """Connected as the super admin, the first read of the users done."""
    connection = connect_workspace(owner_client, workspace)
    assert config_of(connection).ready, config_of(connection).missing
    run_jobs()
    return connection
