"""What `seizures` adds to the caregiver app's hooks (the data export and the demo history)
and to each new database connection."""

from __future__ import annotations

from caregiver.models import Child, User
from seizures.demo import seed_history
from seizures.models import (
    DayConfirmation,
    DayNote,
    Dose,
    DoseVersion,
    Episode,
    Medicine,
    NotRecordedRange,
    Treatment,
    UncountablePeriod,
    Weight,
)
from seizures.plan_models import ActionPlan, RescueDose
from seizures.signs import OBSERVATION_KEYS, SIGNS


def no_jit(sender, connection, **kwargs) -> None:
    """PostgreSQL's JIT compiler off for this app's connections, once as each opens. The
    planner cannot know that each day of the day grid holds a handful of seizures, estimates
    the query far above `jit_above_cost` at 100,000 seizures and would spend longer compiling
    it than running it (0.3 s against 0.07 s); no query of this app runs long enough to gain
    from JIT. A setting of the connection, not of each query: a SET LOCAL needed a
    transaction around the query, three more round trips on every chart page."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")


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
    """The days confirmed as recorded, the ranges marked as not recorded, the periods too
    frequent to count and the day notes."""
    confirmations = DayConfirmation.objects.filter(child=child).select_related("confirmed_by").order_by("confirmed_on")
    ranges = NotRecordedRange.objects.filter(child=child).order_by("started_on", "pk")
    periods = UncountablePeriod.objects.for_child(child).select_related("created_by").order_by("started_at")
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
        "too_frequent_to_count": [
            {
                "id": str(p.public_id),
                "started_at": _iso(p.started_at),
                "ended_at": _iso(p.ended_at),
                "estimated_count": p.estimated_count,
                "notes": p.notes,
                "marked_by": p.created_by.email if p.created_by else None,
            }
            for p in periods
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


def export_action_plan(sender, child: Child, **kwargs) -> tuple[str, dict]:
    """Every version of the seizure action plan with its rescue medicines, and every rescue
    dose. Three queries."""
    versions = ActionPlan.objects.for_child(child).select_related("saved_by").prefetch_related("medicines")
    doses = RescueDose.objects.for_child(child).select_related("given_by", "episode").order_by("given_at", "pk")
    return "action_plan", {
        "versions": [
            {
                "version": p.version,
                "emergency_number": p.emergency_number,
                "steps": p.steps,
                "notes": p.notes,
                "written_by": p.written_by,
                "written_on": p.written_on.isoformat(),
                "saved_by": p.saved_by.email if p.saved_by else None,
                "saved_at": _iso(p.saved_at),
                "rescue_medicines": [
                    {
                        "name": m.name,
                        "dose": m.dose,
                        "amount": str(m.amount),
                        "unit": m.unit,
                        "route": m.route,
                        "min_interval_minutes": m.min_interval_minutes,
                        "max_per_day": m.max_per_day,
                    }
                    for m in p.medicines.all()
                ],
            }
            for p in versions.order_by("version")
        ],
        "rescue_doses": [
            {
                "id": str(d.public_id),
                "medicine": d.medicine_name,
                "dose": d.dose,
                "given_at": _iso(d.given_at),
                "given_by": d.given_by.email if d.given_by else None,
                "seizure": str(d.episode.public_id) if d.episode else None,
                "override": d.override,
                "override_reason": d.override_reason,
                "arrived_over_the_guard": d.over_guard,
            }
            for d in doses
        ],
    }


def _email(user) -> str | None:
    return user.email if user else None


def export_medicines(sender, child: Child, **kwargs) -> tuple[str, dict]:
    """Medicines with every dose version, the weight log and the dose log."""
    medicines = Medicine.objects.filter(child=child).select_related("treatment").order_by("name", "pk")
    versions = DoseVersion.objects.filter(child=child).select_related("set_by").order_by("starts_on", "created_at")
    weights = Weight.objects.for_child(child).select_related("logged_by").order_by("measured_on", "created_at")
    doses = Dose.objects.for_child(child).select_related("medicine", "logged_by").order_by("scheduled_at", "pk")
    by_medicine: dict[int, list[dict]] = {}
    for v in versions:
        by_medicine.setdefault(v.medicine_id, []).append(
            {
                "from": v.starts_on.isoformat(),
                "dose": v.dose_text,
                "unit": v.dose_unit,
                "strength_mg_per_ml": v.strength_text or None,
                "times": v.times,
                "every_hours": v.every_hours,
                "set_by": _email(v.set_by),
            }
        )
    return "medicines", {
        "medicines": [
            {
                "id": str(m.public_id),
                "name": m.name,
                "form": m.form,
                "route": m.route,
                "treatment": str(m.treatment.public_id),
                "started_on": m.treatment.started_on.isoformat(),
                "stopped_on": _iso(m.treatment.stopped_on),
                "versions": by_medicine.get(m.pk, []),
            }
            for m in medicines
        ],
        "weights": [
            {"weighed_on": w.measured_on.isoformat(), "kg": str(w.kg), "logged_by": _email(w.logged_by)}
            for w in weights
        ],
        "doses": [
            {
                "id": str(d.public_id),
                "medicine": str(d.medicine.public_id),
                "due_at": _iso(d.scheduled_at),
                "status": d.status,
                "given_at": _iso(d.given_at),
                "reason": d.reason,
                "late": d.late,
                "extra": d.extra,
                "logged_by": _email(d.logged_by),
            }
            for d in doses.iterator(chunk_size=2000)
        ],
    }


def seed_demo_history(sender, child: Child, members: list[User], **kwargs) -> None:
    seed_history(child, members)
