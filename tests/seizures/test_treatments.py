"""Treatments: add, edit, stop; listed on the home page while ongoing."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from caregiver.models import AuditEvent
from seizures.models import Treatment, TreatmentKind
from tests.support.factories import make_treatment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2026, 6, 1, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        yield


def url(name: str, treatment) -> str:
    return reverse(f"seizures:{name}", args=[treatment.child.public_id, treatment.public_id])


def test_add_a_treatment(owner_client, child) -> None:
    response = owner_client.post(
        reverse("seizures:treatment-add", args=[child.public_id]),
        {"kind": "quinidine", "dose": "10 mg/kg/day", "started_on": "2026-05-20"},
    )
    assert response.status_code == 302
    treatment = Treatment.objects.get()
    assert (treatment.child, treatment.kind, treatment.stopped_on) == (child, "quinidine", None)
    assert AuditEvent.objects.filter(action="create", object_type="treatment").exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "other", "started_on": "2026-05-20"}, "name"),
        ({"kind": "acth", "started_on": "2026-05-20", "stopped_on": "2026-05-19"}, "stopped_on"),
        ({"kind": "acth", "started_on": "2020-01-01"}, "started_on"),
        ({"kind": "aspirin", "started_on": "2026-05-20"}, "kind"),
        ({"kind": "acth"}, "started_on"),
    ],
)
def test_invalid_treatment_shows_the_error_and_saves_nothing(owner_client, child, data, field) -> None:
    response = owner_client.post(reverse("seizures:treatment-add", args=[child.public_id]), data)
    assert response.status_code == 200 and field in response.context["form"].errors
    assert not Treatment.objects.exists()


def test_another_medicine_by_name(owner_client, child) -> None:
    owner_client.post(
        reverse("seizures:treatment-add", args=[child.public_id]),
        {"kind": "other", "name": "Levetiracetam", "started_on": "2026-05-20"},
    )
    assert Treatment.objects.get().label == "Levetiracetam"


def test_edit_and_stop(owner_client, child) -> None:
    treatment = make_treatment(child, started_on=date(2026, 4, 1))
    response = owner_client.post(
        url("treatment-edit", treatment), {"kind": "quinidine", "dose": "30 mg/kg/day", "started_on": "2026-04-01"}
    )
    assert response.status_code == 302
    assert owner_client.post(url("treatment-stop", treatment), {"stopped_on": "2026-05-31"}).status_code == 302
    treatment.refresh_from_db()
    assert (treatment.dose, treatment.stopped_on) == ("30 mg/kg/day", date(2026, 5, 31))
    assert AuditEvent.objects.filter(object_type="treatment").count() == 2


def test_stop_before_the_start_is_refused(owner_client, child) -> None:
    treatment = make_treatment(child, started_on=date(2026, 4, 1))
    response = owner_client.post(url("treatment-stop", treatment), {"stopped_on": "2026-03-01"})
    assert response.status_code == 400 and b"cannot be before the start" in response.content
    treatment.refresh_from_db()
    assert treatment.stopped_on is None


def test_list_groups_ongoing_planned_and_stopped(owner_client, child) -> None:
    make_treatment(child, TreatmentKind.QUINIDINE, started_on=date(2026, 4, 1))
    make_treatment(child, TreatmentKind.VNS, started_on=date(2026, 7, 1))
    make_treatment(child, TreatmentKind.ACTH, started_on=date(2026, 3, 2), stopped_on=date(2026, 3, 20))
    body = owner_client.get(reverse("seizures:treatments", args=[child.public_id])).content.decode()
    ongoing, rest = body.split("Planned")
    planned, stopped = rest.split("Stopped")
    assert "Quinidine" in ongoing and "Vagus nerve" in planned and "ACTH" in stopped
    home = owner_client.get(reverse("seizures:home", args=[child.public_id])).content.decode()
    assert "Quinidine" in home and "Vagus nerve" not in home and "ACTH" not in home


def test_clinician_reads_but_cannot_change(client, child, clinician) -> None:
    treatment = make_treatment(child, dose="10 mg")
    client.force_login(clinician)
    body = client.get(url("treatment-edit", treatment)).content.decode()
    assert "10 mg" in body and "<form" not in body.split("<main")[1]
    assert (
        client.post(url("treatment-edit", treatment), {"kind": "acth", "started_on": "2026-04-01"}).status_code == 403
    )
    assert client.post(url("treatment-stop", treatment), {"stopped_on": "2026-05-01"}).status_code == 403
    assert client.get(reverse("seizures:treatment-add", args=[child.public_id])).status_code == 403


def test_outsider_gets_404(client, child, outsider) -> None:
    treatment = make_treatment(child)
    client.force_login(outsider)
    assert client.get(url("treatment-edit", treatment)).status_code == 404
    assert client.get(reverse("seizures:treatments", args=[child.public_id])).status_code == 404
