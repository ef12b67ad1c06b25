"""Medicines, dose versions and the weight log: who may see and change them, what each form
refuses, mg/kg/day and the weight notice, and the migration that made medicines of the
existing treatments."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caregiver.models import AuditEvent
from seizures.models import Dose, DoseVersion, Medicine, Treatment, TreatmentKind, Weight
from tests.support.factories import make_medicine, make_treatment

pytestmark = pytest.mark.django_db

REVIEW = "ask the clinician whether doses need review"


def _add_data(**changes) -> dict:
    data = {
        "medicine-name": "Quinidine",
        "medicine-form": "liquid",
        "medicine-route": "tube",
        "medicine-started_on": "2026-04-02",
        "dose-dose": "2.5",
        "dose-dose_unit": "mL",
        "dose-strength": "10",
        "dose-schedule": "times",
        "dose-times_text": "20:00, 08:00",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _url(name: str, child, *args) -> str:
    return reverse(f"seizures:{name}", args=[child.public_id, *args])


def test_owner_adds_a_medicine_with_its_treatment_and_first_dose(owner_client, child) -> None:
    response = owner_client.post(_url("medicine-add", child), _add_data())
    medicine = Medicine.objects.get(child=child)
    assert response.status_code == 302 and response["Location"] == _url("medicine", child, medicine.public_id)
    # The charts' treatment bands read the treatment: a known medicine keeps its kind.
    assert medicine.treatment.kind == TreatmentKind.QUINIDINE and medicine.treatment.started_on == date(2026, 4, 2)
    version = medicine.versions.get()
    assert version.times == ["08:00", "20:00"] and version.mg_per_dose == Decimal("25")
    assert version.starts_on == date(2026, 4, 2) and version.mg_per_day == Decimal("50")
    assert AuditEvent.objects.filter(child=child, object_type="medicine", action="create").exists()


def test_a_medicine_not_on_the_list_is_another_medicine_with_its_name(owner_client, child) -> None:
    owner_client.post(_url("medicine-add", child), _add_data(**{"medicine-name": "Sultiame"}))
    treatment = Treatment.objects.get(child=child)
    assert treatment.kind == TreatmentKind.OTHER and treatment.label == "Sultiame"


def test_every_eight_hours_is_stored_as_its_clock_times(owner_client, child) -> None:
    data = _add_data(**{"dose-schedule": "every", "dose-every_hours": "8", "dose-first_at": "06:00"})
    owner_client.post(_url("medicine-add", child), data)
    version = DoseVersion.objects.get()
    assert version.times == ["06:00", "14:00", "22:00"] and version.every_hours == 8


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"dose-dose": "-1"}, "A dose is more than zero."),
        ({"dose-dose": "0"}, "A dose is more than zero."),
        ({"dose-dose": "250", "dose-strength": ""}, "check the number and the unit"),
        ({"dose-dose": "abc"}, "Enter a number."),
        ({"dose-dose_unit": "mg", "dose-dose": "20"}, "only for a dose measured in mL"),
        ({"dose-times_text": ""}, "Give at least one time of day."),
        ({"dose-times_text": "25:00"}, "Give times of day like 08:00"),
        ({"dose-schedule": "every", "dose-every_hours": "", "dose-first_at": "08:00"}, "Choose how many hours apart."),
        ({"dose-schedule": "every", "dose-every_hours": "5", "dose-first_at": "08:00"}, "Select a valid choice"),
        ({"medicine-stopped_on": "2026-04-01"}, "The stop date cannot be before the start date."),
        ({"medicine-started_on": "2026-01-01"}, "before the child’s date of birth"),
        ({"medicine-name": "  "}, "This field is required."),
    ],
)
def test_bad_medicines_are_refused_with_a_clear_message(owner_client, child, changes, message) -> None:
    response = owner_client.post(_url("medicine-add", child), _add_data(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Medicine.objects.exists() and not Treatment.objects.exists()


def test_a_dose_change_is_a_new_version_and_the_history_is_shown(owner_client, child, owner) -> None:
    medicine = make_medicine(child, dose="50")
    data = {
        "dose-starts_on": "2026-05-01",
        "dose-dose": "75",
        "dose-dose_unit": "mg",
        "dose-schedule": "times",
        "dose-times_text": "08:00, 20:00",
    }
    response = owner_client.post(_url("medicine-dose-change", child, medicine.public_id), data)
    assert response.status_code == 302
    assert [v.dose for v in medicine.versions.order_by("starts_on")] == [Decimal("50"), Decimal("75")]
    page = owner_client.get(_url("medicine", child, medicine.public_id)).content.decode()
    assert "From 1 May 2026:" in page and "From 1 Apr 2026:" in page and "75 mg at 08:00, 20:00" in page


def test_a_dose_change_before_the_start_is_refused(owner_client, child) -> None:
    medicine = make_medicine(child, started_on=date(2026, 4, 1))
    data = {"dose-starts_on": "2026-03-20", "dose-dose": "75", "dose-dose_unit": "mg", "dose-schedule": "times",
            "dose-times_text": "08:00"}  # fmt: skip
    response = owner_client.post(_url("medicine-dose-change", child, medicine.public_id), data)
    assert response.status_code == 400 and "cannot come before the medicine was started" in response.content.decode()
    assert medicine.versions.count() == 1


def test_stopping_a_medicine_stops_its_treatment(owner_client, child) -> None:
    medicine = make_medicine(child)
    owner_client.post(_url("medicine-stop", child, medicine.public_id), {"stopped_on": "2026-05-03"})
    assert Treatment.objects.get().stopped_on == date(2026, 5, 3)


def test_mg_per_kg_per_day_uses_the_latest_weight(owner_client, child) -> None:
    make_medicine(child, dose="2.5", dose_unit="mL", strength="10", started_on=date(2026, 4, 1))
    Weight.objects.create(child=child, measured_on=date(2026, 4, 1), kg=Decimal("4.0"))
    Weight.objects.create(child=child, measured_on=date(2026, 4, 20), kg=Decimal("4.2"))
    page = owner_client.get(_url("medicines", child)).content.decode()
    # 2.5 mL × 10 mg/mL × 2 a day = 50 mg a day, over 4.2 kg.
    assert "11.9 mg/kg/day at 4.20 kg" in page and "2.5 mL at 08:00, 20:00" in page and "(10 mg/mL)" in page
    assert REVIEW not in page  # +5 %: no notice


def test_a_weight_change_of_ten_percent_asks_for_a_review(owner_client, child) -> None:
    make_medicine(child, started_on=date(2026, 4, 1))
    Weight.objects.create(child=child, measured_on=date(2026, 3, 30), kg=Decimal("4.0"))
    Weight.objects.create(child=child, measured_on=date(2026, 5, 20), kg=Decimal("4.4"))
    page = owner_client.get(_url("medicines", child)).content.decode()
    assert REVIEW in page


def test_no_dose_is_ever_suggested_without_a_weight(owner_client, child) -> None:
    make_medicine(child)
    page = owner_client.get(_url("medicines", child)).content.decode()
    assert "mg/kg/day shows once one is" in page and "mg/kg/day at" not in page


@pytest.mark.parametrize(("kg", "saved"), [("0.4", False), ("50.01", False), ("abc", False), ("3.75", True)])
def test_weights_are_held_between_half_a_kilo_and_fifty(owner_client, child, kg, saved) -> None:
    response = owner_client.post(_url("weights", child), {"measured_on": "2026-05-01", "kg": kg})
    assert Weight.objects.exists() is saved
    if not saved:
        assert response.status_code == 200 and "errorlist" in response.content.decode()


def test_clinician_reads_but_cannot_change(client, child, clinician) -> None:
    medicine = make_medicine(child)
    client.force_login(clinician)
    assert client.get(_url("medicines", child)).status_code == 200
    assert client.get(_url("medicine", child, medicine.public_id)).status_code == 200
    assert client.get(_url("weights", child)).status_code == 200
    assert client.get(_url("medicine-add", child)).status_code == 403
    assert client.post(_url("medicine-add", child), _add_data()).status_code == 403
    assert client.post(_url("weights", child), {"measured_on": "2026-05-01", "kg": "4"}).status_code == 403
    stop = _url("medicine-stop", child, medicine.public_id)
    assert client.post(stop, {"stopped_on": "2026-05-01"}).status_code == 403
    assert Medicine.objects.count() == 1 and not Weight.objects.exists()


def test_caregiver_may_add(client, child, caregiver_user) -> None:
    client.force_login(caregiver_user)
    assert client.post(_url("medicine-add", child), _add_data()).status_code == 302


def test_another_family_gets_404(client, child, outsider) -> None:
    medicine = make_medicine(child)
    client.force_login(outsider)
    assert client.get(_url("medicines", child)).status_code == 404
    assert client.get(_url("medicine", child, medicine.public_id)).status_code == 404
    assert client.post(_url("medicine-add", child), _add_data()).status_code == 404


def test_a_medicine_of_another_child_is_404_even_for_a_member(owner_client, child, outsider) -> None:
    other_child = outsider.memberships.get().child
    other = make_medicine(other_child)
    assert owner_client.get(_url("medicine", child, other.public_id)).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, child) -> None:
    response = client.get(_url("medicines", child))
    assert response.status_code == 302 and "login" in response["Location"]


def test_wrong_method_is_405(owner_client, child) -> None:
    medicine = make_medicine(child)
    assert owner_client.get(_url("medicine-dose-change", child, medicine.public_id)).status_code == 405
    assert owner_client.get(_url("dose-record", child)).status_code == 405


def test_the_medicines_page_runs_the_same_queries_whatever_the_history(owner_client, child) -> None:
    make_medicine(child)
    owner_client.get(_url("medicines", child))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert owner_client.get(_url("medicines", child)).status_code == 200
        return len(queries)

    small = count()
    for n in range(5):
        make_medicine(child, name=f"Medicine {n}")
        Weight.objects.create(child=child, measured_on=date(2026, 4, 1) + timedelta(days=n), kg=Decimal("4"))
    assert count() == small


def test_a_medicine_treatment_from_the_treatments_page_gets_its_medicine(owner_client, child) -> None:
    data = {"kind": "phenytoin", "started_on": "2026-04-01", "dose": "5 mg/kg/day"}
    owner_client.post(reverse("seizures:treatment-add", args=[child.public_id]), data)
    owner_client.post(reverse("seizures:treatment-add", args=[child.public_id]), {"kind": "ketogenic_diet",
                      "started_on": "2026-04-01"})  # fmt: skip
    assert [m.name for m in Medicine.objects.all()] == ["Phenytoin"]


def test_the_migration_makes_a_medicine_of_each_medicine_treatment_and_loses_nothing(child) -> None:
    quinidine = make_treatment(child, TreatmentKind.QUINIDINE, dose="10 mg/kg/day")
    other = make_treatment(child, TreatmentKind.OTHER, name="Levetiracetam")
    make_treatment(child, TreatmentKind.KETOGENIC_DIET)
    make_treatment(child, TreatmentKind.VNS)
    before = list(Treatment.objects.order_by("pk").values())
    import_module("seizures.migrations.0009_medicines").medicines_from_treatments(apps, None)
    assert {(m.treatment_id, m.name) for m in Medicine.objects.all()} == {
        (quinidine.pk, "Quinidine"),
        (other.pk, "Levetiracetam"),
    }
    assert list(Treatment.objects.order_by("pk").values()) == before


def test_download_all_data_holds_medicines_weights_and_doses(owner_client, child, owner) -> None:
    medicine = make_medicine(child, dose="2.5", dose_unit="mL", strength="10", user=owner)
    Weight.objects.create(child=child, measured_on=date(2026, 4, 2), kg=Decimal("4.35"), logged_by=owner)
    due = medicine.treatment.started_on
    Dose.objects.create(child=child, medicine=medicine, scheduled_at=f"{due}T07:00:00+00:00", status="skipped",
                        reason="Asleep", logged_by=owner)  # fmt: skip
    (exported,) = owner_client.get("/account/export.json").json()["children"]
    data = exported["medicines"]
    assert data["medicines"][0]["versions"] == [
        {"from": "2026-04-01", "dose": "2.5", "unit": "mL", "strength_mg_per_ml": "10", "times": ["08:00", "20:00"],
         "every_hours": None, "set_by": owner.email}
    ]  # fmt: skip
    assert data["weights"] == [{"weighed_on": "2026-04-02", "kg": "4.35", "logged_by": owner.email}]
    assert data["doses"][0]["status"] == "skipped" and data["doses"][0]["reason"] == "Asleep"


def test_correcting_the_name_moves_the_treatment_with_it(owner_client, child) -> None:
    medicine = make_medicine(child, "Quinidin")
    url = _url("medicine-edit", child, medicine.public_id)
    data = {"details-name": "Quinidine", "details-form": "capsule", "details-route": "tube"}
    assert owner_client.post(url, data).status_code == 302
    medicine.refresh_from_db()
    assert (medicine.name, medicine.form, medicine.route) == ("Quinidine", "capsule", "tube")
    assert medicine.treatment.kind == TreatmentKind.QUINIDINE and medicine.treatment.label == "Quinidine"
    assert AuditEvent.objects.filter(object_type="medicine", summary="Edited Quinidin: name, form, route").exists()


def test_a_correction_without_a_name_is_refused(owner_client, child) -> None:
    medicine = make_medicine(child)
    response = owner_client.post(_url("medicine-edit", child, medicine.public_id), {"details-name": " "})
    assert response.status_code == 400 and "errorlist" in response.content.decode()
    medicine.refresh_from_db()
    assert medicine.name == "Levetiracetam"


def test_clinician_cannot_correct_a_medicine(client, child, clinician) -> None:
    medicine = make_medicine(child)
    client.force_login(clinician)
    response = client.post(_url("medicine-edit", child, medicine.public_id), {"details-name": "Other"})
    assert response.status_code == 403
    page = client.get(_url("medicine", child, medicine.public_id)).content.decode()
    assert "Correct the name" not in page and "Change the dose" not in page


def test_the_medicine_page_runs_the_same_queries_whatever_the_history(owner_client, child) -> None:
    medicine = make_medicine(child)
    url = _url("medicine", child, medicine.public_id)
    owner_client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert owner_client.get(url).status_code == 200
        return len(queries)

    small = count()
    for n in range(40):
        Dose.objects.create(child=child, medicine=medicine, scheduled_at=f"2026-04-{1 + n % 28:02d}T{7 + n // 28}:00Z",
                            status="given", given_at=f"2026-04-{1 + n % 28:02d}T08:00Z")  # fmt: skip
        Weight.objects.create(child=child, measured_on=date(2026, 4, 1) + timedelta(days=n % 20), kg=Decimal("4"))
    assert count() == small


def test_a_medicines_treatment_keeps_its_kind_and_name_from_the_medicine(owner_client, child) -> None:
    medicine = make_medicine(child)
    url = reverse("seizures:treatment-edit", args=[child.public_id, medicine.treatment.public_id])
    page = owner_client.get(url).content.decode()
    assert "its name, doses and schedule are on its page" in page and 'name="kind"' not in page
    owner_client.post(url, {"kind": "vns", "name": "x", "started_on": "2026-04-03", "dose": "", "notes": ""})
    medicine.treatment.refresh_from_db()
    assert medicine.treatment.kind == TreatmentKind.OTHER and medicine.treatment.name == "Levetiracetam"
    assert medicine.treatment.started_on == date(2026, 4, 3)


def test_a_mistyped_weight_can_be_removed_by_the_family_only(owner_client, child, clinician, outsider) -> None:
    weight = Weight.objects.create(child=child, measured_on=date(2026, 4, 1), kg=Decimal("42"))
    url = _url("weight-remove", child, weight.public_id)
    reader = Client()
    reader.force_login(clinician)
    assert reader.post(url).status_code == 403
    other = outsider.memberships.get().child
    theirs = Weight.objects.create(child=other, measured_on=date(2026, 4, 1), kg=Decimal("4"))
    assert owner_client.post(_url("weight-remove", child, theirs.public_id)).status_code == 404
    assert owner_client.post(url).status_code == 302
    assert list(Weight.objects.all()) == [theirs]
    assert AuditEvent.objects.filter(child=child, action="delete", object_type="weight").exists()


def test_the_dose_change_form_starts_from_the_current_dose(owner_client, child) -> None:
    medicine = make_medicine(child, dose="2.5", dose_unit="mL", strength="10", times=("07:00", "19:00"))
    page = owner_client.get(_url("medicine", child, medicine.public_id)).content.decode()
    assert 'name="dose-dose" value="2.5"' in page and 'name="dose-strength" value="10"' in page
    assert 'value="07:00, 19:00"' in page
