"""Adherence per medicine: doses given out of doses due, per week (Monday start, in the child's
time zone) and over the period, with extra, skipped and late doses.

What was given is counted in the database: one query, whatever the history, groups the
period's doses by medicine and by week, the weeks being half-open ranges of `scheduled_at`
between local Monday midnights that Python works out with zoneinfo (exact across
daylight-saving changes, as for the day counts). What was due comes from each medicine's
schedule (`seizures.dues.medicine_slots`), not from the database. Doses due after now are
not counted yet.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.utils import timezone

from caregiver.models import Child
from seizures import dues
from seizures.medicine_models import Dose, Medicine
from seizures.models import local_midnight


@dataclass
class Week:
    starts_on: date
    due: int = 0
    given: int = 0

    @property
    def percent(self) -> int | None:
        return round(100 * self.given / self.due) if self.due else None


@dataclass
class Adherence:
    medicine: Medicine
    weeks: list[Week]
    due: int = 0
    given: int = 0
    skipped: int = 0
    extra: int = 0
    late: int = 0
    missed: int = field(init=False, default=0)

    @property
    def percent(self) -> int | None:
        return round(100 * self.given / self.due) if self.due else None


def _mondays(first: date, last: date) -> list[date]:
    monday = first - timedelta(days=first.weekday())
    weeks = []
    while monday <= last:
        weeks.append(monday)
        monday += timedelta(days=7)
    return weeks


def adherence(child: Child, medicines: list[Medicine], first: date, last: date, now: datetime | None = None):
    """Each medicine's adherence from `first` to `last` (local days, inclusive), the medicines
    coming with their treatments and versions (`seizures.dues.medicines_with_versions`).
    One query."""
    now = now or timezone.now()
    zone = child.zone
    start = local_midnight(first, zone)
    end = min(local_midnight(last + timedelta(days=1), zone), now)
    mondays = _mondays(first, last)
    bounds = [max(local_midnight(monday, zone), start) for monday in mondays]
    if not medicines or end <= start:
        return [Adherence(m, [Week(monday) for monday in mondays]) for m in medicines]
    week = Case(
        *(
            When(scheduled_at__gte=low, scheduled_at__lt=high, then=Value(index))
            for index, (low, high) in enumerate(zip(bounds, [*bounds[1:], end], strict=True))
        ),
        output_field=IntegerField(),
    )
    rows = (
        Dose.objects.for_child(child)
        .filter(scheduled_at__gte=start, scheduled_at__lt=end)
        .annotate(week=week)
        .values("medicine", "week")
        .annotate(
            n_given=Count("pk", filter=Q(status="given", extra=False)),
            n_skipped=Count("pk", filter=Q(status="skipped")),
            n_extra=Count("pk", filter=Q(extra=True)),
            n_late=Count("pk", filter=Q(late=True, extra=False)),
        )
        .order_by()
    )
    counted: dict[tuple[int, int], dict] = {(row["medicine"], row["week"]): row for row in rows}
    results = []
    for medicine in medicines:
        weeks = [Week(monday) for monday in mondays]
        result = Adherence(medicine, weeks)
        for due_at, _version in dues.medicine_slots(medicine, zone, start, end):
            weeks[bisect_right(bounds, due_at) - 1].due += 1
        for index, week in enumerate(weeks):
            row = counted.get((medicine.pk, index))
            if row:
                week.given = row["n_given"]
                result.skipped += row["n_skipped"]
                result.extra += row["n_extra"]
                result.late += row["n_late"]
            result.due += week.due
            result.given += week.given
        result.missed = max(0, result.due - result.given - result.skipped)
        results.append(result)
    return results
