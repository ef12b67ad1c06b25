"""The seizure action plan: versions kept and audited, owners and clinicians write it,
caregivers read it, strangers never see it; its history, printed page and the timer's steps."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from caregiver.models import AuditEvent
from seizures import recording_plan
from seizures.plan_models import ActionPlan, RescueMedicine
from tests.conftest import make_user
from tests.support.factories import make_plan

pytestmark = pytest.mark.django_db


def _url(name: str, child) -> str:
    return reverse(f"seizures:{name}", args=[child.public_id])


def _post_data(**overrides) -> dict:
    data = {
        "emergency_number": "911",
        "written_by": "Dr Lee, neurology",
        "written_on": "2026-01-10",
        "notes": "",
        "step_0_minute": "0",
        "step_0_text": "Time it; side-lying; nothing in the mouth",
        "step_1_minute": "3",
        "step_1_text": "Give the rescue dose",
        "step_2_minute": "8",
        "step_2_text": "Call 911",
        "med_0_name": "Midazolam",
        "med_0_dose": "2.5 mg (0.5 mL)",
        "med_0_amount": "2.5",
        "med_0_unit": "mg",
        "med_0_route": "buccal",
        "med_0_min_interval_minutes": "10",
        "med_0_max_per_day": "2",
    }
    return data | overrides


def test_owner_saves_a_plan_as_version_one_with_its_medicine(owner_client, child, owner) -> None:
    response = owner_client.post(_url("plan-edit", child), _post_data())
    assert response.status_code == 302
    plan = ActionPlan.objects.get(child=child)
    assert plan.version == 1 and plan.saved_by == owner and plan.emergency_number == "911"
    assert [s["minute"] for s in plan.steps] == [0, 3, 8]
    medicine = RescueMedicine.objects.get(plan=plan)
    assert (medicine.name, medicine.min_interval_minutes, medicine.max_per_day) == ("Midazolam", 10, 2)
    event = AuditEvent.objects.get(object_type="actionplan")
    assert "version 1" in event.summary and event.actor == owner
    page = owner_client.get(_url("plan", child)).content.decode()
    assert "Call 911" in page and "Midazolam" in page and "Version 1" in page


def test_each_save_is_a_new_version_and_the_old_one_is_kept(owner_client, child) -> None:
    owner_client.post(_url("plan-edit", child), _post_data())
    owner_client.post(_url("plan-edit", child), _post_data(emergency_number="112", step_2_text="Call 112"))
    first, second = ActionPlan.objects.filter(child=child).order_by("version")
    assert (first.version, first.emergency_number) == (1, "911")
    assert (second.version, second.emergency_number) == (2, "112")
    assert RescueMedicine.objects.filter(child=child).count() == 2  # each version has its own copy
    assert AuditEvent.objects.filter(object_type="actionplan").count() == 2
    history = owner_client.get(_url("plan-history", child)).content.decode()
    assert "Version 2" in history and "Version 1" in history and "Call 911" in history and "Call 112" in history
    # The edit form starts from the current version.
    form = owner_client.get(_url("plan-edit", child)).content.decode()
    assert 'value="112"' in form


def test_without_a_plan_the_form_offers_a_suggestion_that_is_not_saved(owner_client, child) -> None:
    page = owner_client.get(_url("plan-edit", child)).content.decode()
    assert "not medical advice" in page and "Lay the child on their side" in page
    assert not ActionPlan.objects.exists()
    assert "No action plan is recorded yet" in owner_client.get(_url("plan", child)).content.decode()


def test_clinician_may_edit_the_plan(client, child, clinician) -> None:
    client.force_login(clinician)
    assert client.get(_url("plan-edit", child)).status_code == 200
    assert client.post(_url("plan-edit", child), _post_data()).status_code == 302
    plan = ActionPlan.objects.get(child=child)
    assert plan.saved_by == clinician
    assert AuditEvent.objects.get(object_type="actionplan").role == "clinician"


def test_clinician_gets_403_on_everything_else(client, child, clinician) -> None:
    make_plan(child)
    client.force_login(clinician)
    assert client.post(_url("rescue-give", child), {}).status_code == 403
    assert client.get(_url("rescue-give", child)).status_code == 403
    assert client.post(_url("treatment-add", child), {}).status_code == 403
    assert client.post(_url("tally-add", child), {}).status_code == 403
    page = client.get(_url("plan", child)).content.decode()
    assert "Change the plan" in page and "Log a rescue dose" not in page


def test_caregiver_reads_the_plan_but_cannot_change_it(client, child, caregiver_user) -> None:
    make_plan(child)
    client.force_login(caregiver_user)
    page = client.get(_url("plan", child)).content.decode()
    assert "Midazolam" in page and "Change the plan" not in page and "Log a rescue dose" in page
    assert client.get(_url("plan-edit", child)).status_code == 403
    assert client.post(_url("plan-edit", child), _post_data()).status_code == 403
    assert ActionPlan.objects.filter(child=child).count() == 1


@pytest.mark.parametrize("name", ["plan", "plan-edit", "plan-history", "plan-print", "rescue-give"])
def test_another_family_gets_404(client, child, name) -> None:
    make_plan(child)
    client.force_login(make_user("stranger@example.net"))
    assert client.get(_url(name, child)).status_code == 404
    assert client.post(_url(name, child), _post_data()).status_code in (404, 405)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"emergency_number": ""}, "emergency_number", "Give the number to call."),
        ({"step_1_text": ""}, "step_1_text", "Say what to do at this step."),
        ({"step_1_minute": ""}, "step_1_minute", "Give the minute this step applies from."),
        ({"step_1_minute": "-1"}, "step_1_minute", "greater than or equal to 0"),
        ({"step_1_minute": "1", "step_0_minute": "5"}, None, "Put the steps in order of their minute."),
        ({"med_0_min_interval_minutes": "0"}, "med_0_min_interval_minutes", "greater than or equal to 1"),
        ({"med_0_max_per_day": "0"}, "med_0_max_per_day", "greater than or equal to 1"),
        ({"med_0_amount": "-2"}, "med_0_amount", "greater than or equal to 0.001"),
        ({"med_0_route": ""}, "med_0_route", "Needed for each rescue medicine."),
        ({"written_on": "2999-01-01"}, "written_on", "Dates more than a year from now are not accepted."),
    ],
)
def test_bad_plans_are_refused_with_a_clear_message(owner_client, child, overrides, field, message) -> None:
    response = owner_client.post(_url("plan-edit", child), _post_data(**overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors[field or "__all__"])
    assert not ActionPlan.objects.exists()


def test_a_plan_needs_a_step(owner_client, child) -> None:
    data = {k: v for k, v in _post_data().items() if not k.startswith("step_")}
    response = owner_client.post(_url("plan-edit", child), data)
    assert "A plan needs at least one step." in response.content.decode()


def test_printable_page_shows_the_current_version(owner_client, child) -> None:
    make_plan(child)
    make_plan(child, emergency_number="999")
    page = owner_client.get(_url("plan-print", child)).content.decode()
    assert "999" in page and "Version 2" in page and "plan-print.css" in page
    assert "Midazolam" in page and "10 minutes" in page


def test_plan_pages_run_a_fixed_number_of_queries(owner_client, child) -> None:
    def counts() -> list[int]:
        found = []
        for name in ("plan", "plan-history", "plan-print"):
            with CaptureQueriesContext(connection) as context:
                assert owner_client.get(_url(name, child)).status_code == 200
            found.append(len(context))
        return found

    make_plan(child)
    counts()  # the first request also reads the session's first visit
    few = counts()
    for _ in range(4):
        make_plan(child)
    assert counts() == few and max(few) <= 10


def test_step_at_gives_the_step_begun_last(child) -> None:
    plan = make_plan(child)
    assert plan.step_at(0)["minute"] == 0
    assert plan.step_at(4.9)["minute"] == 0
    assert plan.step_at(5)["minute"] == 5
    assert plan.step_at(60)["minute"] == 10


def test_download_all_data_holds_the_plan_and_rescue_doses(owner_client, child, owner) -> None:
    medicine = make_plan(child).medicines.get()
    recording_plan.give(child, owner, key=uuid.uuid4(), medicine=medicine, given_at=timezone.now())
    (exported,) = owner_client.get("/account/export.json").json()["children"]
    plan = exported["action_plan"]
    assert plan["versions"][0]["version"] == 1 and plan["versions"][0]["emergency_number"] == "112"
    assert plan["versions"][0]["rescue_medicines"][0]["min_interval_minutes"] == 10
    assert plan["rescue_doses"][0]["given_by"] == owner.email and plan["rescue_doses"][0]["medicine"] == "Midazolam"
