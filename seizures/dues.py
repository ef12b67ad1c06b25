"""What is due: each medicine's due doses around now, with what was given or skipped for
them, and each medicine's mg/kg/day with its weight notice. Reads only; four queries
whatever the history (medicines with their treatments, their versions, the doses in the
window, the latest weights)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch
from django.utils import timezone

from caregiver.models import Child
from seizures import schedules
from seizures.medicine_models import (
    LATE_AFTER,
    WEIGHT_REVIEW_CHANGE,
    Dose,
    DoseStatus,
    DoseVersion,
    Medicine,
    Weight,
)

# How far back an untaken dose still shows as overdue, and how soon a coming one is "due now".
OVERDUE_WINDOW = timedelta(hours=12)
DUE_SOON = timedelta(minutes=30)
AHEAD = timedelta(hours=36)


@dataclass
class Slot:
    """One due dose of a medicine: `dose` is what was given or skipped for it (None: open)."""

    medicine: Medicine
    version: DoseVersion
    scheduled_at: datetime
    dose: Dose | None = None
    extras: list[Dose] = field(default_factory=list)
    overdue: bool = False
    late: bool = False
    # Fresh keys for this page's Given and Skipped forms: a repeated submit saves once.
    client_uuid: uuid.UUID = field(default_factory=uuid.uuid4)
    skip_uuid: uuid.UUID = field(default_factory=uuid.uuid4)

    @property
    def given(self) -> bool:
        return self.dose is not None and self.dose.status == DoseStatus.GIVEN

    @property
    def key(self) -> str:
        return self.scheduled_at.isoformat()


@dataclass
class DueList:
    now: list[Slot]  # open, due by now + DUE_SOON, oldest (most overdue) first
    next: list[Slot]  # each medicine's next open dose after that
    done: list[Slot]  # given or skipped in the window, newest first


def medicines_with_versions(child: Child):
    """The child's medicines with their treatment and versions (two queries)."""
    return with_versions(Medicine.objects.filter(child=child))


def with_versions(medicines):
    """`medicines` with their treatment and their dose versions in order (two queries)."""
    versions = Prefetch("versions", queryset=DoseVersion.objects.order_by("starts_on", "created_at"))
    return medicines.select_related("treatment").prefetch_related(versions)


def version_on(medicine: Medicine, day: date) -> DoseVersion | None:
    """The dose version in force on `day` (the latest started by then), from prefetched versions."""
    current = None
    for version in medicine.versions.all():
        if version.starts_on <= day:
            current = version
    return current


def medicine_slots(medicine: Medicine, zone, start: datetime, end: datetime) -> list[tuple[datetime, DoseVersion]]:
    """The medicine's due instants in [start, end), each with the version it belongs to,
    within the treatment's dates."""
    versions = list(medicine.versions.all())
    treatment = medicine.treatment
    found = []
    for index, version in enumerate(versions):
        following = versions[index + 1 :]
        later = [v.starts_on for v in following if v.starts_on > version.starts_on]
        if any(v.starts_on == version.starts_on for v in following):
            continue  # replaced the same day by a newer version
        last_day = min(later) - timedelta(days=1) if later else None
        if treatment.stopped_on is not None:
            last_day = treatment.stopped_on if last_day is None else min(last_day, treatment.stopped_on)
        first_day = max(version.starts_on, treatment.started_on)
        for due in schedules.slots(version.clock_times, zone, start, end, first_day=first_day, last_day=last_day):
            found.append((due, version))
    return sorted(found, key=lambda pair: pair[0])


def due_list(child: Child, now: datetime | None = None) -> DueList:
    now = now or timezone.now()
    zone = child.zone
    start, end = now - OVERDUE_WINDOW, now + AHEAD
    medicines = list(medicines_with_versions(child).order_by("name"))
    doses: dict[tuple[int, datetime], Dose] = {}
    extras: dict[tuple[int, datetime], list[Dose]] = {}
    for dose in Dose.objects.for_child(child).due_between(start, end).select_related("logged_by"):
        slot_key = (dose.medicine_id, dose.scheduled_at)
        if dose.extra:
            extras.setdefault(slot_key, []).append(dose)
        else:
            doses[slot_key] = dose
    result = DueList([], [], [])
    for medicine in medicines:
        upcoming = None
        for due, version in medicine_slots(medicine, zone, start, end):
            slot_key = (medicine.pk, due)
            slot = Slot(medicine, version, due, doses.get(slot_key), extras.get(slot_key, []))
            if due <= now + DUE_SOON:
                if slot.dose is not None:
                    result.done.append(slot)
                else:
                    slot.overdue = due < now
                    slot.late = due < now - LATE_AFTER
                    result.now.append(slot)
            elif upcoming is None and slot.dose is None:
                upcoming = slot
        if upcoming is not None:
            result.next.append(upcoming)
    result.now.sort(key=lambda s: (s.scheduled_at, s.medicine.name))
    result.next.sort(key=lambda s: (s.scheduled_at, s.medicine.name))
    result.done.sort(key=lambda s: s.scheduled_at, reverse=True)
    return result


@dataclass
class MedicineFigures:
    medicine: Medicine
    version: DoseVersion | None
    mg_per_kg_day: Decimal | None
    weight: Weight | None
    review: bool  # the weight changed by WEIGHT_REVIEW_CHANGE or more since the version's date


def figures(child: Child, medicines: list[Medicine], weights: list[Weight], today: date) -> list[MedicineFigures]:
    """Each medicine's current version and mg/kg/day from the latest weight, from the
    weights newest first. Never a suggested dose: only what is given, per kg."""
    latest = weights[0] if weights else None
    rows = []
    for medicine in medicines:
        version = version_on(medicine, today) or next(iter(medicine.versions.all()), None)
        per_kg = None
        review = False
        if version is not None and latest is not None:
            mg_day = version.mg_per_day
            if mg_day is not None:
                per_kg = (mg_day / latest.kg).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            then = next((w for w in weights if w.measured_on <= version.starts_on), None)
            if then is not None and then.pk != latest.pk:
                review = abs(latest.kg - then.kg) >= then.kg * WEIGHT_REVIEW_CHANGE
        rows.append(MedicineFigures(medicine, version, per_kg, latest, review))
    return rows
