"""Medicines, their dose versions, the weight log and the dose log. Every member reads;
owners and caregivers write (a clinician's write is 403, another family's record 404)."""

from __future__ import annotations

import uuid
from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from caregiver import audit
from caregiver.access import AuthedRequest, Need, child_for
from caregiver.models import Child
from seizures import dues, recording, recording_medicines
from seizures.forms import TreatmentStopForm
from seizures.forms_medicines import DoseForm, DoseVersionForm, MedicineDetailsForm, MedicineForm, WeightForm
from seizures.medicine_models import Dose, Medicine, Weight
from seizures.recording import ClientUUIDConflict
from seizures.views.common import conflict_response

RECENT_DOSES = 30


def _medicine(child: Child, medicine_id: UUID) -> Medicine:
    return get_object_or_404(dues.medicines_with_versions(child), public_id=medicine_id)


@require_GET
def medicines(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    """Any member: each medicine's current dose, mg/kg/day and weight notice. Four queries."""
    child = child_for(request, child_id)
    audit.record_clinician_view(request, child, "Viewed the medicines")
    today = child.today()
    rows = list(dues.medicines_with_versions(child).order_by("name"))
    weights = list(Weight.objects.for_child(child).newest_first())
    figures = dues.figures(child, rows, weights, today)
    context = {
        "child": child,
        "can_write": child.membership.can_write,
        "ongoing": [f for f in figures if f.medicine.ongoing(today) or f.medicine.treatment.started_on > today],
        "stopped": [f for f in figures if not (f.medicine.ongoing(today) or f.medicine.treatment.started_on > today)],
        "weight": weights[0] if weights else None,
    }
    return render(request, "seizures/medicines.html", context)


@require_http_methods(["GET", "POST"])
def medicine_add(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    child = child_for(request, child_id, Need.WRITE)
    data = request.POST if request.method == "POST" else None
    form = MedicineForm(data, child=child, initial={"started_on": child.today()}, prefix="medicine")
    version_form = DoseVersionForm(data, child=child, prefix="dose")
    # Both forms are checked so every error shows at once.
    if request.method == "POST" and all([form.is_valid(), version_form.is_valid()]):
        medicine = recording_medicines.add_medicine(child, request.user, form, version_form)
        messages.success(request, _("%(name)s added.") % {"name": medicine.name})
        return redirect("seizures:medicine", child_id=child.public_id, medicine_id=medicine.public_id)
    context = {"child": child, "form": form, "version_form": version_form}
    return render(request, "seizures/medicine_form.html", context)


@require_GET
def medicine(request: AuthedRequest, child_id: UUID, medicine_id: UUID) -> HttpResponse:
    """Any member: the dose history and the latest doses. Five queries."""
    child = child_for(request, child_id)
    medicine = _medicine(child, medicine_id)
    audit.record_clinician_view(request, child, f"Viewed {medicine.name}", obj=medicine)
    return _detail(request, child, medicine)


def _detail(
    request, child, medicine, *, version_form=None, stop_form=None, details_form=None, status=200
) -> HttpResponse:
    today = child.today()
    weights = list(Weight.objects.for_child(child).newest_first())
    recent = list(
        Dose.objects.filter(medicine=medicine)
        .select_related("logged_by")
        .order_by("-scheduled_at", "-given_at")[:RECENT_DOSES]
    )
    can_write = child.membership.can_write
    if can_write:
        version_form = version_form or DoseVersionForm(
            child=child, medicine=medicine, initial=_change_initial(medicine, today), prefix="dose"
        )
        stop_form = stop_form or TreatmentStopForm(treatment=medicine.treatment, today=today)
        details_form = details_form or MedicineDetailsForm(medicine=medicine, prefix="details")
    context = {
        "child": child,
        "medicine": medicine,
        "figures": dues.figures(child, [medicine], weights, today)[0],
        "versions": list(reversed(medicine.versions.all())),
        "treatment_dose": medicine.treatment.dose,
        "recent": recent,
        "can_write": can_write,
        "version_form": version_form,
        "stop_form": stop_form,
        "details_form": details_form,
    }
    return render(request, "seizures/medicine.html", context, status=status)


def _change_initial(medicine: Medicine, today) -> dict:
    """The change form starts from the current dose, so a change is typed, not the whole plan."""
    current = dues.version_on(medicine, today) or next(iter(medicine.versions.all()), None)
    if current is None:
        return {"starts_on": today}
    return {
        "starts_on": today,
        "dose": current.dose_text,
        "dose_unit": current.dose_unit,
        "strength": current.strength_text,
        "schedule": "every" if current.every_hours else "times",
        "times_text": current.times_text,
        "every_hours": current.every_hours,
        "first_at": current.times[0] if current.times else None,
    }


@require_POST
def medicine_dose_change(request: AuthedRequest, child_id: UUID, medicine_id: UUID) -> HttpResponse:
    child = child_for(request, child_id, Need.WRITE)
    medicine = _medicine(child, medicine_id)
    form = DoseVersionForm(request.POST, child=child, medicine=medicine, prefix="dose")
    if not form.is_valid():
        return _detail(request, child, medicine, version_form=form, status=400)
    recording_medicines.change_dose(child, request.user, medicine, form)
    messages.success(request, _("New dose saved."))
    return redirect("seizures:medicine", child_id=child.public_id, medicine_id=medicine.public_id)


@require_POST
def medicine_dose_remove(request: AuthedRequest, child_id: UUID, medicine_id: UUID, version_id: UUID) -> HttpResponse:
    """Removes a dose version entered by mistake; the medicine's last one stays."""
    child = child_for(request, child_id, Need.WRITE)
    medicine = _medicine(child, medicine_id)
    removed = recording_medicines.remove_dose_version(child, request.user, medicine, version_id)
    if removed is None:
        messages.error(request, _("A medicine keeps at least one dose. To correct it, change the dose."))
    else:
        day = formats.date_format(removed.starts_on, "j M Y")
        messages.success(request, _("Removed the dose from %(day)s; the one before it applies again.") % {"day": day})
    return redirect("seizures:medicine", child_id=child.public_id, medicine_id=medicine.public_id)


@require_POST
def medicine_edit(request: AuthedRequest, child_id: UUID, medicine_id: UUID) -> HttpResponse:
    """Corrects the name, form or route."""
    child = child_for(request, child_id, Need.WRITE)
    medicine = _medicine(child, medicine_id)
    form = MedicineDetailsForm(request.POST, medicine=medicine, prefix="details")
    if not form.is_valid():
        return _detail(request, child, medicine, details_form=form, status=400)
    recording_medicines.edit_medicine(child, request.user, medicine, form)
    messages.success(request, _("Changes saved."))
    return redirect("seizures:medicine", child_id=child.public_id, medicine_id=medicine.public_id)


@require_POST
def medicine_stop(request: AuthedRequest, child_id: UUID, medicine_id: UUID) -> HttpResponse:
    child = child_for(request, child_id, Need.WRITE)
    medicine = _medicine(child, medicine_id)
    form = TreatmentStopForm(request.POST, treatment=medicine.treatment, today=child.today())
    if not form.is_valid():
        return _detail(request, child, medicine, stop_form=form, status=400)
    recording.stop_treatment(child, request.user, medicine.treatment, form.cleaned_data["stopped_on"])
    messages.success(request, _("%(name)s stopped.") % {"name": medicine.name})
    return redirect("seizures:medicine", child_id=child.public_id, medicine_id=medicine.public_id)


@require_http_methods(["GET", "POST"])
def weights(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    """Any member reads the weight log; owners and caregivers add to it."""
    child = child_for(request, child_id, Need.WRITE if request.method == "POST" else Need.READ)
    form = WeightForm(request.POST if request.method == "POST" else None, child=child,
                      initial={"measured_on": child.today()})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        weight = recording_medicines.log_weight(child, request.user, form)
        messages.success(request, _("Weight %(kg)s kg saved.") % {"kg": weight.kg})
        return redirect("seizures:weights", child_id=child.public_id)
    context = {
        "child": child,
        "form": form,
        "can_write": child.membership.can_write,
        "weights": list(Weight.objects.for_child(child).newest_first().select_related("logged_by")[:50]),
    }
    return render(request, "seizures/weights.html", context)


@require_POST
def weight_remove(request: AuthedRequest, child_id: UUID, weight_id: UUID) -> HttpResponse:
    child = child_for(request, child_id, Need.WRITE)
    recording_medicines.remove_weight(child, request.user, weight_id)
    messages.success(request, _("Weight removed."))
    return redirect("seizures:weights", child_id=child.public_id)


@require_POST
def dose_remove(request: AuthedRequest, child_id: UUID, dose_id: UUID) -> HttpResponse:
    """Removes a dose recorded by mistake; back to the page the button was on."""
    child = child_for(request, child_id, Need.WRITE)
    dose = recording_medicines.remove_dose(child, request.user, dose_id)
    due = formats.date_format(timezone.localtime(dose.scheduled_at, child.zone), "j M H:i")
    messages.success(
        request, _("Removed the record of %(name)s due %(time)s.") % {"name": dose.medicine.name, "time": due}
    )
    if request.POST.get("back") == "medicine":
        return redirect("seizures:medicine", child_id=child.public_id, medicine_id=dose.medicine.public_id)
    return redirect("seizures:home", child_id=child.public_id)


@require_POST
def dose_record(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    """One tap on Given or Skipped. When someone already gave or skipped this due dose,
    nothing is stored and the page names them; giving again then needs the confirmation
    that page asks for, and is stored as an extra dose."""
    child = child_for(request, child_id, Need.WRITE)
    form = DoseForm(request.POST, child=child)
    medicine = None
    if form.is_valid():
        medicine = Medicine.objects.filter(child=child, public_id=form.cleaned_data["medicine"]).first()
        if medicine is None:
            form.add_error(None, _("This medicine is not on this child’s list."))
        elif not recording_medicines.is_due_time(medicine, form.cleaned_data["scheduled_at"]):
            form.add_error(None, _("No dose of this medicine is due at that time. Reload the page."))
    if not form.is_valid():
        return render(request, "seizures/dose_confirm.html", {"child": child, "form": form}, status=400)
    data = form.cleaned_data
    try:
        result = recording_medicines.record_dose(
            child,
            request.user,
            key=data["client_uuid"],
            medicine=medicine,
            scheduled_at=data["scheduled_at"],
            status=data["status"],
            given_at=data["given_at"],
            reason=data["reason"],
            extra=data["extra"],
        )
    except ClientUUIDConflict:
        return conflict_response(request)
    if result.already is not None:
        context = {
            "child": child,
            "form": form,
            "medicine": medicine,
            "already": result.already,
            "status": data["status"],
            "retry_uuid": uuid.uuid4(),
        }
        return render(request, "seizures/dose_confirm.html", context, status=409)
    dose = result.dose
    if dose.status == "given":
        text = _("%(name)s given.") % {"name": medicine.name}
        if dose.extra:
            text = _("%(name)s given: recorded as an extra dose.") % {"name": medicine.name}
    else:
        text = _("%(name)s skipped.") % {"name": medicine.name}
    messages.success(request, text)
    return redirect("seizures:home", child_id=child.public_id)
