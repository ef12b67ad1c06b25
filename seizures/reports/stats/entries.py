"""How promptly the period's seizures were entered: the median time from a seizure's start
to the server first receiving it, and how many were entered over BACKFILL_AFTER later
(written from memory, so less exact). One query whatever the history: the database works
out each delay in whole seconds (Django's own datetime arithmetic would call back into
Python for every row on SQLite: a second at 100,000 seizures) and hands them over as one
array, which Python sorts (SQLite has no median; sorting in the database, once to count and
again to pick the middle, took twice as long)."""

from __future__ import annotations

import json
from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection

from caregiver.models import Child
from seizures.models import BACKFILL_AFTER, Episode
from seizures.reports.stats.days import epoch_sql


@dataclass(frozen=True)
class EntryTimes:
    entries: int
    backfilled: int
    median: timedelta | None  # None without entries


def entry_times(child: Child, start: datetime, end: datetime) -> EntryTimes:
    table = connection.ops.quote_name(Episode._meta.db_table)
    delay = f"{epoch_sql('received_at')} - {epoch_sql('started_at')}"
    gather = "json_group_array" if connection.vendor == "sqlite" else "array_agg"
    sql = (
        f"SELECT {gather}({delay}) FROM {table}"
        " WHERE child_id = %s AND deleted_at IS NULL AND started_at >= %s AND started_at < %s"
    )
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(sql, [child.pk, adapt(start), adapt(end)])
        (delays,) = cursor.fetchone()
    delays = sorted(json.loads(delays) if isinstance(delays, str) else delays or [])
    n = len(delays)
    if not n:
        return EntryTimes(0, 0, None)
    backfilled = n - bisect_right(delays, int(BACKFILL_AFTER.total_seconds()))
    # The middle one or two delays.
    middle = delays[(n - 1) // 2 : n // 2 + 1]
    return EntryTimes(n, backfilled, timedelta(seconds=sum(middle) / len(middle)))
