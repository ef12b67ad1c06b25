"""The whole file checked before anything is saved: every row becomes a new seizure, one the
diary already holds, or a list of problems. The import goes ahead only with no problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID, uuid5

from django.utils import timezone
from django.utils.translation import gettext as _

from caregiver.models import Child, User
from seizures.importing import rows
from seizures.importing.mapping import Mapping
from seizures.importing.reading import Table
from seizures.models import Episode

# Each row's key is made from the child, the file's contents and the row's number, so the
# same file imported again finds every row already there.
ROW_KEYS = UUID("8c3f4a52-0d6e-4b8e-9a51-6f1d2c7e9b30")
PREVIEW_ROWS = 20
SHOWN_PROBLEMS = 200
LOOKUP_BATCH = 500  # ids per IN (…) query: well inside SQLite's limit on query parameters


@dataclass
class Row:
    number: int  # the line in the file (the header is line 1)
    episode: Episode | None = None
    problems: list[str] = field(default_factory=list)
    already: bool = False


@dataclass
class Plan:
    rows: list[Row]
    mapping: Mapping

    @property
    def new(self) -> list[Episode]:
        return [row.episode for row in self.rows if row.episode is not None and not row.already and not row.problems]

    @property
    def problem_rows(self) -> list[Row]:
        return [row for row in self.rows if row.problems]

    @property
    def already(self) -> int:
        return sum(row.already for row in self.rows)

    @property
    def preview(self) -> list[Row]:
        return self.rows[:PREVIEW_ROWS]

    @property
    def shown_problems(self) -> list[Row]:
        return self.problem_rows[:SHOWN_PROBLEMS]


def row_key(child: Child, table: Table, number: int) -> UUID:
    return uuid5(ROW_KEYS, f"{child.public_id}:{table.sha256}:{number}")


def make_plan(child: Child, user: User, table: Table, mapping: Mapping) -> Plan:
    now = timezone.now()
    planned = []
    width = len(table.header)
    for index, cells in enumerate(table.rows):
        row = Row(number=index + 2)
        planned.append(row)
        if len(cells) > width and any(cell.strip() for cell in cells[width:]):
            row.problems.append(_("This row has more cells than the header has columns."))
            continue
        try:
            found, known_id = rows.episode(dict(zip(table.header, cells, strict=False)), mapping)
        except rows.Problem as problem:
            row.problems.append(str(problem))
            continue
        found.child, found.logged_by = child, user
        found.client_uuid = row_key(child, table, row.number)
        if found.received_at is None or "received_at" not in mapping.columns:
            found.received_at = now
        if known_id is not None:
            found.public_id = known_id
        row.problems.extend(rows.problems(found))
        row.episode = found
    _mark_already_there(child, planned, mapping)
    return Plan(rows=planned, mapping=mapping)


def _mark_already_there(child: Child, planned: list[Row], mapping: Mapping) -> None:
    """Rows this file brought before (by their key), or seizures the diary holds under the
    id the app's own export gave them."""
    found = [row for row in planned if row.episode is not None]
    keys = {row.episode.client_uuid for row in found}
    ids = {row.episode.public_id for row in found} if "episode_id" in mapping.columns else set()
    stored_keys, stored_ids = set(), set()
    for batch in _batches(sorted(keys)):
        stored_keys |= set(Episode.objects.filter(client_uuid__in=batch).values_list("client_uuid", flat=True))
    for batch in _batches(sorted(ids)):
        stored_ids |= set(
            Episode.objects.for_child(child).filter(public_id__in=batch).values_list("public_id", flat=True)
        )
    taken_ids = set()
    for batch in _batches(sorted(ids - stored_ids)):
        taken_ids |= set(Episode.objects.filter(public_id__in=batch).values_list("public_id", flat=True))
    seen_ids = set()
    for row in found:
        episode = row.episode
        if "episode_id" in mapping.columns and episode.public_id in seen_ids:
            row.problems.append(_("This seizure id is on an earlier row too."))
            continue
        seen_ids.add(episode.public_id)
        if episode.client_uuid in stored_keys or episode.public_id in stored_ids:
            row.already, row.problems = True, []
        elif episode.public_id in taken_ids:
            # Another child's seizure id (an export of another diary): a new id, never a clash.
            episode.public_id = uuid5(ROW_KEYS, f"id:{episode.client_uuid}")


def _batches(values: list) -> list[list]:
    return [values[i : i + LOOKUP_BATCH] for i in range(0, len(values), LOOKUP_BATCH)]
