"""Rescue doses per week of a period, in the child's time zone."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta

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
    query whatever the history: the period's doses (a handful a week at most: the plan caps
    them), each put in its week by the local midnights that bound the weeks (worked out with
    zoneinfo, so a 23- or 25-hour day counts whole). Not a CASE over the weeks in SQL: three
    years of weeks made that query cost more to build than the rest of the report."""
    starts = [first]
    monday = first - timedelta(days=first.weekday()) + timedelta(days=7)
    while monday <= last:
        starts.append(monday)
        monday += timedelta(days=7)
    bounds = [local_midnight(day, child.zone) for day in [*starts, last + timedelta(days=1)]]
    doses, crossed = [0] * len(starts), [0] * len(starts)
    given = RescueDose.objects.for_child(child).filter(given_at__gte=bounds[0], given_at__lt=bounds[-1])
    for given_at, override, over_guard in given.values_list("given_at", "override", "over_guard"):
        week = bisect_right(bounds, given_at) - 1
        doses[week] += 1
        crossed[week] += override or over_guard
    return [RescueWeek(day, n, k) for day, n, k in zip(starts, doses, crossed, strict=True)]
