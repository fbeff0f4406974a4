"""Tokens and credentials are encrypted at rest, and `hubwire rotate-keys` moves them to a new key."""

import io

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.db import connection as db

from hubwire.core.crypto import encrypt
from hubwire.integrations.models import Connection, OAuthState
from tests.conftest import SANDBOX_DB
from tests.integrations import oauth_flow

pytestmark = SANDBOX_DB


def database_dump() -> str:
    """Every row of every table of hubwire's database, as stored (what a backup would hold)."""
    rows = []
    with db.cursor() as cursor:
        for table in db.introspection.table_names():
            cursor.execute(f"SELECT * FROM {db.ops.quote_name(table)}")
            rows.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(rows)


def test_no_plaintext_secret_in_a_database_dump(sandbox, owner_client, workspace):
    oauth_flow.start(owner_client)  # leaves an OAuth state with its PKCE verifier
    connection = oauth_flow.connect(owner_client, workspace)
    connection.credentials = {"client_secret": "a-pasted-secret-value-1234"}
    connection.save()
    verifier = OAuthState.objects.first().code_verifier

    dump = database_dump()
    for secret in (connection.access_token, connection.refresh_token, "a-pasted-secret-value-1234", verifier):
        assert secret and secret not in dump
    assert "gAAAAA" in dump  # what is there instead: Fernet tokens


def test_rotate_keys_reencrypts_every_secret_under_the_newest_key(sandbox, owner_client, workspace, settings):
    old_key = settings.HUBWIRE_ENCRYPTION_KEYS[0]
    connection = oauth_flow.connect(owner_client, workspace)
    access, refresh = connection.access_token, connection.refresh_token

    new_key = Fernet.generate_key().decode()
    settings.HUBWIRE_ENCRYPTION_KEYS = [new_key]
    with pytest.raises(InvalidToken, match="could not be decrypted"):
        Connection.objects.get(pk=connection.pk)  # the new key alone cannot read the old secrets

    settings.HUBWIRE_ENCRYPTION_KEYS = [new_key, old_key]
    assert Connection.objects.get(pk=connection.pk).access_token == access  # old keys keep decrypting
    out = io.StringIO()
    call_command("rotate_keys", stdout=out)
    assert "Re-encrypted" in out.getvalue()

    settings.HUBWIRE_ENCRYPTION_KEYS = [new_key]
    rotated = Connection.objects.get(pk=connection.pk)
    assert (rotated.access_token, rotated.refresh_token) == (access, refresh)
    assert OAuthState.objects.count() == 1 and OAuthState.objects.get().code_verifier


def test_the_same_secret_encrypts_differently_each_time():
    assert encrypt("same") != encrypt("same")
