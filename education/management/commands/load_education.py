"""`manage.py load_education`: bring the database in line with education/content/.

`migrate` runs the same load after every migration; this command is for content-only changes
and for `--force`, which also overwrites records edited in the admin since they were loaded.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from education.content import ContentError, read_libraries
from education.loading import sync_libraries


class Command(BaseCommand):
    help = "Load the education articles, tips and glossary of every language from education/content/ into the database."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Also overwrite records that were edited in the admin since they were loaded.",
        )

    def handle(self, *args, force: bool = False, **options) -> None:
        try:
            libraries = read_libraries()
        except ContentError as error:
            raise CommandError(str(error)) from None
        report = sync_libraries(libraries, force=force, using=options.get("database") or "default")
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(report.summary()))
