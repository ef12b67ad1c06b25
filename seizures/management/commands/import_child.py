"""`python manage.py import_child PATH`: recreate a child exported by `export_child`."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from seizures.backup import SECTIONS, BackupError, import_child, read_document


class Command(BaseCommand):
    help = "Recreate a child from a file made by export_child. Importing the same file again changes nothing."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options) -> None:
        try:
            document = read_document(path)
            child, created = import_child(document)
        except BackupError as error:
            raise CommandError(str(error)) from None
        if not created:
            self.stdout.write(f"{child.name} ({child.public_id}) is already here; nothing changed.")
            return
        counts = ", ".join(f"{len(document[s])} {s.replace('_', ' ')}" for s in SECTIONS)
        self.stdout.write(f"Imported {child.name} ({child.public_id}): {counts}.")
