"""The episode timeline: grouped by day in the child's time zone, newest first, loaded a
page at a time as the reader scrolls. Pages are found by keyset (start time, public id), not
OFFSET, so page 2,000 of a 100,000-seizure history costs what page 1 costs."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import groupby
from urllib.parse import urlencode
from uuid import UUID

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from caregiver import bounds
from caregiver.access import AuthedRequest, child_for
from caregiver.audit import record_clinician_view
from caregiver.models import Child
from caregiver.pwa import offline_page
from seizures.coverage import load_periods
from seizures.models import Episode, EpisodeQuerySet, local_midnight
from seizures.reports.panels import estimate_text
from seizures.signs import SIGNS
from seizures.views.common import logging_config

PAGE_SIZE = 50
FILTERS = [(sign.key, sign.label) for sign in SIGNS] + [("migrated", _("Migrated"))]
FILTER_KEYS = {key for key, _label in FILTERS}


def _cursor(value: str) -> tuple[datetime, UUID] | None:
    """`<ISO start>~<public id>` of the last episode shown; None when absent, unreadable or
    outside the diary's dates (the timeline then starts from the newest, which is always a
    safe answer)."""
    start_text, _sep, id_text = value.partition("~")
    try:
        start, public_id = parse_datetime(start_text), UUID(id_text)
    except ValueError:
        return None
    if start is None or start.tzinfo is None or (start := bounds.bounded_instant(start)) is None:
        return None
    return start, public_id


def filtered(child: Child, key: str) -> EpisodeQuerySet:
    episodes = Episode.objects.for_child(child).live()
    if key == "migrated":
        return episodes.filter(migrated=True)
    if key:
        return episodes.with_sign(key)
    return episodes


def timeline_page(child: Child, key: str, cursor: tuple[datetime, UUID] | None) -> dict:
    """One page of days: three queries (the episodes, the full counts of their days, and
    the periods too frequent to count on them)."""
    zone = child.zone
    episodes = filtered(child, key)
    page = episodes
    if cursor is not None:
        start, public_id = cursor
        # "Before (start, id)", written so the database gets a range bound on started_at to seek
        # to: with only the OR, PostgreSQL walks the index from the newest row down.
        page = page.filter(started_at__lte=start).filter(Q(started_at__lt=start) | Q(public_id__lt=public_id))
    rows = list(page.select_related("logged_by").newest_first()[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    for episode in rows:
        episode.local_day = episode.started_at.astimezone(zone).date()
    counts: dict = {}
    if rows:
        first_day, last_day = rows[-1].local_day, rows[0].local_day
        # Counted over whole local days, so a day split across two pages shows its true total.
        counts = dict(
            episodes.filter(
                started_at__gte=local_midnight(first_day, zone),
                started_at__lt=local_midnight(last_day + timedelta(days=1), zone),
            )
            .annotate(day=TruncDate("started_at", tzinfo=zone))
            .values("day")
            .annotate(n=Count("pk"))
            .values_list("day", "n")
        )
    continued_day = cursor[0].astimezone(zone).date() if cursor else None
    days = [
        {"day": day, "count": counts.get(day, 0), "episodes": list(items), "continued": day == continued_day}
        for day, items in groupby(rows, key=lambda e: e.local_day)
    ]
    days = _with_uncountable(child, key, days, cursor_day=continued_day, oldest=rows[-1].local_day if more else None)
    next_query = ""
    if more:
        last = rows[-1]
        params = {"before": f"{last.started_at.isoformat()}~{last.public_id}"}
        if key:
            params["sign"] = key
        next_query = urlencode(params)
    return {"days": days, "next_query": next_query}


def _with_uncountable(child: Child, key: str, days: list[dict], *, cursor_day, oldest) -> list[dict]:
    """The periods too frequent to count, listed under each day they touch. Unfiltered, the
    page also covers the days it spans that have no single entry (a day spent in a period may
    have none): from the day before the previous page's last (or today) down to this page's
    last day (or, on the last page, the child's birth). One query."""
    zone = child.zone
    if key:
        if not days:
            return days
        first, last = days[-1]["day"], days[0]["day"]
    else:
        last = cursor_day - timedelta(days=1) if cursor_day else child.today()
        first = oldest or min(child.born_on, last)
        if days:
            first, last = min(first, days[-1]["day"]), max(last, days[0]["day"])
    periods = load_periods(child, first, last)
    if not key:
        shown = {day["day"] for day in days}
        days = days + [
            {"day": day, "count": 0, "episodes": [], "continued": False}
            for day in periods.touched
            if day not in shown and first <= day <= last
        ]
        days.sort(key=lambda day: day["day"], reverse=True)
    words = [(span, estimate_text(span)) for span in periods.spans]
    for day in days:
        start, end = local_midnight(day["day"], zone), local_midnight(day["day"] + timedelta(days=1), zone)
        day["uncountable"] = [(span, text) for span, text in words if span.start < end and span.end > start]
    return days


@require_GET
@offline_page(query=("saved",))
def timeline(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    """Any member. Three queries after `child_for` for any page, whatever the history; an htmx
    request (scrolling) gets just the next page."""
    child = child_for(request, child_id)
    key = request.GET.get("sign", "")
    key = key if key in FILTER_KEYS else ""
    cursor = _cursor(request.GET.get("before", ""))
    context = {
        "child": child,
        "can_write": child.membership.can_write,
        "filters": FILTERS,
        "sign": key,
        "logging": logging_config(child),
        **timeline_page(child, key, cursor),
    }
    seen = "Viewed the seizure timeline"
    if cursor is not None:  # a later page: which seizures it showed
        seen += f", seizures before {cursor[0].astimezone(child.zone):%Y-%m-%d %H:%M}"
    record_clinician_view(request, child, seen, obj=child)
    if request.htmx:
        return render(request, "seizures/timeline.html#page", context)
    deleted = _deleted_banner(child, request.GET.get("deleted", ""))
    saved = request.GET.get("saved", "")
    return render(request, "seizures/timeline.html", context | {"just_deleted": deleted, "saved": saved})


def _deleted_banner(child: Child, value: str) -> Episode | None:
    """The episode just deleted (for "Deleted — Undo" after a delete without JavaScript)."""
    try:
        public_id = UUID(value)
    except ValueError:
        return None
    return Episode.objects.for_child(child).deleted().restorable().filter(public_id=public_id).first()
