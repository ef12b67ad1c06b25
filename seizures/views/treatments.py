"""Treatments: add, edit, stop. Clinicians read them; owners and caregivers change them."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from caregiver import audit
from caregiver.access import AuthedRequest, Need, child_for
from seizures import recording
from seizures.forms import TreatmentForm, TreatmentStopForm
from seizures.models import Treatment


@require_GET
def treatments(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    """Any member: ongoing treatments first, then the rest, newest first. One query."""
    child = child_for(request, child_id)
    audit.record_clinician_view(request, child, "Viewed the treatments")
    today = child.today()
    rows = list(Treatment.objects.for_child(child).order_by(F("stopped_on").desc(nulls_first=True), "-started_on"))
    ongoing = [t for t in rows if t.started_on <= today and (t.stopped_on is None or t.stopped_on >= today)]
    planned = [t for t in rows if t.started_on > today]
    past = [t for t in rows if t.stopped_on is not None and t.stopped_on < today]
    return render(
        request,
        "seizures/treatments.html",
        {
            "child": child,
            "can_write": child.membership.can_write,
            "ongoing": ongoing,
            "planned": planned,
            "past": past,
            "today": today,
        },
    )


@require_http_methods(["GET", "POST"])
def treatment_add(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    child = child_for(request, child_id, Need.WRITE)
    form = TreatmentForm(
        request.POST if request.method == "POST" else None, child=child, initial={"started_on": child.today()}
    )
    if request.method == "POST" and form.is_valid():
        treatment = recording.add_treatment(child, request.user, form)
        messages.success(request, _("%(name)s added.") % {"name": treatment.label})
        return redirect("seizures:treatments", child_id=child.public_id)
    return render(request, "seizures/treatment_form.html", {"child": child, "form": form})


@require_http_methods(["GET", "POST"])
def treatment_edit(request: AuthedRequest, child_id: UUID, treatment_id: UUID) -> HttpResponse:
    """Any member may look; owners and caregivers save."""
    child = child_for(request, child_id, Need.WRITE if request.method == "POST" else Need.READ)
    treatment = get_object_or_404(Treatment.objects.for_child(child), public_id=treatment_id)
    form = TreatmentForm(request.POST if request.method == "POST" else None, child=child, instance=treatment)
    if request.method == "POST" and form.is_valid():
        recording.edit_treatment(child, request.user, form)
        messages.success(request, _("Changes saved."))
        return redirect("seizures:treatments", child_id=child.public_id)
    stop_form = TreatmentStopForm(treatment=treatment, today=child.today())
    return render(
        request,
        "seizures/treatment_form.html",
        {
            "child": child,
            "form": form,
            "treatment": treatment,
            "stop_form": stop_form,
            "can_write": child.membership.can_write,
        },
    )


@require_POST
def treatment_stop(request: AuthedRequest, child_id: UUID, treatment_id: UUID) -> HttpResponse:
    """Sets the last day the treatment was given."""
    child = child_for(request, child_id, Need.WRITE)
    treatment = get_object_or_404(Treatment.objects.for_child(child), public_id=treatment_id)
    form = TreatmentStopForm(request.POST, treatment=treatment, today=child.today())
    if not form.is_valid():
        edit_form = TreatmentForm(child=child, instance=treatment)
        context = {"child": child, "form": edit_form, "treatment": treatment, "stop_form": form, "can_write": True}
        return render(request, "seizures/treatment_form.html", context, status=400)
    recording.stop_treatment(child, request.user, treatment, form.cleaned_data["stopped_on"])
    messages.success(request, _("%(name)s stopped.") % {"name": treatment.label})
    return redirect("seizures:treatments", child_id=child.public_id)
