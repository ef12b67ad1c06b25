"""Frequency statistics for one child, counted in the database, in the child's time zone.

Plain functions; none loops over episodes in Python. The figures come from two queries
whatever the history (the days, the treatment windows):

- **Days.** Python works out each local midnight of the period with zoneinfo (exact on
  daylight-saving days, and in zones whose clocks change at midnight); one query then
  aggregates every day's half-open range of `started_at` through the index of live episodes
  (a day without seizures returns nothing, so a short history costs little whatever the
  period). Weeks (Monday start), months and the whole period are sums of those days. Not
  `Trunc*(tzinfo=...)`: SQLite has no time zones, so Django calls back into Python for every
  row (about 0.8 s at 100,000 episodes), and on both databases a GROUP BY sorts every row
  where the day ranges walk the index in order.
- **Hours of the week.** Local time is the UTC instant plus the offset in force then: a day
  whose clocks change is queried in two parts, each with its constant offset, and each day
  returns the local hour of each seizure, which Python tallies by weekday. (A query of its
  own grouping by weekday and hour sorted every row again: at 100,000 seizures it cost more
  than the hours added to the days.)
- **Medians.** SQLite has no percentile function, so each day's row carries its known
  durations as an array (only that column); a week's, month's or period's median merges
  those already-fetched lists (a second pass over the table to sort durations costs more
  than the whole page).
"""

from seizures.reports.stats.days import DayRow, day_rows, diary_began_on, offset_changes
from seizures.reports.stats.entries import EntryTimes, entry_times
from seizures.reports.stats.summary import ROLLING, WINDOW_DAYS, Bucket, Stretch, Summary, bucket_start, summarise
from seizures.reports.stats.treatments import RESPONSE, Effect, Window, treatment_effects

__all__ = [
    "RESPONSE",
    "ROLLING",
    "WINDOW_DAYS",
    "Bucket",
    "DayRow",
    "Effect",
    "EntryTimes",
    "Stretch",
    "Summary",
    "Window",
    "bucket_start",
    "day_rows",
    "diary_began_on",
    "entry_times",
    "offset_changes",
    "summarise",
    "treatment_effects",
]
