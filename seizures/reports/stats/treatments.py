"""Each treatment judged the standard way: seizures in the 28 days before it started against
the latest 28 days on it, the percent change, and whether that is a 50% response — only
when both windows are (nearly) fully recorded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings

from caregiver.models import Child
from seizures.coverage import Coverage, load_coverage
from seizures.models import Treatment
from seizures.reports.stats.days import day_rows
from seizures.reports.stats.summary import WINDOW_DAYS

RESPONSE = 0.5  # a 50% drop in seizures per 28 days is a "responder"


# --- Treatments -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Window:
    """28 days; `count` is the seizures on its `recorded` days."""

    first: date
    last: date
    count: int = 0
    recorded: int = 0

    @property
    def per_28_days(self) -> float | None:
        """Seizures per 28 days at the rate of its recorded days (its count when all are)."""
        return self.count / self.recorded * WINDOW_DAYS if self.recorded else None


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
        """The change in seizures per recorded day, to one decimal."""
        if self.missing or not self.before or not self.after or not self.before.count:
            return None
        before, after = self.before.per_28_days, self.after.per_28_days
        return round(100 * (after - before) / before, 1)

    @property
    def responder(self) -> bool | None:
        if self.change_percent is None:
            return None
        return self.after.per_28_days <= self.before.per_28_days * (1 - RESPONSE)


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
    coverage: Coverage | None = None,
) -> list[Effect]:
    """Before-and-after windows for each treatment, counting recorded days only. Days in
    `counted` (seizures per day, from `summarise`) are not counted again, nor is `coverage`
    loaded again when it spans every window: at most four queries (the other days, and
    the windows' confirmations, not-recorded ranges and periods too frequent to count).
    Seizures inside those periods are in neither window's count. `missing` is "before" when the
    diary began less than 28 days before the start, "after" when the treatment has run for
    less than 28 whole days, "incomplete" when a window has fewer recorded days than
    settings.WINDOW_RECORDED_DAYS."""
    planned = [(t, *_windows(t, began_on=began_on, today=today)) for t in treatments]
    windows = {w for _, before, after, _ in planned for w in (before, after) if w is not None}
    counted = dict(counted or {})
    totals: dict[Window, Window] = {}
    if windows:
        first, last = min(w.first for w in windows), max(w.last for w in windows)
        if coverage is None or not coverage.covers(first, last):
            coverage = load_coverage(child, first, last)
        days = {w: [w.first + timedelta(days=n) for n in range(WINDOW_DAYS)] for w in windows}
        if uncounted := sorted({day for window_days in days.values() for day in window_days} - counted.keys()):
            counted |= day_rows(child, uncounted[0], uncounted[-1], excluded=coverage.periods.excluded).counted
        for w, window_days in days.items():
            seen = [day for day in window_days if coverage.recorded(day, counted[day])]
            totals[w] = Window(w.first, w.last, sum(counted[day] for day in seen), len(seen))

    effects = []
    for t, before, after, missing in planned:
        before, after = totals.get(before), totals.get(after)
        if not missing and min(before.recorded, after.recorded) < settings.WINDOW_RECORDED_DAYS:
            missing = "incomplete"
        effects.append(Effect(t, before, after, missing))
    return effects
