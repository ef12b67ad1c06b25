"""How promptly the period's seizures were entered: the median time from a seizure's start
to the server first receiving it, and how many were entered over BACKFILL_AFTER later
(written from memory, so less exact). Two queries whatever the history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q

from caregiver.models import Child
from seizures.models import BACKFILL_AFTER, Episode


@dataclass(frozen=True)
class EntryTimes:
    entries: int
    backfilled: int
    median: timedelta | None  # None without entries


def entry_times(child: Child, start: datetime, end: datetime) -> EntryTimes:
    episodes = Episode.objects.for_child(child).live().between(start, end)
    totals = episodes.aggregate(
        n=Count("pk"), late=Count("pk", filter=Q(received_at__gt=F("started_at") + BACKFILL_AFTER))
    )
    n = totals["n"]
    median = None
    if n:
        delay = ExpressionWrapper(F("received_at") - F("started_at"), output_field=DurationField())
        # The middle one or two delays, read in one query.
        middle = list(
            episodes.annotate(delay=delay).order_by("delay").values_list("delay", flat=True)[(n - 1) // 2 : n // 2 + 1]
        )
        median = sum(middle, timedelta()) / len(middle)
    return EntryTimes(n, totals["late"], median)
