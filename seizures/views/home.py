"""The child's home page: Seizure now, the +1 tally, today's count, what is happening now."""

from __future__ import annotations

import uuid
from datetime import timedelta
from uuid import UUID

from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from caregiver import audit
from caregiver.access import AuthedRequest, child_for
from caregiver.models import Child
from caregiver.pwa import offline_page
from seizures import dues
from seizures.models import MAX_DURATION, Episode, Treatment, UncountablePeriod, day_bounds
from seizures.queries import last_seizure, recent_taps, tally_state
from seizures.views.common import logging_config
from seizures.views.days import day_status_context

# Home polls its live part this often, so a second caregiver sees a seizure start.
POLL_SECONDS = 15
# A clinician's reading of the page (which polls itself) is recorded once in this window.
HOME_VIEW_WINDOW = timedelta(minutes=30)


def live_context(child: Child) -> dict:
    """What changes minute to minute: seizures being timed, today's count, the cluster alert,
    the tap "undo last" would remove. Three queries whatever the history."""
    now = timezone.now()
    zone = child.zone
    today = child.today(now)
    midnight, next_midnight = day_bounds(today, zone)
    episodes = Episode.objects.for_child(child).live()
    in_progress = list(
        episodes.in_progress().filter(started_at__gte=now - MAX_DURATION).select_related("logged_by").newest_first()[:3]
    )
    window_start = midnight
    counts = {"today": Count("pk", filter=Q(started_at__gte=midnight, started_at__lt=next_midnight))}
    watching_clusters = bool(child.cluster_alert_count and child.cluster_alert_hours)
    if watching_clusters:
        cluster_since = now - timedelta(hours=child.cluster_alert_hours)
        window_start = min(midnight, cluster_since)
        counts["recent"] = Count("pk", filter=Q(started_at__gte=cluster_since))
    # One pass over the index for both counts.
    counted = episodes.filter(started_at__gte=window_start).aggregate(**counts)
    taps = recent_taps(child, now)
    recent = counted.get("recent", 0)
    return {
        "now": now,
        "today": today,
        "today_count": counted["today"],
        "in_progress": in_progress,
        "cluster_alert": watching_clusters and recent >= child.cluster_alert_count,
        "cluster_recent": recent,
        "last_tap": taps[0] if taps else None,
        "tally_state": tally_state(taps, counted["today"], now),
        "poll_seconds": POLL_SECONDS,
    }


def home_context(child: Child) -> dict:
    context = live_context(child)
    context.update(
        child=child,
        can_write=child.membership.can_write,
        last_episode=last_seizure(child),
        treatments=list(Treatment.objects.for_child(child).ongoing(context["today"]).order_by("started_on")),
        # A fresh key per page view: a repeated submit of this page's forms saves once.
        start_uuid=uuid.uuid4(),
        tally_uuid=uuid.uuid4(),
        uncountable_uuid=uuid.uuid4(),
        end_uuid=uuid.uuid4(),
        open_period=UncountablePeriod.objects.for_child(child).open().first(),
        logging=logging_config(child),
        due=dues.due_list(child, context["now"]),
    )
    context.update(day_status_context(child, context["today_count"]))
    return context


@require_GET
@offline_page(start=True)
def child_home(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    """Any member. Seven queries after `child_for`, whatever the history; an htmx request
    (the page polls it) gets only the live part, in three."""
    """Any member. Nine queries after `child_for` (three of them the due medicines), whatever
    the history; an htmx request (the page polls it) gets only the live part, in three."""
    child = child_for(request, child_id)
    audit.record_clinician_view(request, child, "Viewed the child's page", obj=child, once_within=HOME_VIEW_WINDOW)
    if request.htmx:
        context = live_context(child) | {"child": child, "can_write": child.membership.can_write}
        return render(request, "seizures/home.html#live", context)
    return render(request, "seizures/home.html", home_context(child))
