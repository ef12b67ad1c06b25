"""Which of the child's days are recorded (read side: pages and reports share it).

A day is recorded when it has entries or a caregiver confirmed it, unless an owner marked
it as not recorded; any other day is unrecorded (nobody said, so no figure may count it as
seizure-free)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from caregiver.models import Child
from seizures.models import DayConfirmation, Episode, NotRecordedRange, day_bounds

# The diary page lists this many days back from today.
RECENT_DAYS = 14
# From this local hour on, the home page reminds the family to confirm the day.
EVENING_HOUR = 18

STATUS_LABELS = {
    "not_recorded": _("Not recorded"),
    "entries": _("Recorded (seizures logged)"),
    "confirmed": _("Recorded (confirmed)"),
    "unrecorded": _("Unrecorded"),
}


@dataclass(frozen=True, slots=True)
class DiaryDay:
    on: date
    entries: int
    confirmation: DayConfirmation | None
    not_recorded: NotRecordedRange | None

    @property
    def status(self) -> str:
        if self.not_recorded is not None:
            return "not_recorded"
        if self.entries:
            return "entries"
        return "confirmed" if self.confirmation is not None else "unrecorded"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self.status])


def diary_days(child: Child, last: date, days: int = RECENT_DAYS) -> list[DiaryDay]:
    """The `days` days up to `last`, newest first. Three queries: each local day's entries are
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
    return [
        DiaryDay(
            on=on,
            entries=counts[on.isoformat()],
            confirmation=confirmations.get(on),
            not_recorded=next((r for r in ranges if r.started_on <= on <= r.ended_on), None),
        )
        for on in ons
    ]


@dataclass(frozen=True)
class Coverage:
    """Which days from `first` to `last` were confirmed or marked as not recorded, to tell
    each day's status from its count of entries without another query."""

    first: date
    last: date
    confirmed: frozenset[date]
    not_recorded: tuple[tuple[date, date], ...]

    def covers(self, first: date, last: date) -> bool:
        return self.first <= first and last <= self.last

    def marked(self, day: date) -> bool:
        return any(a <= day <= b for a, b in self.not_recorded)

    def recorded(self, day: date, entries: int) -> bool:
        return not self.marked(day) and (entries > 0 or day in self.confirmed)


def load_coverage(child: Child, first: date, last: date) -> Coverage:
    """The confirmations and not-recorded ranges touching `first`..`last`: two queries."""
    confirmed = DayConfirmation.objects.filter(child=child, confirmed_on__range=(first, last))
    ranges = NotRecordedRange.objects.filter(child=child, started_on__lte=last, ended_on__gte=first)
    return Coverage(
        first,
        last,
        frozenset(confirmed.values_list("confirmed_on", flat=True)),
        tuple(ranges.order_by("started_on").values_list("started_on", "ended_on")),
    )


def confirmation_on(child: Child, day: date) -> DayConfirmation | None:
    """The day's confirmation, if given (one indexed query)."""
    return DayConfirmation.objects.filter(child=child, confirmed_on=day).first()


def reminder_due(child: Child, now: datetime) -> bool:
    """Whether it is evening in the child's time zone, when the day's record can be closed."""
    return now.astimezone(child.zone).hour >= EVENING_HOUR
