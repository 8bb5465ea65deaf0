"""List, and delete, stored files that no row references (see
``cchc.storage_cleanup``)."""

from django.core.management.base import BaseCommand

from cchc.storage_cleanup import ORPHAN_PREFIXES, orphan_files_delete


class Command(BaseCommand):
    help = "Delete stored files under the app's own folders that no row references."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only list them.")

    def handle(self, *args, dry_run=False, **options):
        names = orphan_files_delete(dry_run=dry_run)
        for name in names:
            self.stdout.write(name)
        verb = "would be deleted" if dry_run else "deleted"
        self.stdout.write(f"{len(names)} orphan file(s) under {', '.join(ORPHAN_PREFIXES)} {verb}.")
