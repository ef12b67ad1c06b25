"""Rescue doses per week of a period, counted in the database in the child's time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Case, Count, IntegerField, Q, Value, When

from caregiver.models import Child
from seizures.models import local_midnight
from seizures.plan_models import RescueDose


@dataclass(frozen=True)
class RescueWeek:
    """Monday of the week (or the period's first day), and the doses given in it:
    `crossed` of them past the guard (overridden, or arrived over it from a phone)."""

    first: date
    doses: int
    crossed: int


def rescue_weeks(child: Child, first: date, last: date) -> list[RescueWeek]:
    """One row per week (Monday to Sunday, cut to the period) from `first` to `last`. One
    query whatever the history: each week is a half-open range of instants between local
    midnights (worked out with zoneinfo, so a 23- or 25-hour day counts whole)."""
    starts = [first]
    monday = first - timedelta(days=first.weekday()) + timedelta(days=7)
    while monday <= last:
        starts.append(monday)
        monday += timedelta(days=7)
    bounds = [local_midnight(day, child.zone) for day in [*starts, last + timedelta(days=1)]]
    # Each dose's week, by the first week end after it: one CASE, grouped in the database
    # (a period of decades has too many weeks for one column each).
    week = Case(
        *(When(given_at__lt=end, then=Value(i)) for i, end in enumerate(bounds[1:])),
        output_field=IntegerField(),
    )
    rows = (
        RescueDose.objects.for_child(child)
        .filter(given_at__gte=bounds[0], given_at__lt=bounds[-1])
        .annotate(week=week)
        .values("week")
        .annotate(doses=Count("pk"), crossed=Count("pk", filter=Q(override=True) | Q(over_guard=True)))
        .order_by()
    )
    found = {row["week"]: row for row in rows}
    return [
        RescueWeek(day, found.get(i, {}).get("doses", 0), found.get(i, {}).get("crossed", 0))
        for i, day in enumerate(starts)
    ]
