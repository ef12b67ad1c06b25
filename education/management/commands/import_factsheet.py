"""`manage.py import_factsheet PATH`: turn a plain-text fact sheet into draft articles."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from education.factsheet import MAX_BYTES, SheetError, import_sheet, read_sheet


class Command(BaseCommand):
    help = (
        "Create a draft article for each heading of a plain-text fact sheet (UTF-8, at most "
        f"{MAX_BYTES:,} bytes), for staff to review and publish in the admin. Importing the same "
        "sheet again changes nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path, help="The fact sheet, a .txt file.")
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            choices=[code for code, _name in settings.LANGUAGES],
            help="The language the sheet is written in; its drafts are shown to readers of that language.",
        )

    def handle(self, *args, path: Path, language: str, **options) -> None:
        try:
            sheet = read_sheet(path)
        except SheetError as error:
            raise CommandError(str(error)) from None
        report = import_sheet(sheet, path.name, language=language)
        self.stdout.write(f"Fact sheet “{sheet.title}”: {len(sheet.sections)} sections.")
        for line in report.lines():
            self.stdout.write(line)
        for heading in sheet.skipped:
            self.stdout.write(f"skipped heading with no text under it: '{heading}'")
        if not report.created and not report.updated:
            self.stdout.write("Nothing new: every section was imported before.")
        self.stdout.write(self.style.SUCCESS(report.summary()))
        if report.created or report.updated:
            self.stdout.write("The drafts are hidden from the public until staff publish them in the admin.")
