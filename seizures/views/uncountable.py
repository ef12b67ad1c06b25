"""Periods too frequent to count: any member reads them; owners and caregivers start one
from the home page ("Too frequent to count"), end it there with an estimate, or add, edit
and remove one afterwards. Writes go through `seizures.recording_days`."""

from __future__ import annotations

from uuid import UUID, uuid4

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from caregiver import audit
from caregiver.access import AuthedRequest, Need, child_for
from caregiver.models import Child
from seizures import recording_days
from seizures.coverage import Span
from seizures.forms import ClientUUIDForm, UncountableEndForm, UncountableForm
from seizures.models import UncountablePeriod
from seizures.recording import ClientUUIDConflict
from seizures.reports.panels import estimate_text
from seizures.views.common import conflict_response


def described(child: Child, periods: list[UncountablePeriod]) -> list[tuple[UncountablePeriod, str]]:
    """Each period beside its estimate in words, as the report gives it."""
    now = timezone.now()
    return [
        (
            p,
            estimate_text(
                Span(str(p.public_id), p.started_at, p.ended_at or now, p.ended_at is None, p.estimated_count)
            ),
        )
        for p in periods
    ]


def _page(request: AuthedRequest, child: Child, *, form=None, end_form=None, status: int = 200) -> HttpResponse:
    periods = list(UncountablePeriod.objects.for_child(child).order_by("-started_at"))
    context = {
        "child": child,
        "can_write": child.membership.can_write,
        "periods": described(child, periods),
        "open_period": next((p for p in periods if p.ended_at is None), None),
        "form": form or UncountableForm(child=child, initial={"client_uuid": uuid4()}),
        "end_form": end_form or UncountableEndForm(child=child),
        "end_uuid": uuid4(),
    }
    return render(request, "seizures/uncountable.html", context, status=status)


@require_GET
def uncountable(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    """Any member: the child's periods, newest first, and (for writers) the form to add one.
    Two queries after `child_for`."""
    child = child_for(request, child_id)
    audit.record_clinician_view(request, child, "Viewed the periods too frequent to count")
    return _page(request, child)


@require_POST
def uncountable_add(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    """Owners and caregivers: a period from its start to its end (or still going on)."""
    child = child_for(request, child_id, Need.WRITE)
    form = UncountableForm(request.POST, child=child)
    if form.is_valid():
        try:
            recording_days.add_uncountable(child, request.user, form)
        except ClientUUIDConflict:
            return conflict_response(request)
        except ValidationError:
            pass  # the writer put its errors on the form
        else:
            messages.success(request, _("The period too frequent to count is saved."))
            return redirect("seizures:uncountable", child_id=child.public_id)
    return _page(request, child, form=form, status=400)


@require_http_methods(["GET", "POST"])
def uncountable_edit(request: AuthedRequest, child_id: UUID, period_id: UUID) -> HttpResponse:
    """Any member may look; owners and caregivers save. Another child's period is 404."""
    child = child_for(request, child_id, Need.WRITE if request.method == "POST" else Need.READ)
    period = recording_days.period_for(child, period_id)
    form = UncountableForm(request.POST if request.method == "POST" else None, child=child, instance=period)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                recording_days.edit_uncountable(child, request.user, form)
            except ValidationError:
                pass
            else:
                messages.success(request, _("Changes saved."))
                return redirect("seizures:uncountable", child_id=child.public_id)
        status = 400
    context = {"child": child, "form": form, "period": period, "can_write": child.membership.can_write}
    return render(request, "seizures/uncountable_form.html", context, status=status)


@require_POST
def uncountable_delete(request: AuthedRequest, child_id: UUID, period_id: UUID) -> HttpResponse:
    """Owners and caregivers: removes a period; its seizures are counted exactly again."""
    child = child_for(request, child_id, Need.WRITE)
    recording_days.delete_uncountable(child, request.user, period_id)
    messages.success(request, _("The period was removed: its seizures are counted again."))
    return redirect("seizures:uncountable", child_id=child.public_id)


@require_POST
def uncountable_start(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    """Owners and caregivers, from the home page: seizures are too frequent to count from
    now. Once per client UUID; a period already going on is kept as it is."""
    child = child_for(request, child_id, Need.WRITE)
    form = ClientUUIDForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("This could not be read. Reload the page and try again."))
    try:
        saved = recording_days.start_uncountable(
            child, request.user, key=form.cleaned_data["client_uuid"], started_at=timezone.now()
        )
    except ClientUUIDConflict:
        return conflict_response(request)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("seizures:home", child_id=child.public_id)
    if saved.changed:
        messages.success(request, _("Marked as too frequent to count from now. End it here when it is over."))
    return redirect("seizures:home", child_id=child.public_id)


@require_POST
def uncountable_end(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    """Owners and caregivers: ends the period going on (now, unless a time is given), with
    an optional estimate. Ending one already ended changes nothing."""
    child = child_for(request, child_id, Need.WRITE)
    form = UncountableEndForm(request.POST, child=child)
    if form.is_valid():
        try:
            saved = recording_days.end_uncountable(
                child,
                request.user,
                ended_at=form.cleaned_data["ended_at"] or timezone.now(),
                estimated_count=form.cleaned_data["estimated_count"],
                period_id=form.cleaned_data["period"],
                key=form.cleaned_data["client_uuid"],
            )
        except ClientUUIDConflict:
            return conflict_response(request)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            if saved.changed:
                messages.success(request, _("The period too frequent to count has ended."))
            return redirect("seizures:home", child_id=child.public_id)
    return _page(request, child, end_form=form, status=400)
