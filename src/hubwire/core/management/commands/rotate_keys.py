from django.conf import settings
from django.core.management.base import BaseCommand

from hubwire.core.crypto import reencrypt_all


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored secret under the newest key of HUBWIRE_ENCRYPTION_KEYS. "
        "Older keys keep decrypting until you remove them from the setting."
    )

    def handle(self, *args, **options):
        count = reencrypt_all()
        keys = len(settings.HUBWIRE_ENCRYPTION_KEYS)
        self.stdout.write(f"Re-encrypted {count} row(s) under the newest of {keys} key(s).")
        if keys > 1:
            self.stdout.write("Every secret now opens with the first key alone; the others can be removed.")
