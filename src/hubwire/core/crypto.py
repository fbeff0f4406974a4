"""Secrets at rest (architecture principle 9): MultiFernet over HUBWIRE_ENCRYPTION_KEYS.

The first key encrypts; every key decrypts. To rotate: put a new key first, run
`hubwire rotate_keys` (re-encrypts every secret under it), then drop the old key.
"""

import json
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


@lru_cache(maxsize=4)
def _multifernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise RuntimeError("HUBWIRE_ENCRYPTION_KEYS is empty")
    return MultiFernet([Fernet(key.encode()) for key in keys])


def vault() -> MultiFernet:
    return _multifernet(tuple(settings.HUBWIRE_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    return vault().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return vault().decrypt(token.encode()).decode()
    except InvalidToken:
        # Said plainly, without the ciphertext: the usual cause is a key removed too early.
        raise InvalidToken("a secret could not be decrypted with any key in HUBWIRE_ENCRYPTION_KEYS") from None


class EncryptedTextField(models.TextField):
    """A text column holding a Fernet token; Python code only ever sees the plaintext.

    Empty stays empty (nothing to hide, and it lets "no token" be a plain check)."""

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else value


class EncryptedJSONField(EncryptedTextField):
    """A dict of secrets (e.g. pasted API credentials), encrypted as one JSON document."""

    def from_db_value(self, value, expression, connection):
        plaintext = super().from_db_value(value, expression, connection)
        return json.loads(plaintext) if plaintext else {}

    def to_python(self, value):
        if isinstance(value, dict):
            return value
        return json.loads(value) if value else {}

    def get_prep_value(self, value):
        value = self.to_python(value)
        return encrypt(json.dumps(value, sort_keys=True)) if value else ""


def encrypted_fields():
    """(model, [field names]) for every model holding encrypted columns."""
    from django.apps import apps

    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            yield model, names


def reencrypt_all(batch_size: int = 500) -> int:
    """Re-encrypt every stored secret under the newest key. Returns how many rows were rewritten."""
    from django.db import transaction

    rewritten = 0
    for model, names in encrypted_fields():
        pks = list(model._default_manager.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(pks), batch_size):
            with transaction.atomic():
                rows = model._default_manager.select_for_update().filter(pk__in=pks[start:start + batch_size])
                for row in rows.only("pk", *names):
                    values = {name: getattr(row, name) for name in names}
                    model._default_manager.filter(pk=row.pk).update(**values)
                    rewritten += 1
    return rewritten
