"""Doses as CSV, streamed, like the episodes' export (seizures/reports/csv_export.py): UTF-8
with a byte-order mark, a header row of field names, yes/no as 1 and 0, times in the child's
time zone, typed text defused against spreadsheet formulas."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import datetime

from django.db.models import IntegerField
from django.db.models.functions import Cast

from caregiver.models import Child
from seizures.medicine_models import Dose
from seizures.reports.csv_export import BOM, CHUNK, _Echo, defuse

HEADER = [
    "dose_id",
    "medicine",
    "due_at",
    "status",
    "given_at",
    "late",
    "extra",
    "reason",
    "logged_by",
    "received_at",
]


def chunks(child: Child, start: datetime, end: datetime) -> Iterator[str]:
    """The header, then the child's doses due in [start, end), oldest first. One query."""
    writer = csv.writer(_Echo())
    zone = child.zone

    def local(value: datetime | None) -> str:
        return value.astimezone(zone).isoformat(timespec="seconds") if value else ""

    yield BOM + writer.writerow(HEADER)
    rows = (
        Dose.objects.for_child(child)
        .due_between(start, end)
        .order_by("scheduled_at", "medicine__name", "given_at")
        .values_list(
            "public_id",
            "medicine__name",
            "scheduled_at",
            "status",
            "given_at",
            Cast("late", IntegerField()),
            Cast("extra", IntegerField()),
            "reason",
            "logged_by__name",
            "logged_by__email",
            "received_at",
        )
    )
    batch = []
    for public_id, name, due, status, given_at, late, extra, reason, who, email, received_at in rows.iterator(
        chunk_size=CHUNK
    ):
        batch.append(
            writer.writerow(
                [
                    public_id,
                    defuse(name),
                    local(due),
                    status,
                    local(given_at),
                    late,
                    extra,
                    defuse(reason),
                    defuse(who or email or ""),
                    local(received_at),
                ]  # fmt: skip
            )
        )
        if len(batch) == CHUNK:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)
