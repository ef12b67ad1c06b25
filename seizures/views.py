"""Seizure logging views."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from caregiver.access import child_for


@require_GET
def child_home(request: HttpRequest, child_id: UUID) -> HttpResponse:
    child = child_for(request, child_id)
    return render(request, "seizures/home.html", {"child": child})
