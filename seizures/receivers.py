"""What `seizures` adds to the caregiver app's hooks: the data export and the demo history."""

from __future__ import annotations

from caregiver.models import Child, User
from seizures.demo import seed_history
from seizures.models import DayConfirmation, DayNote, Episode, NotRecordedRange, Treatment
from seizures.signs import OBSERVATION_KEYS, SIGNS


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def episode_record(episode: Episode) -> dict:
    signs = {}
    for sign in SIGNS:
        signs[sign.key] = getattr(episode, sign.key)
        for name in (sign.side_field, sign.limb_field):
            if name:
                signs[name] = getattr(episode, name) or None
    return {
        "id": str(episode.public_id),
        "started_at": _iso(episode.started_at),
        "duration_seconds": episode.duration_seconds,
        "in_progress": episode.in_progress,
        "signs": signs,
        "observations": {key: getattr(episode, key) for key in OBSERVATION_KEYS}
        | {"colour_change": episode.colour_change or None},
        "onset": episode.onset,
        "seizure_type": episode.seizure_type or None,
        "migration_path": episode.path,
        "migrated": episode.migrated,
        "rescue_medicine": episode.rescue_medicine,
        "rescue_given_at": _iso(episode.rescue_given_at),
        "notes": episode.notes,
        "counted_with_tally": episode.is_tally,
        "logged_by": episode.logged_by.email if episode.logged_by else None,
        "client_uuid": str(episode.client_uuid),
        "received_at": _iso(episode.received_at),
        "updated_at": _iso(episode.updated_at),
        "deleted_at": _iso(episode.deleted_at),
    }


def export_episodes(sender, child: Child, **kwargs) -> tuple[str, list[dict]]:
    """Every episode of the child, deleted ones too (marked): the export is the whole record."""
    episodes = Episode.objects.for_child(child).select_related("logged_by").order_by("started_at", "pk")
    return "episodes", [episode_record(e) for e in episodes.iterator(chunk_size=2000)]


def export_treatments(sender, child: Child, **kwargs) -> tuple[str, list[dict]]:
    return "treatments", [
        {
            "id": str(t.public_id),
            "kind": t.kind,
            "name": t.name,
            "label": t.label,
            "dose": t.dose,
            "started_on": t.started_on.isoformat(),
            "stopped_on": _iso(t.stopped_on),
            "notes": t.notes,
        }
        for t in Treatment.objects.for_child(child).order_by("started_on", "pk")
    ]


def export_diary_days(sender, child: Child, **kwargs) -> tuple[str, dict]:
    """The days confirmed as recorded, the ranges marked as not recorded, and the day notes."""
    confirmations = DayConfirmation.objects.filter(child=child).select_related("confirmed_by").order_by("confirmed_on")
    ranges = NotRecordedRange.objects.filter(child=child).order_by("started_on", "pk")
    notes = DayNote.objects.for_child(child).select_related("created_by").order_by("noted_on", "pk")
    return "diary_days", {
        "confirmed": [
            {
                "day": c.confirmed_on.isoformat(),
                "confirmed_at": _iso(c.confirmed_at),
                "late": c.late,
                "confirmed_by": c.confirmed_by.email if c.confirmed_by else None,
            }
            for c in confirmations
        ],
        "not_recorded": [
            {
                "id": str(r.public_id),
                "first_day": r.started_on.isoformat(),
                "last_day": r.ended_on.isoformat(),
                "reason": r.reason,
            }
            for r in ranges
        ],
        "notes": [
            {
                "id": str(n.public_id),
                "day": n.noted_on.isoformat(),
                "kind": n.kind,
                "temperature_c": str(n.temperature_c) if n.temperature_c is not None else None,
                "text": n.text,
                "written_by": n.created_by.email if n.created_by else None,
                "created_at": _iso(n.created_at),
            }
            for n in notes
        ],
    }


def seed_demo_history(sender, child: Child, members: list[User], **kwargs) -> None:
    seed_history(child, members)
