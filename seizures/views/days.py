"""The diary's days: confirming that a day is recorded ("no more seizures today"), and the
owners' not-recorded ranges. Any member reads; owners and caregivers confirm; only owners
mark or unmark days as not recorded."""

from __future__ import annotations

from uuid import UUID, uuid4

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from caregiver.access import AuthedRequest, Need, child_for
from caregiver.models import Child
from seizures import recording_days
from seizures.coverage import confirmation_on, diary_days, reminder_due
from seizures.forms import DayConfirmForm, NotRecordedForm
from seizures.models import NotRecordedRange
from seizures.queries import today_count
from seizures.recording import ClientUUIDConflict
from seizures.views.common import conflict_response


def day_status_context(child: Child, today_entries: int) -> dict:
    """What the home page says about today's record (one query)."""
    now = timezone.now()
    today = child.today(now)
    return {
        "today_confirmation": confirmation_on(child, today),
        "today_entries": today_entries,
        "reminder_due": reminder_due(child, now),
        "confirm_uuid": uuid4(),
        "today": today,
    }


def _page(request: AuthedRequest, child: Child, *, confirm_form=None, range_form=None, status: int = 200):
    today = child.today()
    context = {
        "child": child,
        "can_write": child.membership.can_write,
        "is_owner": child.membership.is_owner,
        # Each day's confirm button has its own key, so a repeated submit saves once.
        "days": [(day, uuid4()) for day in diary_days(child, today)],
        "ranges": list(NotRecordedRange.objects.filter(child=child).order_by("-started_on")),
        "confirm_form": confirm_form,
        "range_form": range_form or NotRecordedForm(child=child),
    }
    return render(request, "seizures/days.html", context, status=status)


@require_GET
def days(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    """Any member: the last two weeks day by day and the not-recorded ranges. Four queries
    after `child_for`, whatever the history."""
    return _page(request, child_for(request, child_id))


@require_POST
def day_confirm(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    """Owners and caregivers: the posted day is recorded. One confirmation per day and per
    client UUID, so a repeat or a second caregiver changes nothing. htmx from the home page
    gets today's status line back; otherwise back to where the day was confirmed."""
    child = child_for(request, child_id, Need.WRITE)
    form = DayConfirmForm(request.POST)
    if form.is_valid():
        day = form.cleaned_data["day"]
        try:
            confirmed = recording_days.confirm_day(
                child, request.user, key=form.cleaned_data["client_uuid"], day=day, confirmed_at=timezone.now()
            )
        except ClientUUIDConflict:
            return conflict_response(request)
        except ValidationError as error:
            form.add_error("day", error.message_dict.get("confirmed_on", error.messages))
        else:
            if request.htmx:
                context = day_status_context(child, today_count(child, timezone.now()))
                context |= {"child": child, "can_write": True}
                return render(request, "seizures/_day_status.html", context)
            if confirmed.created:
                messages.success(request, _("%(day)s is recorded.") % {"day": day.strftime("%d %b %Y")})
            if day == child.today():
                return redirect("seizures:home", child_id=child.public_id)
            return redirect("seizures:days", child_id=child.public_id)
    if request.htmx:
        # htmx swaps only successful answers: the status line comes back with the errors.
        context = day_status_context(child, today_count(child, timezone.now()))
        context |= {"child": child, "can_write": True, "confirm_form": form}
        return render(request, "seizures/_day_status.html", context)
    return _page(request, child, confirm_form=form, status=400)


@require_POST
def not_recorded_add(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    """Owners only: marks a range of days as not recorded."""
    child = child_for(request, child_id, Need.MANAGE)
    form = NotRecordedForm(request.POST, child=child)
    if not form.is_valid():
        return _page(request, child, range_form=form, status=400)
    recording_days.mark_not_recorded(child, request.user, form)
    messages.success(request, _("Those days are marked as not recorded."))
    return redirect("seizures:days", child_id=child.public_id)


@require_POST
def not_recorded_remove(request: AuthedRequest, child_id: UUID, range_id: UUID) -> HttpResponse:
    """Owners only: removes a not-recorded mark (another child's range is 404)."""
    child = child_for(request, child_id, Need.MANAGE)
    recording_days.unmark_not_recorded(child, request.user, range_id)
    messages.success(request, _("The mark was removed."))
    return redirect("seizures:days", child_id=child.public_id)
