"""The period and granularity a chart, report or export covers, read from the query string.

A period is a run of whole local days, first and last included. Presets end today; "all"
begins the day the diary began. A period never starts before the diary began: those days
are unknown, not seizure-free, so counting them as zero would flatter every figure.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from caregiver.forms import DateInput
from seizures.models import local_midnight


class Preset(models.TextChoices):
    DAYS_30 = "30d", _("30 days")
    DAYS_90 = "90d", _("90 days")
    YEAR = "1y", _("1 year")
    ALL = "all", _("All")
    CUSTOM = "custom", _("Custom dates")


class Granularity(models.TextChoices):
    DAY = "day", _("Day")
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")


PRESET_DAYS = {Preset.DAYS_30: 30, Preset.DAYS_90: 90, Preset.YEAR: 365}
DEFAULT_PRESET = Preset.DAYS_90
# A chart's cost grows with its days and its size with its bars: a diary begun in 1900 asked
# per day took 19 s and 18 MB. A phone cannot show more bars than this anyway.
MAX_BUCKETS = 400
MAX_YEARS = 30
MAX_DAYS = MAX_YEARS * 365 + MAX_YEARS // 4  # 30 years of months is 361 bars


def default_granularity(days: int) -> str:
    """Bars a phone can show: days up to three months, weeks up to a year, then months."""
    if days <= 92:
        return Granularity.DAY
    if days <= 366:
        return Granularity.WEEK
    return Granularity.MONTH


def bucket_count(start: date, end: date, granularity: str) -> int:
    """Bars from `start` to `end`: days, Monday-to-Sunday weeks or calendar months touched."""
    if granularity == Granularity.DAY:
        return (end - start).days + 1
    if granularity == Granularity.WEEK:
        return (end - (start - timedelta(days=start.weekday()))).days // 7 + 1
    return (end.year - start.year) * 12 + end.month - start.month + 1


@dataclass(frozen=True)
class Period:
    preset: str
    start: date
    end: date
    granularity: str
    # The start asked for, when it fell before the diary began and was moved to that day.
    clipped_from: date | None = None
    # For charts, the start asked for when the period was longer than MAX_DAYS, and the
    # granularity asked for when it would have made more than MAX_BUCKETS bars.
    capped_from: date | None = None
    coarsened_from: str = ""

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """The period as a half-open range of instants: its first local midnight to the one
        after its last day."""
        return local_midnight(self.start, zone), local_midnight(self.end + timedelta(days=1), zone)

    @property
    def granularity_label(self) -> str:
        return Granularity(self.granularity).label

    @property
    def coarsened_from_label(self) -> str:
        return Granularity(self.coarsened_from).label if self.coarsened_from else ""

    def fits(self, granularity: str) -> bool:
        return bucket_count(self.start, self.end, granularity) <= MAX_BUCKETS

    def for_charts(self) -> Period:
        """This period as a chart can show it: its latest MAX_DAYS at most, per day, week or
        month as asked, or the finest of those that keeps within MAX_BUCKETS bars."""
        period = self
        if self.days > MAX_DAYS:
            period = replace(self, start=self.end - timedelta(days=MAX_DAYS - 1), capped_from=self.start)
        choices = Granularity.values[Granularity.values.index(self.granularity) :]
        granularity = next((key for key in choices if period.fits(key)), Granularity.MONTH)
        if granularity != self.granularity:
            period = replace(period, granularity=granularity, coarsened_from=self.granularity)
        return period

    def query(self, **changes: str) -> dict[str, str]:
        """The query string that asks for this period again, with `changes` applied."""
        params = {"period": self.preset, "by": self.granularity}
        if self.preset == Preset.CUSTOM:
            params |= {"start": self.start.isoformat(), "end": self.end.isoformat()}
        return params | changes


class PeriodForm(forms.Form):
    """Reads ?period=&start=&end=&by=. Every field is optional: a bare URL shows the default
    period. Custom dates are checked here, so a bad date is a message, never a 500."""

    period = forms.ChoiceField(label=_("Period"), choices=Preset.choices, required=False)
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())
    by = forms.ChoiceField(label=_("Show per"), choices=[("", _("Automatic")), *Granularity.choices], required=False)

    def __init__(self, data=None, *, today: date, began_on: date, initial: dict | None = None) -> None:
        super().__init__(data, initial=initial)
        self.today = today
        self.began_on = began_on

    @property
    def date_fields(self) -> list[tuple[forms.BoundField, str | None]]:
        """The custom dates, each with its value as its date input writes it (the text typed,
        when it was not a date)."""
        return [(field, field.field.widget.format_value(field.value())) for field in (self["start"], self["end"])]

    @property
    def by_shown(self) -> str:
        """The granularity option to mark selected ("" for automatic)."""
        return str(self["by"].value() or "")

    def clean(self) -> dict:
        data = super().clean()
        preset = data.get("period") or ""
        start, end = data.get("start"), data.get("end")
        if not preset:
            # The custom-dates form may arrive without its hidden field (a hand-typed URL).
            preset = Preset.CUSTOM if (start or end) else DEFAULT_PRESET
        data["period"] = preset
        if preset != Preset.CUSTOM or self.errors:
            return data
        if start is None or end is None:
            raise forms.ValidationError(_("Give both a start and an end date."), code="incomplete")
        if start > end:
            raise forms.ValidationError(_("The start date must be on or before the end date."), code="order")
        if end > self.today:
            self.add_error("end", _("The end date cannot be after today."))
        elif end < self.began_on:
            raise forms.ValidationError(
                _("The diary begins on %(day)s; choose dates from then on."),
                code="before-diary",
                params={"day": date_format(self.began_on, "j F Y")},
            )
        return data

    def resolve(self) -> Period:
        """The period asked for; call only once the form is valid."""
        data = self.cleaned_data
        preset = data["period"]
        if preset == Preset.CUSTOM:
            start, end = data["start"], data["end"]
        elif preset == Preset.ALL:
            start, end = self.began_on, self.today
        else:
            start, end = self.today - timedelta(days=PRESET_DAYS[preset] - 1), self.today
        clipped_from = None
        if start < self.began_on:
            start, clipped_from = self.began_on, start
        granularity = data.get("by") or default_granularity((end - start).days + 1)
        return Period(preset, start, end, granularity, clipped_from)
