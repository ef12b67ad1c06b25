"""The seizure action plan: read by every member, written by owners and clinicians (a new
version each time), printed for a sitter or school; and rescue doses logged on their own."""

from __future__ import annotations

import uuid
from datetime import timedelta
from uuid import UUID

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from caregiver import audit
from caregiver.access import AuthedRequest, Need, child_for
from caregiver.models import Child
from caregiver.pwa import offline_page
from seizures import recording_plan
from seizures.plan_forms import PlanForm, RescueDoseForm, plan_initial, suggested_plan
from seizures.plan_models import DAY, MAX_INTERVAL_MINUTES, ActionPlan, RescueDose, RescueMedicine
from seizures.queries import current_plan
from seizures.recording import ClientUUIDConflict
from seizures.views.common import conflict_response

RECENT_DOSES = 10
# More doses than any plan allows in a day and a half.
GUARD_DOSES = 100


def recent_doses(child: Child, limit: int = RECENT_DOSES) -> list[RescueDose]:
    return list(RescueDose.objects.for_child(child).select_related("given_by").newest_first()[:limit])


def guard_doses(child: Child) -> list[RescueDose]:
    """The doses a dose given now is measured against (the timer's script applies the guard
    on the phone): the last day's and a little more, newest first. One query."""
    since = timezone.now() - DAY - timedelta(minutes=MAX_INTERVAL_MINUTES)
    doses = RescueDose.objects.for_child(child).filter(given_at__gte=since).select_related("given_by")
    return list(doses.newest_first()[:GUARD_DOSES])


@require_GET
@offline_page
def plan(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    """Any member: the current version, its rescue medicines and the latest rescue doses.
    Kept on the phone: the plan must open mid-seizure with no signal."""
    child = child_for(request, child_id)
    audit.record_clinician_view(request, child, "Viewed the seizure action plan")
    current, medicines = current_plan(child)
    membership = child.membership
    context = {
        "child": child,
        "plan": current,
        "medicines": medicines,
        "doses": recent_doses(child),
        "can_edit_plan": membership.can_edit_plan,
        "can_write": membership.can_write,
    }
    return render(request, "seizures/plan.html", context)


@require_http_methods(["GET", "POST"])
def plan_edit(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    """Owners and clinicians (caregivers 403). Saving stores a new version; the form starts
    from the current one, or from a suggestion that nothing saves until someone does."""
    child = child_for(request, child_id, Need.PLAN)
    current, medicines = current_plan(child)
    initial = plan_initial(current, medicines) if current else suggested_plan(child)
    form = PlanForm(request.POST if request.method == "POST" else None, child=child, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = recording_plan.save_plan(child, request.user, plan=form.plan(), medicines=form.medicines)
        messages.success(request, _("Action plan saved as version %(n)d.") % {"n": saved.version})
        return redirect("seizures:plan", child_id=child.public_id)
    return render(
        request, "seizures/plan_form.html", {"child": child, "form": form, "plan": current, "suggested": not current}
    )


@require_GET
def plan_history(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    """Any member: every version, newest first, with its medicines. Two queries."""
    child = child_for(request, child_id)
    versions = (
        ActionPlan.objects.for_child(child)
        .select_related("saved_by")
        .prefetch_related(Prefetch("medicines", queryset=RescueMedicine.objects.order_by("position")))
        .newest_first()
    )
    return render(request, "seizures/plan_history.html", {"child": child, "versions": versions})


@require_GET
def plan_print(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    """Any member: the current plan on one printed page, for a sitter or a school."""
    child = child_for(request, child_id)
    current, medicines = current_plan(child)
    return render(request, "seizures/plan_print.html", {"child": child, "plan": current, "medicines": medicines})


@require_http_methods(["GET", "POST"])
def rescue_give(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    """Owners and caregivers: log a rescue dose given outside the timer. Inside the interval
    or over the 24-hour maximum the form shows the previous dose and asks for the override."""
    child = child_for(request, child_id, Need.WRITE)
    current, medicines = current_plan(child)
    now = timezone.now()
    data = request.POST if request.method == "POST" else None
    initial = {"client_uuid": uuid.uuid4(), "given_at": now}
    if len(medicines) == 1:
        initial["medicine"] = str(medicines[0].public_id)
    form = RescueDoseForm(data, child=child, medicines=medicines, initial=initial)
    guard = None
    if data is not None and form.is_valid():
        medicine = form.chosen
        try:
            given = recording_plan.give(
                child,
                request.user,
                key=form.cleaned_data["client_uuid"],
                medicine=medicine,
                given_at=form.cleaned_data["given_at"],
                override=form.cleaned_data["override"],
                reason=form.cleaned_data["override_reason"],
            )
        except ClientUUIDConflict:
            return conflict_response(request)
        if not given.refused:
            messages.success(request, _("Rescue dose saved: %(what)s.") % {"what": given.dose.dose})
            return redirect("seizures:plan", child_id=child.public_id)
        guard = given.guard
    context = {"child": child, "form": form, "plan": current, "medicines": medicines, "guard": guard}
    return render(request, "seizures/rescue_form.html", context)
