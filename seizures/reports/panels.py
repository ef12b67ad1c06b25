"""What the chart and report pages show, built from the statistics: for each chart a plotly
figure, a short text summary and a data table (the screen-reader alternative), plus the
treatment before-and-after rows. Plain data in, plain data out: no queries, no request."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from html import escape

from django.utils.dates import MONTHS_3
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from seizures.coverage import Span
from seizures.models import DayNote, Treatment
from seizures.reports import charts
from seizures.reports.periods import Granularity, Period
from seizures.reports.stats import Bucket, Effect, Summary, bucket_start
from seizures.reports.stats.dose_marks import DoseMarks
from seizures.signs import SIGN_KEYS, SIGNS, Onset, SeizureType, Side
from seizures.templatetags.seizures import duration

WEEKDAYS = [
    gettext_lazy("Monday"),
    gettext_lazy("Tuesday"),
    gettext_lazy("Wednesday"),
    gettext_lazy("Thursday"),
    gettext_lazy("Friday"),
    gettext_lazy("Saturday"),
    gettext_lazy("Sunday"),
]


@dataclass(frozen=True)
class Table:
    caption: str
    headers: list[str]
    rows: list[list[str]]

    @property
    def body(self) -> str:
        """The rows as HTML, each led by a row header: built here rather than in the template,
        which takes ten times as long for the thousand cells of a long period. Every cell is
        escaped."""
        rows = (
            f'<tr><th scope="row">{escape(row[0])}</th>{"".join(f"<td>{escape(cell)}</td>" for cell in row[1:])}</tr>'
            for row in self.rows
        )
        return mark_safe("\n".join(rows))


@dataclass(frozen=True)
class Chart:
    key: str  # names the element ids
    title: str
    summary: str
    figure: dict
    table: Table


@dataclass(frozen=True)
class EffectRow:
    label: str
    dates: str
    before: str
    after: str
    change: str
    responder: str
    note: str = ""


@dataclass(frozen=True)
class SignRow:
    label: str
    count: int
    share: str
    sides: str


def day_label(day: date) -> str:
    """5 Mar 2026: what date_format(day, "j M Y") gives, without its cost (the report labels
    a thousand days)."""
    return f"{day.day} {str(MONTHS_3[day.month]).title()} {day.year}"


def period_label(period: Period) -> str:
    if period.start == period.end:
        return day_label(period.start)
    return _("%(start)s to %(end)s") % {"start": day_label(period.start), "end": day_label(period.end)}


def bucket_label(bucket: Bucket, granularity: str) -> str:
    """The bucket's name: 5 Mar 2026, Week of 2 Mar 2026, March 2026. A week or month the
    period cuts says where it is cut, so a short bar is not mistaken for a quiet one."""
    if granularity == Granularity.DAY:
        return day_label(bucket.start)
    if granularity == Granularity.WEEK:
        label = _("Week of %(day)s") % {"day": day_label(bucket.origin)}
        full = bucket.start == bucket.origin and bucket.days == 7
    else:
        label = date_format(bucket.origin, "F Y")
        full = bucket.start == bucket.origin and _is_month_end(bucket.end)
    if full:
        return label
    return _("%(label)s (%(start)s to %(end)s only)") % {
        "label": label,
        "start": date_format(bucket.start, "j M"),
        "end": date_format(bucket.end, "j M"),
    }


def _is_month_end(day: date) -> bool:
    return day.month != date.fromordinal(day.toordinal() + 1).month


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 2)


def _percent(value: float | None) -> str:
    """A share as a whole percentage, rounded once, halves up."""
    return "—" if value is None else f"{math.floor(value + 0.5)}%"


def _number(value: float) -> str:
    return f"{value:,.1f}" if value % 1 else f"{value:,.0f}"


def _share_values(bucket: Bucket) -> dict[str, float | None]:
    """Each sign's share, unrounded: the figure and the text each round it once."""
    shares = {key: bucket.share(n) for key, n in zip(SIGN_KEYS, bucket.signs, strict=True)}
    shares["migrated"] = bucket.share(bucket.migrated)
    return shares


