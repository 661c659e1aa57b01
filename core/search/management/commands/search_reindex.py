from django.core.management.base import BaseCommand

from core.search.services import reindex_all


class Command(BaseCommand):
    help = "Rebuild the search index from spaces, contributions and the plugins' documents."

    def handle(self, *args, **options):
        count = reindex_all()
        self.stdout.write(f"{count} documents indexed.")
