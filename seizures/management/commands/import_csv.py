"""`python manage.py import_csv CHILD_ID PATH --mapping mapping.json [--owner EMAIL]`: the page's
import from a script, with the same checks: every row is planned first; any problem is
printed and nothing is saved; otherwise every row is saved, or none."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from caregiver.files import FileRefused, read_regular_file
from caregiver.models import Membership, Role
from seizures import recording
from seizures.importing.mapping import MappingError, read_mapping
from seizures.importing.plan import make_plan
from seizures.importing.reading import MAX_BYTES, BadFile, read_table


class Command(BaseCommand):
    help = "Import seizures from a CSV file into one child's diary (all rows or none)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("child_id")
        parser.add_argument("path", type=Path)
        parser.add_argument("--mapping", type=Path, required=True, help="JSON: which column holds what (README)")
        parser.add_argument("--owner", help="the owner the import is recorded as (default: the first)")

    def handle(self, *args, child_id: str, path: Path, mapping: Path, owner: str | None, **options) -> None:
        owners = Membership.objects.filter(role=Role.OWNER).select_related("child", "user").order_by("created_at")
        try:
            membership = owners.filter(child__public_id=child_id, **({"user__email__iexact": owner} if owner else {}))
            membership = membership.first()
        except ValidationError:
            membership = None
        if membership is None:
            raise CommandError(f"No child with the id {child_id}" + (f" owned by {owner}." if owner else "."))
        child = membership.child
        child.membership = membership
        try:
            table = read_table(read_regular_file(path, MAX_BYTES), path.name)
            description = json.loads(read_regular_file(mapping, 1024 * 1024))
            plan = make_plan(child, membership.user, table, read_mapping(description, table.header, child.time_zone))
        except (FileRefused, BadFile) as problem:
            raise CommandError(str(problem)) from None
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise CommandError(f"{mapping} is not a JSON file.") from None
        except MappingError as problem:
            raise CommandError(f"{mapping}: {problem}") from None
        if plan.problem_rows:
            for row in plan.problem_rows:
                self.stderr.write(f"Row {row.number}: {' '.join(row.problems)}")
            raise CommandError(f"Nothing was imported: {len(plan.problem_rows)} rows have problems.")
        added = recording.import_episodes(
            child, membership.user, plan.new, source=f"{path.name} (sha256 {table.sha256[:16]})"
        )
        self.stdout.write(f"Imported {added} seizures; {plan.already} were already in the diary.")
