"""Plain factories for seizure records."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from caregiver.models import Child, User
from seizures import recording_plan
from seizures.models import (
    DayNote,
    DayNoteKind,
    Dose,
    DoseVersion,
    Episode,
    Medicine,
    NotRecordedRange,
    Treatment,
    TreatmentKind,
    UncountablePeriod,
    Weight,
)
from seizures.plan_models import ActionPlan, RescueMedicine


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


def sweep_uncountable(child: Child, user: User):
    now = timezone.now()
    return UncountablePeriod.objects.create(
        child=child, started_at=now - timedelta(days=2), ended_at=now - timedelta(days=1), created_by=user
    ).public_id


def sweep_not_recorded(child: Child, user: User):
    return NotRecordedRange.objects.create(
        child=child, started_on=date(2026, 4, 1), ended_on=date(2026, 4, 3), created_by=user
    ).public_id


def make_plan(child: Child, user: User | None = None, *, interval: int = 10, max_per_day: int = 2, **fields):
    """A plan version with one rescue medicine (buccal midazolam), saved through the writer."""
    values = {
        "emergency_number": "112",
        "steps": [
            {"minute": 0, "text": "Time it, lay on the side"},
            {"minute": 5, "text": "Give buccal midazolam"},
            {"minute": 10, "text": "Call 112"},
        ],
        "written_by": "Dr Okafor",
        "written_on": child.today(),
    } | fields
    medicine = RescueMedicine(
        name="Midazolam",
        dose="2.5 mg (0.5 mL)",
        amount="2.5",
        unit="mg",
        route="buccal",
        min_interval_minutes=interval,
        max_per_day=max_per_day,
    )
    owner = user or child.memberships.order_by("created_at").first().user
    return recording_plan.save_plan(child, owner, plan=ActionPlan(child=child, **values), medicines=[medicine])


def make_medicine(
    child: Child,
    name: str = "Levetiracetam",
    *,
    times: tuple[str, ...] = ("08:00", "20:00"),
    dose: str = "50",
    dose_unit: str = "mg",
    started_on: date = date(2026, 4, 1),
    strength: str | None = None,
    user: User | None = None,
) -> Medicine:
    """A medicine (with its treatment) and its first dose version."""
    treatment = Treatment.objects.create(child=child, kind=TreatmentKind.OTHER, name=name, started_on=started_on)
    medicine = Medicine.objects.create(child=child, treatment=treatment, name=name, form="liquid", route="oral")
    DoseVersion.objects.create(
        child=child, medicine=medicine, starts_on=started_on, dose=Decimal(dose), dose_unit=dose_unit,
        strength=Decimal(strength) if strength else None, times=list(times), set_by=user,
    )  # fmt: skip
    return medicine


def sweep_medicine(child: Child, user: User):
    return make_medicine(child, user=user).public_id


def sweep_dose_version(child: Child, user: User):
    """A second dose version (the one a mistake would be), on the medicine the URL names
    (`medicine_id` comes first in the route, so its sweep medicine is the latest)."""
    medicine = Medicine.objects.filter(child=child).order_by("-pk").first() or make_medicine(child, user=user)
    return DoseVersion.objects.create(
        child=child, medicine=medicine, starts_on=date(2026, 4, 10), dose=Decimal("60"), dose_unit="mg",
        times=["08:00", "20:00"], set_by=user,
    ).public_id  # fmt: skip


def sweep_dose(child: Child, user: User):
    medicine = make_medicine(child, user=user)
    scheduled = datetime(2026, 4, 2, 7, 0, tzinfo=child.zone)
    return Dose.objects.create(
        child=child, medicine=medicine, scheduled_at=scheduled, status="given", given_at=scheduled, logged_by=user
    ).public_id


def sweep_weight(child: Child, user: User):
    return Weight.objects.create(child=child, measured_on=date(2026, 4, 1), kg=Decimal("4.2"), logged_by=user).public_id


def make_day_note(child: Child, noted_on: date, kind: str = DayNoteKind.ILLNESS, **fields) -> DayNote:
    return DayNote.objects.create(child=child, noted_on=noted_on, kind=kind, **fields)


def sweep_day_note(child: Child, user: User):
    return make_day_note(child, date(2026, 4, 2), created_by=user).public_id
