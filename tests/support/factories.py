"""Plain factories for seizure records."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone

from caregiver.models import Child, User
from seizures.models import DayNote, DayNoteKind, Episode, NotRecordedRange, Treatment, TreatmentKind


def make_episode(child: Child, started_at: datetime | None = None, **fields) -> Episode:
    fields.setdefault("duration_seconds", 90)
    episode = Episode(child=child, started_at=started_at or timezone.now() - timedelta(hours=1), **fields)
    episode.save()
    return episode


def make_episodes(child: Child, count: int, *, end: datetime | None = None, spacing=timedelta(minutes=17)) -> None:
    """`count` episodes, one every `spacing` back from `end`, in one insert."""
    end = end or timezone.now() - timedelta(minutes=1)
    episodes = []
    for n in range(count):
        episode = Episode(
            child=child,
            started_at=end - n * spacing,
            duration_seconds=30 + n % 200,
            apnea=n % 2 == 0,
            jerking=n % 3 == 0,
            jerking_side="left" if n % 3 == 0 else "",
            jerking_limb="arm" if n % 3 == 0 else "",
            path=[{"region": "left_arm", "at_seconds": 0}, {"region": "right_leg", "at_seconds": 20}]
            if n % 5 == 0
            else [],
            is_tally=n % 7 == 0,
        )
        episode.sync_path()
        episodes.append(episode)
    Episode.objects.bulk_create(episodes, batch_size=1000)


def make_treatment(child: Child, kind: str = TreatmentKind.QUINIDINE, **fields) -> Treatment:
    fields.setdefault("started_on", date(2026, 4, 1))
    return Treatment.objects.create(child=child, kind=kind, **fields)


def sweep_episode(child: Child, user: User):
    return make_episode(child, logged_by=user, in_progress=True, duration_seconds=None,
                        started_at=timezone.now() - timedelta(seconds=30)).public_id  # fmt: skip


def sweep_treatment(child: Child, user: User):
    return make_treatment(child).public_id


def sweep_not_recorded(child: Child, user: User):
    return NotRecordedRange.objects.create(
        child=child, started_on=date(2026, 4, 1), ended_on=date(2026, 4, 3), created_by=user
    ).public_id


def make_day_note(child: Child, noted_on: date, kind: str = DayNoteKind.ILLNESS, **fields) -> DayNote:
    return DayNote.objects.create(child=child, noted_on=noted_on, kind=kind, **fields)


def sweep_day_note(child: Child, user: User):
    return make_day_note(child, date(2026, 4, 2), created_by=user).public_id
