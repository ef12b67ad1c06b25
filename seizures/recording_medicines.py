"""The write side for medicines, the weight log and the dose log, beside `seizures.recording`
(same rules: the child comes from `caregiver.access.child_for` with write rights, each change
is audited in its own transaction, and what a phone sends is saved once by its client UUID).

Two caregivers giving the same due dose: the medicine's row is locked while the dose is
checked and stored, and the database holds one dose per medicine and due time (the
`one_dose_per_due_time` constraint), so the second is told who gave it and stores nothing
unless its giver confirms an extra dose.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone

from caregiver import audit
from caregiver.models import Child, User
from seizures import schedules
from seizures.forms_medicines import DoseVersionForm, MedicineDetailsForm, MedicineForm, WeightForm
from seizures.medicine_models import LATE_AFTER, Dose, DoseStatus, DoseVersion, Medicine, TreatmentKindFor, Weight
from seizures.models import Treatment
from seizures.recording import ClientUUIDConflict


# --- Medicines and their dose versions -------------------------------------------------------
def add_medicine(child: Child, user: User, form: MedicineForm, version_form: DoseVersionForm) -> Medicine:
    """Saves a new medicine from two valid forms made for `child`: its treatment (the dates,
    which the charts read), the medicine, and its first dose version from the start date."""
    data = form.cleaned_data
    name = data["name"]
    kind = TreatmentKindFor.of(name)
    with transaction.atomic():
        treatment = Treatment.objects.create(
            child=child,
            kind=kind,
            name=name if kind == "other" else "",
            started_on=data["started_on"],
            stopped_on=data.get("stopped_on"),
        )
        medicine = Medicine.objects.create(
            child=child, treatment=treatment, name=name, form=data["form"], route=data["route"]
        )
        version = version_form.save(commit=False)
        version.child, version.medicine, version.set_by = child, medicine, user
        version.starts_on = treatment.started_on
        version.save()
        audit.record(user, "create", child=child, obj=medicine, summary=f"Added {name}: {_describe(version)}")
    return medicine


def edit_medicine(child: Child, user: User, medicine: Medicine, form: MedicineDetailsForm) -> Medicine:
    """Corrects the name, form or route; the treatment follows the name, so the charts'
    bands carry it."""
    data = form.cleaned_data
    with transaction.atomic():
        medicine = Medicine.objects.select_for_update().select_related("treatment").get(pk=medicine.pk)
        changed = [name for name in ("name", "form", "route") if getattr(medicine, name) != data[name]]
        if not changed:
            return medicine
        was = medicine.name
        medicine.name, medicine.form, medicine.route = data["name"], data["form"], data["route"]
        medicine.save(update_fields=["name", "form", "route"])
        treatment = medicine.treatment
        treatment.kind = TreatmentKindFor.of(medicine.name)
        treatment.name = medicine.name if treatment.kind == "other" else ""
        treatment.save(update_fields=["kind", "name", "updated_at"])
        audit.record(user, "edit", child=child, obj=medicine, summary=f"Edited {was}: {', '.join(changed)}")
    return medicine


def change_dose(child: Child, user: User, medicine: Medicine, form: DoseVersionForm) -> DoseVersion:
    """A new dose version from its date; the earlier versions stay as history."""
    with transaction.atomic():
        Medicine.objects.select_for_update().get(pk=medicine.pk)
        version = form.save(commit=False)
        version.child, version.medicine, version.set_by = child, medicine, user
        version.save()
        summary = f"Changed the dose of {medicine.name} from {version.starts_on}: {_describe(version)}"
        audit.record(user, "edit", child=child, obj=medicine, summary=summary)
    return version


def remove_dose_version(child: Child, user: User, medicine: Medicine, version_id: UUID) -> DoseVersion | None:
    """Removes a dose version entered by mistake (a dose typed as 25 mL for 2.5 mL): the
    version before it applies again from its own date. A medicine keeps at least one version,
    so the last is not removed (None). Doses already given stay as recorded; 404 when the
    version is not this medicine's."""
    with transaction.atomic():
        Medicine.objects.select_for_update().get(pk=medicine.pk)
        version = get_object_or_404(DoseVersion.objects.filter(medicine=medicine), public_id=version_id)
        if medicine.versions.count() == 1:
            return None
        summary = f"Removed the dose of {medicine.name} from {version.starts_on}: {_describe(version)}"
        audit.record(user, "edit", child=child, obj=medicine, summary=summary)
        version.delete()
    return version


def _describe(version: DoseVersion) -> str:
    return f"{version.dose_text} {version.dose_unit} at {version.times_text}"


# --- Weight ------------------------------------------------------------------------------------
def log_weight(child: Child, user: User, form: WeightForm) -> Weight:
    with transaction.atomic():
        weight = form.save(commit=False)
        weight.child, weight.logged_by = child, user
        weight.save()
        audit.record(user, "create", child=child, obj=weight, summary=f"Weight {weight.kg} kg on {weight.measured_on}")
    return weight


def remove_weight(child: Child, user: User, weight_id: UUID) -> None:
    """Removes one of the child's weights (a typing slip); 404 when it is none of theirs."""
    with transaction.atomic():
        weight = get_object_or_404(Weight.objects.for_child(child).select_for_update(), public_id=weight_id)
        audit.record(user, "delete", child=child, obj=weight, summary=f"Removed the weight {weight.kg} kg on "
                     f"{weight.measured_on}")  # fmt: skip
        weight.delete()


