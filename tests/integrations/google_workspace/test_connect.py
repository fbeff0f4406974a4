"""Connecting Google Workspace as each sandbox persona: only a super admin turns the card green; each
other account gets an orange card and says in words what is missing (issue 21, item 1)."""

import pytest

from hubwire.integrations.google_workspace.config import config_of
from hubwire.integrations.models import ConnectionStatus
from hubwire.integrations.registry import PROVIDERS
from tests.integrations.google_workspace.conftest import (CONSUMER, DELEGATED_ADMIN, PLAIN_USER, SUPER_ADMIN,
                                                          connect_workspace)

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def _card(workspace, connection):
    return PROVIDERS["google_workspace"].card(workspace, [connection])


def test_a_super_admin_turns_the_card_green_and_lists_the_domains(sandbox, owner_client, workspace):
    connection = connect_workspace(owner_client, workspace, email=SUPER_ADMIN)
    checked = config_of(connection)
    assert connection.status == ConnectionStatus.ACTIVE
    assert checked.ready and checked.admin_email == SUPER_ADMIN and checked.primary_domain == "northwind.example"
    assert checked.verified_domains == ["northwind.example"]
    assert checked.unverified_domains == ["northwind-studio.example"]
    card = _card(workspace, connection)
    assert card.colour == "green"
    assert "northwind-studio.example is not verified: users cannot be created on it." in card.warning
    page = owner_client.get("/integrations/google_workspace/").content.decode()
    assert "northwind-studio.example is not verified: users cannot be created on it." in page
    assert 'data-testid="gws-create-user"' in page


@pytest.mark.parametrize("email, words", [
    (PLAIN_USER, "staff@northwind.example is a user of northwind.example but not an administrator"),
    (DELEGATED_ADMIN, "helpdesk@northwind.example is a delegated admin of northwind.example without the privilege "
                      "to manage users"),
    (CONSUMER, "sandbox.user@gmail.example is a personal Google account that is in no Google Workspace"),
])
def test_any_other_account_leaves_the_card_orange_saying_what_is_missing(sandbox, owner_client, workspace, email,
                                                                         words):
    connection = connect_workspace(owner_client, workspace, email=email)
    checked = config_of(connection)
    assert not checked.ready
    card = _card(workspace, connection)
    assert card.colour == "orange" and card.status == ConnectionStatus.SETUP_INCOMPLETE
    assert words in card.detail
    page = owner_client.get("/integrations/google_workspace/").content.decode()
    assert words in page
    assert 'data-testid="gws-create-user"' not in page
    # Nothing that needs a super admin is offered, or done when asked for by hand.
    refused = owner_client.get("/integrations/google_workspace/users/new/")
    assert refused.status_code == 302
