"""Each treatment judged the standard way: seizures in the 28 days before it started against
the latest 28 days on it, the percent change, and whether that is a 50% response."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from caregiver.models import Child
from seizures.models import Episode, Treatment, local_midnight
from seizures.reports.stats.summary import WINDOW_DAYS

RESPONSE = 0.5  # a 50% drop in seizures per 28 days is a "responder"


# --- Treatments -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Window:
    first: date
    last: date
    count: int = 0


@dataclass(frozen=True)
class Effect:
    """A treatment judged the standard way: seizures in the 28 days before it started against
    the latest 28 days on it (for a stopped treatment, its last 28 days)."""

    treatment: Treatment
    before: Window | None
    after: Window | None
    missing: str  # why there is no comparison ("" when there is one)

    @property
    def change_percent(self) -> float | None:
        if self.missing or not self.before or not self.after or not self.before.count:
            return None
        return round(100 * (self.after.count - self.before.count) / self.before.count, 1)

    @property
    def responder(self) -> bool | None:
        if self.change_percent is None:
            return None
        return self.after.count <= self.before.count * (1 - RESPONSE)


def _windows(treatment: Treatment, *, began_on: date, today: date) -> tuple[Window | None, Window | None, str]:
    start, stop = treatment.started_on, treatment.stopped_on
    # The latest 28 whole days on it (today is not over yet), or its last 28 if it stopped.
    last = stop if stop is not None and stop < today else today - timedelta(days=1)
    # Whether each window fits is asked of differences between dates, and a window's dates
    # are made only when it does: dates typed near year 1 before dates were bounded would
    # otherwise overflow.
    before = None
    if (start - began_on).days >= WINDOW_DAYS:
        before = Window(start - timedelta(days=WINDOW_DAYS), start - timedelta(days=1))
    after = None
    if (last - start).days >= WINDOW_DAYS - 1:
        after = Window(last - timedelta(days=WINDOW_DAYS - 1), last)
    if before is None:
        return None, after, "before"
    if after is None:
        return before, None, "after"
    return before, after, ""


def treatment_effects(
    child: Child,
    treatments: list[Treatment],
    *,
    began_on: date,
    today: date,
    counted: dict[date, int] | None = None,
) -> list[Effect]:
    """Before-and-after windows for each treatment. Windows whose days are all in `counted`
    (seizures per day, from `summarise`) are summed from it; the rest are counted in one
    query, so at most one. `missing` is "before" when the diary began less than 28 days
    before the start, "after" when the treatment has run for less than 28 whole days."""
    planned = [(t, *_windows(t, began_on=began_on, today=today)) for t in treatments]
    windows = {w for _, before, after, _ in planned for w in (before, after) if w is not None}
    counted = counted or {}
    totals = {}
    for w in windows:
        days = [w.first + timedelta(days=n) for n in range(WINDOW_DAYS)]
        if all(day in counted for day in days):
            totals[w] = sum(counted[day] for day in days)
    if uncounted := windows - totals.keys():
        totals |= _count_windows(child, uncounted)

    def counted_window(window: Window | None) -> Window | None:
        return Window(window.first, window.last, totals[window]) if window else None

    return [Effect(t, counted_window(before), counted_window(after), missing) for t, before, after, missing in planned]


def _count_windows(child: Child, windows: set[Window]) -> dict[Window, int]:
    """Seizures in each window: one query, an index range count per window as a scalar
    subquery of the child's own row."""
    zone = child.zone
    names = {w: f"w{n}" for n, w in enumerate(windows)}
    live = Episode.objects.filter(child=OuterRef("pk"), deleted_at__isnull=True).order_by().values("child")
    counts = (
        Child.objects.filter(pk=child.pk)
        .annotate(
            **{
                names[w]: Coalesce(
                    Subquery(
                        live.filter(
                            started_at__gte=local_midnight(w.first, zone),
                            started_at__lt=local_midnight(w.last + timedelta(days=1), zone),
                        )
                        .annotate(n=Count("*"))
                        .values("n")
                    ),
                    0,
                )
                for w in windows
            }
        )
        .values(*names.values())
        .get()
    )
    return {w: counts[name] for w, name in names.items()}
