"""The reads the seizure pages and the outbox endpoint share. One child at a time, live
episodes only, each a fixed number of indexed queries whatever the history."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.shortcuts import get_object_or_404

from caregiver.models import Child
from seizures.models import MAX_DURATION, Episode
from seizures.plan_models import ActionPlan, RescueMedicine


def last_seizure(child: Child) -> Episode | None:
    """The child's latest live seizure that has ended (one indexed query; no join, or SQLite
    sorts the whole history instead of reading the index)."""
    return Episode.objects.for_child(child).live().filter(in_progress=False).newest_first().first()


def live_episode(child: Child, episode_id: UUID) -> Episode:
    """One of the child's episodes that is not deleted, for reading; 404 otherwise."""
    return get_object_or_404(Episode.objects.for_child(child).live().select_related("logged_by"), public_id=episode_id)


# The page knows this many recent taps, so "undo last" keeps working while offline.
RECENT_TAPS = 10


def recent_taps(child: Child, now: datetime) -> list[Episode]:
    """The child's newest live "+1" taps of the last day, newest first (one query)."""
    return list(
        Episode.objects.for_child(child)
        .live()
        .tallies()
        .filter(started_at__gte=now - MAX_DURATION)
        .newest_first()[:RECENT_TAPS]
    )


def tally_state(taps: list[Episode], today_count: int, now: datetime) -> dict:
    """What the page's script needs to count taps still on the phone and to undo offline."""
    return {
        "today_count": today_count,
        "server_now": now.isoformat(),
        "taps": [{"client_uuid": str(tap.client_uuid), "started_at": tap.started_at.isoformat()} for tap in taps],
    }


def today_count(child: Child, now: datetime) -> int:
    return Episode.objects.for_child(child).live().on_day(child.today(now), child.zone).count()


def current_plan(child: Child) -> tuple[ActionPlan | None, list[RescueMedicine]]:
    """The child's newest action plan version and its rescue medicines. Two queries at most."""
    plan = ActionPlan.objects.for_child(child).select_related("saved_by").newest_first().first()
    return plan, (list(plan.medicines.all()) if plan is not None else [])
