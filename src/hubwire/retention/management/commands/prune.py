"""`hubwire prune [--dry-run]`: delete what each app's retention settings say has expired, as beat does hourly."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from hubwire.retention.prune import prune


class Command(BaseCommand):
    help = "Delete the rows each app's HUBWIRE_KEEP_*_DAYS setting says have expired (see first with --dry-run)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only say what would be deleted, per table.")

    def handle(self, *args, dry_run: bool, **options):
        for pruned in prune(now=timezone.now(), dry_run=dry_run):
            self.stdout.write(str(pruned))
