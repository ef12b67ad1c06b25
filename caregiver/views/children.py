"""Adding, editing and deleting a child; the child's audit trail."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from caregiver import audit
from caregiver.access import AuthedRequest, Need, child_for
from caregiver.forms import ChildForm, ConfirmByNameForm
from caregiver.models import AuditEvent, Membership, Role


@require_http_methods(["GET", "POST"])
def child_add(request: AuthedRequest) -> HttpResponse:
    """Whoever adds a child becomes its first owner."""
    form = ChildForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            child = form.save()
            child.membership = Membership.objects.create(user=request.user, child=child, role=Role.OWNER)
            audit.record(request.user, "create", child=child, obj=child, summary=f"Added {child.name}")
        messages.success(request, _("%(name)s has been added.") % {"name": child.name})
        return redirect(child)
    return render(request, "caregiver/child_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def child_edit(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    child = child_for(request, child_id, Need.MANAGE)
    form = ChildForm(request.POST if request.method == "POST" else None, instance=child)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            changed = ", ".join(form.changed_data) or "nothing"
            audit.record(request.user, "edit", child=child, obj=child, summary=f"Changed {changed}")
        messages.success(request, _("Saved."))
        return redirect(child)
    return render(request, "caregiver/child_form.html", {"form": form, "child": child})


@require_http_methods(["GET", "POST"])
def child_delete(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    """Deletes the child and every record of them, after the owner types the name."""
    child = child_for(request, child_id, Need.MANAGE)
    form = ConfirmByNameForm(request.POST if request.method == "POST" else None, expected=child.name)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            name = child.name
            audit.record(request.user, "delete", obj=child, summary=f"Deleted child {name} and all records")
            child.delete()
        messages.success(request, _("%(name)s and all their records have been deleted.") % {"name": name})
        return redirect("home")
    return render(request, "caregiver/child_delete.html", {"form": form, "child": child})


@require_GET
def audit_trail(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    """Owners read who did what to the child's records, newest first, 50 to a page."""
    child = child_for(request, child_id, Need.MANAGE)
    events = AuditEvent.objects.filter(child=child).order_by("-at", "-id")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "caregiver/audit_trail.html", {"child": child, "page": page})
