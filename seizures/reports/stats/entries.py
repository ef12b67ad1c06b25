"""How promptly the period's seizures were entered: the median time from a seizure's start
to the server first receiving it, and how many were entered over BACKFILL_AFTER later
(written from memory, so less exact). Two queries whatever the history, each delay worked
out by the database itself in whole seconds (Django's own datetime arithmetic would call
back into Python for every row on SQLite: a second at 100,000 seizures)."""

from __future__ import annotations

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
    delay = f"({epoch_sql('received_at')} - {epoch_sql('started_at')})"
    where = f"FROM {table} WHERE child_id = %s AND deleted_at IS NULL AND started_at >= %s AND started_at < %s"
    adapt = connection.ops.adapt_datetimefield_value
    params = [child.pk, adapt(start), adapt(end)]
    with connection.cursor() as cursor:
        late = int(BACKFILL_AFTER.total_seconds())
        cursor.execute(f"SELECT COUNT(*), COUNT(*) FILTER (WHERE {delay} > %s) {where}", [late, *params])
        n, backfilled = cursor.fetchone()
        median = None
        if n:
            # The middle one or two delays.
            cursor.execute(f"SELECT {delay} {where} ORDER BY 1 LIMIT %s OFFSET %s", [*params, 2 - n % 2, (n - 1) // 2])
            middle = [row[0] for row in cursor.fetchall()]
            median = timedelta(seconds=sum(middle) / len(middle))
    return EntryTimes(n, backfilled, median)