# --- The dose log ------------------------------------------------------------------------------
@dataclass
class DoseResult:
    """What a Given or Skipped did: `dose` is what this call stored (or, for a repeat of the
    same key, stored before); `already` is the dose someone stored for this due time first,
    when this call stored nothing because of it."""

    dose: Dose | None
    created: bool = False
    already: Dose | None = None


def _by_key(child: Child, key: UUID) -> Dose | None:
    dose = Dose.objects.select_related("logged_by", "medicine").filter(client_uuid=key).first()
    if dose is not None and dose.child_id != child.pk:
        raise ClientUUIDConflict
    return dose


def first_dose(medicine: Medicine, scheduled_at: datetime) -> Dose | None:
    """The dose that holds this due time (not an extra one), if any."""
    return (
        Dose.objects.select_related("logged_by", "medicine")
        .filter(medicine=medicine, scheduled_at=scheduled_at, extra=False)
        .first()
    )


def is_due_time(medicine: Medicine, scheduled_at: datetime) -> bool:
    """Whether the medicine has a dose due at `scheduled_at` (by the version then in force)."""
    zone = medicine.child.zone
    day = scheduled_at.astimezone(zone).date()
    versions = [v for v in medicine.versions.all() if v.starts_on <= day]
    if not versions or not medicine.ongoing(day):
        return False
    version = max(versions, key=lambda v: (v.starts_on, v.created_at))
    return scheduled_at in schedules.slots(version.clock_times, zone, scheduled_at, scheduled_at + timedelta(seconds=1))


def record_dose(
    child: Child,
    user: User,
    *,
    key: UUID,
    medicine: Medicine,
    scheduled_at: datetime,
    status: str,
    given_at: datetime | None = None,
    reason: str = "",
    extra: bool = False,
) -> DoseResult:
    """Stores a dose due at `scheduled_at` as given (at `given_at`, now by default) or
    skipped, once per key. When the due time already has its dose, nothing is stored and
    `already` names it, unless `extra` (the giver confirmed): then a given dose is stored as
    an extra dose. The caller checked that `scheduled_at` is one of the medicine's due times."""
    stored = _by_key(child, key)
    if stored is not None:
        return DoseResult(stored)
    now = timezone.now()
    given_at = (given_at or now) if status == DoseStatus.GIVEN else None
    try:
        with transaction.atomic():
            # Two phones giving the same dose queue here; the second then sees the first's dose.
            Medicine.objects.select_for_update().get(pk=medicine.pk)
            taken = first_dose(medicine, scheduled_at)
            if taken is not None and not (extra and status == DoseStatus.GIVEN):
                return DoseResult(None, already=taken)
            dose = Dose(
                child=child,
                medicine=medicine,
                scheduled_at=scheduled_at,
                status=status,
                given_at=given_at,
                reason=reason.strip(),
                late=given_at is not None and given_at > scheduled_at + LATE_AFTER,
                extra=taken is not None,
                logged_by=user,
                client_uuid=key,
                received_at=now,
            )
            dose.save()
            audit.record(user, "create", child=child, obj=dose, summary=_summary(dose, medicine))
    except IntegrityError:
        # Without row locks (or a key sent twice at once) the constraint decides: read the winner.
        stored = _by_key(child, key)
        if stored is not None:
            return DoseResult(stored)
        taken = first_dose(medicine, scheduled_at)
        if taken is None:
            raise
        return DoseResult(None, already=taken)
    return DoseResult(dose, created=True)


def remove_dose(child: Child, user: User, dose_id: UUID) -> Dose:
    """Removes a dose recorded by mistake (the wrong medicine tapped, a dose not given after
    all), so its due time is open again; 404 when it is none of this child's. When it held
    its due time and someone gave an extra dose for that time, the earliest extra takes the
    place: that dose was given, and the day's adherence should say so. Returns the removed
    dose (unsaved), for the message."""
    with transaction.atomic():
        dose = get_object_or_404(
            Dose.objects.for_child(child).select_related("medicine", "logged_by"), public_id=dose_id
        )
        Medicine.objects.select_for_update().get(pk=dose.medicine_id)  # the same lock as record_dose
        audit.record(user, "delete", child=child, obj=dose, summary=f"Removed: {_summary(dose, dose.medicine)}")
        dose.delete()
        if not dose.extra:
            successor = (
                Dose.objects.filter(medicine=dose.medicine, scheduled_at=dose.scheduled_at, extra=True)
                .order_by("given_at", "received_at")
                .first()
            )
            if successor is not None:
                successor.extra = False
                successor.save(update_fields=["extra"])
    return dose


def _summary(dose: Dose, medicine: Medicine) -> str:
    due = f"{medicine.name} due {dose.scheduled_at:%Y-%m-%d %H:%M} UTC"
    if dose.status == DoseStatus.SKIPPED:
        return f"Skipped {due}" + (f": {dose.reason}" if dose.reason else "")
    marks = [m for m, on in (("extra dose", dose.extra), ("late", dose.late)) if on]
    return f"Gave {due} at {dose.given_at:%H:%M} UTC" + (f" ({', '.join(marks)})" if marks else "")
