"""`python manage.py export_child CHILD_ID PATH`: one child's whole history to a JSON file."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from caregiver.models import Child
from seizures.backup import write_export


class Command(BaseCommand):
    help = "Write one child's whole history (records, care team, audit trail) to a JSON file."

    def add_arguments(self, parser) -> None:
        parser.add_argument("child_id", help="the child's id, as in their page's address (/c/<id>/)")
        parser.add_argument("path", type=Path)

    def handle(self, *args, child_id: str, path: Path, **options) -> None:
        try:
            child = Child.objects.get(public_id=uuid.UUID(child_id))
        except (ValueError, Child.DoesNotExist):
            raise CommandError(f"no child with id {child_id}") from None
        try:
            write_export(child, path)
        except OSError as error:
            raise CommandError(f"cannot write {path}: {error.strerror}") from None
        self.stdout.write(f"Wrote {child.name}'s history to {path} ({path.stat().st_size:,} bytes).")
