from django.core.management.base import BaseCommand, CommandError

from hubwire.core.models import Workspace
from hubwire.demo import seed_demo


class Command(BaseCommand):
    help = "Seed the Northwind Studio demo workspace into an empty database."

    def handle(self, *args, **options):
        if Workspace.objects.exists():
            raise CommandError("The database already has workspaces; the demo is only seeded into an empty one.")
        creds = seed_demo()
        self.stdout.write(f"Login: {creds['email']} / {creds['password']}\nAPI key: {creds['api_key']}")
