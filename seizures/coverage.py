"""Which of the child's days are recorded (read side: pages and reports share it).

A day is recorded when it has entries, a caregiver confirmed it, or a period too frequent to
count touches it, unless an owner marked it as not recorded; any other day is unrecorded
(nobody said, so no figure may count it as seizure-free). A day a period touches is never
seizure-free either: its seizures were too many to count, not none."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caregiver.models import Child
from seizures.models import (
    MAX_UNCOUNTABLE,
    DayConfirmation,
    Episode,
    NotRecordedRange,
    UncountablePeriod,
    day_bounds,
    local_midnight,
)

# The diary page lists this many days back from today.
RECENT_DAYS = 14
# From this local hour on, the home page reminds the family to confirm the day.
EVENING_HOUR = 18

STATUS_LABELS = {
    "not_recorded": _("Not recorded"),
    "entries": _("Recorded (seizures logged)"),
    "confirmed": _("Recorded (confirmed)"),
    "uncountable": _("Recorded (too frequent to count for a while)"),
    "unrecorded": _("Unrecorded"),
}


@dataclass(frozen=True, slots=True)
class DiaryDay:
    on: date
    entries: int
    confirmation: DayConfirmation | None
    not_recorded: NotRecordedRange | None
    uncountable: bool = False

    @property
    def status(self) -> str:
        if self.not_recorded is not None:
            return "not_recorded"
        if self.uncountable:
            return "uncountable"
        if self.entries:
            return "entries"
        return "confirmed" if self.confirmation is not None else "unrecorded"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self.status])


def diary_days(child: Child, last: date, days: int = RECENT_DAYS) -> list[DiaryDay]:
    """The `days` days up to `last`, newest first. Four queries: each local day's entries are
    counted between its own midnights (a 23- or 25-hour day counts whole)."""
    ons = [last - timedelta(days=back) for back in range(days)]
    bounds = {on: day_bounds(on, child.zone) for on in ons}
    counts = (
        Episode.objects.for_child(child)
        .live()
        .between(bounds[ons[-1]][0], bounds[ons[0]][1])
        .aggregate(
            **{
                on.isoformat(): Count("pk", filter=Q(started_at__gte=a, started_at__lt=b))
                for on, (a, b) in bounds.items()
            }
        )
    )
    confirmations = {
        c.confirmed_on: c
        for c in DayConfirmation.objects.filter(child=child, confirmed_on__range=(ons[-1], ons[0])).select_related(
            "confirmed_by"
        )
    }
    ranges = list(
        NotRecordedRange.objects.filter(child=child, started_on__lte=ons[0], ended_on__gte=ons[-1]).order_by(
            "started_on"
        )
    )
    touched = load_periods(child, ons[-1], ons[0]).touched
    return [
        DiaryDay(
            on=on,
            entries=counts[on.isoformat()],
            confirmation=confirmations.get(on),
            not_recorded=next((r for r in ranges if r.started_on <= on <= r.ended_on), None),
            uncountable=on in touched,
        )
        for on in ons
    ]


@dataclass(frozen=True, slots=True)
class Span:
    """A period too frequent to count, as the figures use it: an open one runs to `now`."""

    public_id: str
    start: datetime
    end: datetime
    ongoing: bool
    estimate: int | None

    @property
    def seconds(self) -> int:
        return int((self.end - self.start).total_seconds())


@dataclass(frozen=True)
class Periods:
    """The periods too frequent to count touching some days, and the local days they touch."""

    spans: tuple[Span, ...]
    touched: frozenset[date]

    @property
    def excluded(self) -> list[tuple[datetime, datetime]]:
        """The instants whose seizures no exact figure counts."""
        return [(span.start, span.end) for span in self.spans]


def load_periods(child: Child, first: date, last: date, now: datetime | None = None) -> Periods:
    """The child's periods too frequent to count that touch the local days `first`..`last`,
    oldest first (one query). A period touches each local day it overlaps, so one from 22:00
    to 03:00 touches two; the days are worked out in Python, where zoneinfo knows each day's
    length."""
    now = now or timezone.now()
    start, end = local_midnight(first, child.zone), local_midnight(last + timedelta(days=1), child.zone)
    spans, touched = [], set()
    rows = UncountablePeriod.objects.for_child(child).touching(start, end).order_by("started_at")
    for public_id, started_at, ended_at, estimate in rows.values_list(
        "public_id", "started_at", "ended_at", "estimated_count"
    ):
        # One left open is counted up to now, and never for longer than a period may last.
        until = ended_at or min(max(now, started_at), started_at + MAX_UNCOUNTABLE)
        spans.append(Span(str(public_id), started_at, until, ended_at is None, estimate))
        day = max(started_at.astimezone(child.zone).date(), first)
        # The end is excluded: a period ending at midnight does not touch the next day.
        last_touched = min((until - timedelta(microseconds=1)).astimezone(child.zone).date(), last)
        while day <= last_touched:
            touched.add(day)
            day += timedelta(days=1)
        if until == started_at and first <= started_at.astimezone(child.zone).date() <= last:
            touched.add(started_at.astimezone(child.zone).date())
    return Periods(tuple(spans), frozenset(touched))


@dataclass(frozen=True)
class Coverage:
    """Which days from `first` to `last` were confirmed or marked as not recorded, to tell
    each day's status from its count of entries without another query."""

    first: date
    last: date
    confirmed: frozenset[date]
    not_recorded: tuple[tuple[date, date], ...]
    periods: Periods = Periods((), frozenset())

    def covers(self, first: date, last: date) -> bool:
        return self.first <= first and last <= self.last

    def marked(self, day: date) -> bool:
        return any(a <= day <= b for a, b in self.not_recorded)

    def uncountable(self, day: date) -> bool:
        """Whether a period too frequent to count touches the day."""
        return day in self.periods.touched

    def recorded(self, day: date, entries: int) -> bool:
        return not self.marked(day) and (entries > 0 or day in self.confirmed or day in self.periods.touched)

    def seizure_free(self, day: date, entries: int) -> bool:
        """Recorded, with no seizure logged and none too frequent to count."""
        return not entries and self.recorded(day, entries) and day not in self.periods.touched

    def statuses(self, first: date, counts: list[int]) -> tuple[list[bool], list[bool]]:
        """`recorded` and `seizure_free` for each day from `first` (`counts[n]` entries on day
        n) at once: set from the few days confirmed, touched or marked, not asked day by day."""
        size = len(counts)

        def at(days) -> list[int]:
            return [n for n in ((day - first).days for day in days) if 0 <= n < size]

        recorded = [count > 0 for count in counts]
        for n in at(self.confirmed) + at(self.periods.touched):
            recorded[n] = True
        for a, b in self.not_recorded:
            for n in range(max(0, (a - first).days), min(size, (b - first).days + 1)):
                recorded[n] = False
        free = [seen and not count for seen, count in zip(recorded, counts, strict=True)]
        for n in at(self.periods.touched):
            free[n] = False
        return recorded, free


def load_coverage(child: Child, first: date, last: date) -> Coverage:
    """The confirmations, not-recorded ranges and periods too frequent to count touching
    `first`..`last`: three queries."""
    confirmed = DayConfirmation.objects.filter(child=child, confirmed_on__range=(first, last))
    ranges = NotRecordedRange.objects.filter(child=child, started_on__lte=last, ended_on__gte=first)
    return Coverage(
        first,
        last,
        frozenset(confirmed.values_list("confirmed_on", flat=True)),
        tuple(ranges.order_by("started_on").values_list("started_on", "ended_on")),
        load_periods(child, first, last),
    )


def confirmation_on(child: Child, day: date) -> DayConfirmation | None:
    """The day's confirmation, if given (one indexed query)."""
    return DayConfirmation.objects.filter(child=child, confirmed_on=day).first()


def reminder_due(child: Child, now: datetime) -> bool:
    """Whether it is evening in the child's time zone, when the day's record can be closed."""
    return now.astimezone(child.zone).hour >= EVENING_HOUR