def whole_seconds(median: float) -> int:
    """A median in whole seconds, halves rounded up: the rule the key figures' floatformat
    follows too, so 64.5 s is 1:05 everywhere."""
    return math.floor(median + 0.5)


def recorded_text(bucket: Bucket) -> str:
    """ "N of M days recorded.", which every figure's summary begins with."""
    return ngettext("%(recorded)s of %(n)s day recorded.", "%(recorded)s of %(n)s days recorded.", bucket.days) % {
        "recorded": f"{bucket.recorded:,}",
        "n": f"{bucket.days:,}",
    }


def _with_coverage(whole: Bucket, text: str) -> str:
    return f"{recorded_text(whole)} {text}"


def _maybe(value: float | None) -> str:
    return "—" if value is None else _number(value)


def delay_text(delay: timedelta | None) -> str:
    """A time from a seizure to its entry in words ("2 hours, 5 minutes"); "" when unknown."""
    if delay is None:
        return ""
    if delay < timedelta(minutes=1):
        return _("under a minute")
    base = datetime(2000, 1, 1)
    return timesince(base, base + delay)


def length_text(seconds: int) -> str:
    """A period's length as "5 h 20 min" (whole minutes; under a minute is "0 min")."""
    hours, minutes = divmod(seconds // 60, 60)
    if not hours:
        return _("%(m)s min") % {"m": minutes}
    return _("%(h)s h %(m)s min") % {"h": f"{hours:,}", "m": minutes}


def estimate_text(span: Span) -> str:
    """One period too frequent to count, as reported: "about 300 seizures in 5 h 20 min,
    too frequent to count" or "5 h 20 min too frequent to count, not estimated"."""
    length = length_text(span.seconds)
    if span.ongoing:
        length = _("%(length)s so far") % {"length": length}
    if span.estimate is None:
        return _("%(length)s too frequent to count, not estimated") % {"length": length}
    return ngettext(
        "about %(n)s seizure in %(length)s, too frequent to count",
        "about %(n)s seizures in %(length)s, too frequent to count",
        span.estimate,
    ) % {"n": f"{span.estimate:,}", "length": length}


def uncountable_text(spans: tuple[Span, ...]) -> str:
    """What the chart summaries add about the periods too frequent to count ("" if none)."""
    if not spans:
        return ""
    if len(spans) == 1:
        described = estimate_text(spans[0])
        return _("Also %(described)s: not in the counts and averages above.") % {"described": described}
    estimated = [span.estimate for span in spans if span.estimate is not None]
    words = {
        "n": len(spans),
        "length": length_text(sum(span.seconds for span in spans)),
        "about": f"{sum(estimated):,}",
        "missing": len(spans) - len(estimated),
    }
    if not estimated:
        text = _("Also %(n)s periods too frequent to count (%(length)s in all), not estimated") % words
    elif len(estimated) == len(spans):
        text = _("Also %(n)s periods too frequent to count (%(length)s in all): about %(about)s seizures") % words
    else:
        text = (
            ngettext(
                "Also %(n)s periods too frequent to count (%(length)s in all): about %(about)s seizures, "
                "%(missing)s period not estimated",
                "Also %(n)s periods too frequent to count (%(length)s in all): about %(about)s seizures, "
                "%(missing)s periods not estimated",
                words["missing"],
            )
            % words
        )
    return text + _("; not in the counts and averages above.")


def _touched(summary: Summary, bucket: Bucket) -> bool:
    """Whether a period too frequent to count touches a day of the bucket."""
    touched = summary.coverage.periods.touched
    return any(bucket.start <= day <= bucket.end for day in touched)


def uncountable_bands(summary: Summary) -> list[charts.Band]:
    """The local days each period too frequent to count touches, cut to the period shown."""
    touched = sorted(
        day for day in summary.coverage.periods.touched if summary.period.start <= day <= summary.period.end
    )
    bands: list[charts.Band] = []
    for day in touched:
        if bands and bands[-1].last + timedelta(days=1) == day:
            bands[-1] = charts.Band(bands[-1].label, bands[-1].first, day)
        else:
            bands.append(charts.Band(_("Too frequent to count"), day, day))
    return bands


def _unit(granularity: str) -> str:
    return {Granularity.DAY: _("day"), Granularity.WEEK: _("week"), Granularity.MONTH: _("month")}[granularity]


def _notes_by_bucket(summary: Summary, notes: list[DayNote], dose_texts: dict[date, str]) -> list[str]:
    """Each bucket's day notes and dose marks in a few words ("" for none), for the
    frequency table."""
    origins = {bucket.origin: n for n, bucket in enumerate(summary.buckets)}
    texts: list[list[str]] = [[] for _bucket in summary.buckets]
    for day, text in [*((note.noted_on, note.label) for note in notes), *dose_texts.items()]:
        at = origins.get(bucket_start(day, summary.period.granularity))
        if at is not None:
            prefix = "" if summary.period.granularity == Granularity.DAY else f"{day_label(day)}: "
            texts[at].append(prefix + text)
    return ["; ".join(t) for t in texts]


def _dose_text(doses: DoseMarks, day: date) -> str:
    parts = []
    if missed := doses.missed.get(day):
        parts.append(ngettext("%(n)s dose missed", "%(n)s doses missed", missed) % {"n": missed})
    if extra := doses.extra.get(day):
        parts.append(ngettext("%(n)s extra dose", "%(n)s extra doses", extra) % {"n": extra})
    return ", ".join(parts)


def frequency_chart(
    summary: Summary,
    names: list[str],
    bands: list[charts.Band],
    notes: list[DayNote] | None = None,
    doses: DoseMarks | None = None,
) -> Chart:
    period, buckets, whole = summary.period, summary.buckets, summary.whole
    notes = notes or []
    doses = doses or DoseMarks(Counter(), Counter())
    dose_texts = {day: _dose_text(doses, day) for day in doses.days}
    unit = _unit(period.granularity)
    figure = charts.frequency(
        granularity=period.granularity,
        starts=[b.origin for b in buckets],
        # A bar with no recorded day is a gap, not a zero.
        counts=[b.count if b.recorded else None for b in buckets],
        days=summary.days,
        rolling=summary.rolling,
        bands=bands,
        uncountable=uncountable_bands(summary),
        labels={
            "bars": _("Seizures per %(unit)s") % {"unit": unit},
            "axis": _("Seizures per %(unit)s") % {"unit": unit},
            "rolling7": _("7-day average"),
            "rolling28": _("28-day average"),
            "rolling_axis": _("Average per day"),
            "notes": _("Day notes"),
            "doses": _("Doses missed or extra"),
        },
        markers=[charts.Marker(note.noted_on, f"{day_label(note.noted_on)}: {note.label}") for note in notes],
        dose_marks=[charts.Marker(day, f"{day_label(day)}: {text}") for day, text in dose_texts.items()],
    )
    if whole.count:
        busiest_at = max(range(len(buckets)), key=lambda n: buckets[n].count)
        busiest = buckets[busiest_at]
        text = _(
            "%(total)s on the recorded days: %(per_day)s a recorded day on average (%(per_28)s per 28 days). "
            "Busiest %(unit)s: %(busiest)s, with %(busiest_count)s. %(trend)s"
        ) % {
            "total": ngettext("%(n)s seizure", "%(n)s seizures", whole.count) % {"n": f"{whole.count:,}"},
            "per_day": _number(round(whole.per_day, 1)),
            "per_28": _number(round(summary.per_28_days, 1)),
            "unit": unit,
            "busiest": names[busiest_at],
            "busiest_count": f"{busiest.count:,}",
            "trend": _trend(summary),
        }
    elif whole.recorded:
        text = _("No seizures were logged in this period.")
    else:
        text = _("No day of this period was recorded, so there is nothing to count.")
    if notes:
        text += " " + ngettext(
            "%(n)s day note is marked on the chart.", "%(n)s day notes are marked on the chart.", len(notes)
        ) % {"n": f"{len(notes):,}"}
    if dose_texts:
        missed, extra_doses = sum(doses.missed.values()), sum(doses.extra.values())
        text += " " + _("Doses missed: %(missed)s; extra doses: %(extra)s (crosses on the chart).") % {
            "missed": f"{missed:,}",
            "extra": f"{extra_doses:,}",
        }
    text = _with_coverage(whole, text)
    if extra := uncountable_text(summary.uncountable):
        text = f"{text} {extra}"
    noted = _notes_by_bucket(summary, notes, dose_texts)
    if period.granularity == Granularity.DAY:
        headers = [_("Day"), _("Seizures"), _("7-day average"), _("28-day average"), _("Day notes")]
        rows = [
            [name, _day_cell(summary, b), _maybe(r7), _maybe(r28), note]
            for name, b, r7, r28, note in zip(
                names, buckets, summary.rolling[7], summary.rolling[28], noted, strict=True
            )
        ]
    else:
        headers = [_("Period"), _("Days recorded"), _("Seizures"), _("Average per recorded day"), _("Day notes")]
        rows = [
            [
                name,
                _("%(recorded)s of %(n)s") % {"recorded": b.recorded, "n": b.days},
                _day_cell(summary, b),
                _maybe(None if b.per_day is None else round(b.per_day, 1)),
                note,
            ]
            for name, b, note in zip(names, buckets, noted, strict=True)
        ]
    return Chart(
        "frequency",
        _("How often"),
        text,
        figure,
        Table(_("Seizures per %(unit)s") % {"unit": unit}, headers, rows),
    )


def _day_cell(summary: Summary, bucket: Bucket) -> str:
    """A bar's count in the table; a bar a period too frequent to count touches says so."""
    if not bucket.recorded:
        return _("not recorded")
    if _touched(summary, bucket):
        return _("%(n)s, plus a period too frequent to count") % {"n": f"{bucket.count:,}"}
    return f"{bucket.count:,}"


def _trend(summary: Summary) -> str:
    """How the 28-day average moved, from its first value that has a recorded day. A first
    average over fewer than 28 days (the diary began less than 28 days before) says so."""
    values = [(n, v) for n, v in enumerate(summary.rolling[28]) if v is not None]
    if not values:
        return ""
    (first_at, first), (_last_at, last) = values[0], values[-1]
    span = summary.rolling_days[28][first_at]
    words = {"first": _number(first), "last": _number(last), "n": span}
    if span < 28:
        return (
            ngettext(
                "The average went from %(first)s a day (over the diary’s first %(n)s day) to %(last)s a day "
                "(over 28 days).",
                "The average went from %(first)s a day (over the diary’s first %(n)s days) to %(last)s a day "
                "(over 28 days).",
                span,
            )
            % words
        )
    return _("The 28-day average went from %(first)s to %(last)s a day.") % words


def onset_parts(counts: dict[str, int]) -> list[str]:
    """ "awake 12 (40%)" for each onset state, in the choices' order; shares of all seizures."""
    total = sum(counts.values())
    labels = dict(Onset.choices)
    return [
        f"{str(labels[key]).lower()} {n:,} ({_percent(100 * n / total if total else None)})"
        for key, n in counts.items()
    ]


def type_parts(counts: dict[str, int]) -> list[str]:
    """ "focal motor 12" for each seizure type given at least once, in the choices' order."""
    return [f"{str(SeizureType(key).label).lower()} {n:,}" for key, n in counts.items() if n]


def onset_chart(summary: Summary, names: list[str]) -> Chart:
    period, buckets, whole = summary.period, summary.buckets, summary.whole
    labels = dict(Onset.choices)
    keys = list(summary.onset_counts)
    figure = charts.onsets(
        granularity=period.granularity,
        starts=[b.origin for b in buckets],
        counts={key: [b.onsets[n] if b.recorded else None for b in buckets] for n, key in enumerate(keys)},
        labels={key: str(labels[key]) for key in keys} | {"axis": _("Seizures")},
    )
    if whole.count:
        text = _("When each seizure began, the child was: %(parts)s.") % {
            "parts": ", ".join(onset_parts(summary.onset_counts))
        }
    elif whole.recorded:
        text = _("No seizures were logged in this period.")
    else:
        text = _("No day of this period was recorded, so there is nothing to count.")
    text = _with_coverage(whole, text)
    rows = [
        [name, *(f"{n:,}" if b.recorded else _("not recorded") for n in b.onsets)]
        for name, b in zip(names, buckets, strict=True)
    ]
    return Chart(
        "onset",
        _("Awake or asleep"),
        text,
        figure,
        Table(
            _("Seizures by what the child was doing as each began"),
            [_("Period"), *(str(labels[key]) for key in keys)],
            rows,
        ),
    )


def duration_chart(summary: Summary, names: list[str]) -> Chart:
    period, buckets, whole = summary.period, summary.buckets, summary.whole
    figure = charts.durations(
        granularity=period.granularity,
        starts=[b.origin for b in buckets],
        median=[_minutes(b.median) for b in buckets],
        longest=[_minutes(b.longest) for b in buckets],
        labels={"median": _("Median"), "longest": _("Longest"), "axis": _("Minutes")},
    )
    if whole.known:
        text = _(
            "Median %(median)s, longest %(longest)s (minutes:seconds), over the %(known)s with a known duration."
        ) % {
            "median": duration(whole_seconds(whole.median)),
            "longest": duration(whole.longest),
            "known": ngettext("%(n)s seizure", "%(n)s seizures", whole.known) % {"n": f"{whole.known:,}"},
        }
        if summary.unknown_duration:
            text += " " + ngettext(
                "%(n)s had no duration recorded.", "%(n)s had no duration recorded.", summary.unknown_duration
            ) % {"n": f"{summary.unknown_duration:,}"}
    else:
        text = _("No durations were recorded in this period.")
    text = _with_coverage(whole, text)
    rows = [
        [
            name,
            duration(whole_seconds(b.median)) if b.median is not None else "—",
            duration(b.longest) if b.longest is not None else "—",
            f"{b.known:,}",
        ]
        for name, b in zip(names, buckets, strict=True)
    ]
    return Chart(
        "duration",
        _("How long"),
        text,
        figure,
        Table(
            _("Seizure duration (minutes:seconds)"),
            [_("Period"), _("Median"), _("Longest"), _("With a known duration")],
            rows,
        ),
    )


def burden_chart(summary: Summary, names: list[str]) -> Chart:
    period, buckets, whole = summary.period, summary.buckets, summary.whole
    figure = charts.burden(
        granularity=period.granularity,
        starts=[b.origin for b in buckets],
        minutes_per_day=[None if b.burden_minutes is None else round(b.burden_minutes, 2) for b in buckets],
        labels={"bars": _("Minutes seizing per day"), "axis": _("Minutes per day")},
    )
    if whole.burden_minutes is None:
        text = _("No day of this period was recorded, so there is nothing to count.")
    else:
        text = _(
            "%(minutes)s minutes spent seizing per recorded day on average, counting the %(known)s with a known "
            "duration."
        ) % {
            "minutes": _number(round(whole.burden_minutes, 1)),
            "known": ngettext("%(n)s seizure", "%(n)s seizures", whole.known) % {"n": f"{whole.known:,}"},
        }
        if summary.unknown_duration:
            text += " " + _("%(n)s without one are not counted.") % {"n": f"{summary.unknown_duration:,}"}
    text = _with_coverage(whole, text)
    rows = [
        [name, _maybe(None if b.burden_minutes is None else round(b.burden_minutes, 1)), f"{b.known:,}"]
        for name, b in zip(names, buckets, strict=True)
    ]
    return Chart(
        "burden",
        _("Seizure burden"),
        text,
        figure,
        Table(
            _("Minutes spent seizing per day"),
            [_("Period"), _("Minutes per day"), _("Seizures with a known duration")],
            rows,
        ),
    )


def signs_chart(summary: Summary, names: list[str]) -> Chart:
    period, buckets, whole = summary.period, summary.buckets, summary.whole
    labels = {sign.key: str(sign.short_label) for sign in SIGNS} | {"migrated": _("Migrated")}
    per_bucket = [_share_values(b) for b in buckets]
    figure = charts.signs(
        granularity=period.granularity,
        starts=[b.origin for b in buckets],
        shares={
            key: [None if shares[key] is None else round(shares[key], 1) for shares in per_bucket] for key in labels
        },
        labels=labels | {"axis": _("Share of seizures")},
    )
    if whole.detailed:
        overall = _share_values(whole)
        ranked = sorted((key for key in SIGN_KEYS if overall[key]), key=lambda key: overall[key], reverse=True)[:3]
        text = _("Most often seen: %(signs)s. %(migrated)s migrated. Shares are of the %(detailed)s") % {
            "signs": ", ".join(f"{labels[key].lower()} {_percent(overall[key])}" for key in ranked) or _("none"),
            "migrated": _percent(overall["migrated"]),
            "detailed": ngettext(
                "%(n)s seizure logged with the checklist.", "%(n)s seizures logged with the checklist.", whole.detailed
            )
            % {"n": f"{whole.detailed:,}"},
        }
        bare = whole.count - whole.detailed
        if bare:
            text += " " + ngettext(
                "%(n)s “+1” tap without details is left out.", "%(n)s “+1” taps without details are left out.", bare
            ) % {"n": f"{bare:,}"}
    else:
        text = _("No seizures were logged with the checklist in this period.")
    text = _with_coverage(whole, text)
    keys = list(labels)
    rows = [
        [name, f"{b.detailed:,}", *(_percent(shares[key]) for key in keys)]
        for name, b, shares in zip(names, buckets, per_bucket, strict=True)
    ]
    return Chart(
        "signs",
        _("Signs seen"),
        text,
        figure,
        Table(
            _("Share of seizures showing each sign"),
            [_("Period"), _("Logged with the checklist"), *(labels[key] for key in keys)],
            rows,
        ),
    )


def time_of_day_chart(summary: Summary) -> Chart:
    hours = summary.hours
    weekdays = [str(day) for day in WEEKDAYS]
    figure = charts.time_of_day(counts=hours, weekdays=weekdays, labels={"count": _("Seizures")})
    total = sum(map(sum, hours))
    if total:
        by_hour = [sum(day[h] for day in hours) for h in range(24)]
        peak = max(range(24), key=by_hour.__getitem__)
        busiest_day = max(range(7), key=lambda d: sum(hours[d]))
        text = _(
            "Most began between %(start)02d:00 and %(end)02d:00 (%(n)s); the busiest day of the week was %(day)s. "
            "Darker squares had more seizures, the darkest %(most)s."
        ) % {
            "start": peak,
            "end": (peak + 1) % 24,
            "n": f"{by_hour[peak]:,}",
            "day": weekdays[busiest_day],
            "most": f"{max(map(max, hours)):,}",
        }
    else:
        text = _("No seizures were logged in this period.")
    text = _with_coverage(summary.whole, text)
    rows = [[charts.HOURS[h], *(f"{hours[d][h]:,}" for d in range(7))] for h in range(24)]
    return Chart(
        "time-of-day",
        _("Time of day"),
        text,
        figure,
        Table(_("Seizures by hour and day of the week"), [_("Hour"), *weekdays], rows),
    )


def bands(treatments: list[Treatment], period: Period) -> list[charts.Band]:
    """The treatments given during the period, cut to it."""
    out = []
    for t in treatments:
        last = min(t.stopped_on or period.end, period.end)
        first = max(t.started_on, period.start)
        if first <= last:
            out.append(charts.Band(t.label, first, last))
    return out


def all_charts(
    summary: Summary, treatments: list[Treatment], notes: list[DayNote] | None = None, doses: DoseMarks | None = None
) -> list[Chart]:
    names = [bucket_label(bucket, summary.period.granularity) for bucket in summary.buckets]
    return [
        frequency_chart(summary, names, bands(treatments, summary.period), notes, doses),
        duration_chart(summary, names),
        burden_chart(summary, names),
        signs_chart(summary, names),
        onset_chart(summary, names),
        time_of_day_chart(summary),
    ]


def effect_rows(effects: list[Effect]) -> list[EffectRow]:
    rows = []
    for effect in effects:
        t = effect.treatment
        dates = day_label(t.started_on) + " – " + (day_label(t.stopped_on) if t.stopped_on else _("ongoing"))
        before = f"{effect.before.count:,}" if effect.before else "—"
        after = f"{effect.after.count:,}" if effect.after else "—"
        if effect.missing == "before":
            note = _("Not enough data: the diary began less than 28 days before this started.")
        elif effect.missing == "after":
            note = _("Not enough data: fewer than 28 whole days on it so far.")
        elif effect.missing == "incomplete":
            short = min((effect.before, effect.after), key=lambda window: window.recorded)
            note = _("Diary incomplete (%(recorded)s of 28 days recorded), so no percent change or verdict.") % {
                "recorded": short.recorded
            }
        elif effect.change_percent is None:
            note = _("No seizures in the 28 days before, so no percent change.")
        else:
            note = ""
        change = "—" if effect.change_percent is None else f"{effect.change_percent:+.1f}%"
        responder = {None: "—", True: _("Yes"), False: _("No")}[effect.responder]
        rows.append(EffectRow(t.label, dates, before, after, change, responder, note))
    return rows


def uncountable_rows(summary: Summary, zone) -> list[tuple[str, str]]:
    """For the report: each period too frequent to count, its local times and its estimate."""
    rows = []
    for span in summary.uncountable:
        start = span.start.astimezone(zone)
        when = f"{day_label(start.date())} {start:%H:%M} – "
        if span.ongoing:
            when += _("going on")
        else:
            end = span.end.astimezone(zone)
            when += f"{end:%H:%M}" if end.date() == start.date() else f"{day_label(end.date())} {end:%H:%M}"
        rows.append((when, estimate_text(span)))
    return rows


def sign_rows(summary: Summary) -> list[SignRow]:
    """For the report: each sign's count and share of detailed seizures, with its sides."""
    whole, sides = summary.whole, summary.sides or {}
    side_labels = dict(Side.choices)
    rows = []
    for sign, count in zip(SIGNS, whole.signs, strict=True):
        split = ""
        if sign.key in sides and count:
            split = ", ".join(
                f"{str(side_labels[side]).lower()} {n * 100 / count:.0f}%" for side, n in sides[sign.key].items() if n
            )
        rows.append(SignRow(str(sign.label), count, _percent(whole.share(count)), split))
    rows.append(SignRow(_("Migrated during the seizure"), whole.migrated, _percent(whole.share(whole.migrated)), ""))
    return rows


@dataclass(frozen=True)
class TypeRow:
    label: str
    count: int
    share: str


def type_rows(summary: Summary) -> list[TypeRow]:
    """For the report: how many seizures of the recorded days had each type, with the share
    of those given a type, and how many had none given."""
    counts = summary.type_counts
    typed = sum(counts.values())
    rows = [
        TypeRow(str(SeizureType(key).label), n, _percent(100 * n / typed if typed else None))
        for key, n in counts.items()
    ]
    rows.append(TypeRow(_("No type given"), summary.whole.count - typed, "—"))
    return rows
