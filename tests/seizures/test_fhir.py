"""The FHIR R4 export: every bundle parses and validates with the fhir.resources package (its
R4B models, which match R4 for these resources); one Observation per seizure with its period
in UTC offsets, its duration in seconds, its signs, sides and migration path in order; the
treatments and rescue doses beside them; streamed and audited like the CSV."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.http import StreamingHttpResponse
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle

from caregiver.models import AuditEvent
from seizures import recording_plan
from seizures.models import Dose, Episode, TreatmentKind
from seizures.reports import fhir
from tests.support.factories import make_episode, make_episodes, make_medicine, make_plan, make_treatment
from tests.support.streaming import size_and_peak

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fixed_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def export(client, child, status: int = 200, **query) -> dict:
    """The bundle as JSON, validated whole by fhir.resources (any error fails the test)."""
    response = client.get(reverse("seizures:export-fhir", args=[child.public_id]), query or {"period": "all"})
    assert response.status_code == status
    assert response["Content-Type"] == fhir.CONTENT_TYPE
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode()
    if status == 200:
        Bundle.model_validate_json(text)
    return json.loads(text)


def resources(bundle: dict, kind: str) -> list[dict]:
    return [entry["resource"] for entry in bundle["entry"] if entry["resource"]["resourceType"] == kind]


def components(observation: dict) -> dict[str, dict]:
    return {c["code"]["text"]: c for c in observation.get("component", [])}


def test_a_collection_with_the_child_and_one_observation_per_seizure(owner_client, child) -> None:
    make_episode(child, datetime(2026, 7, 1, 9, 30, tzinfo=UTC), duration_seconds=75)  # BST
    make_episode(child, datetime(2026, 1, 15, 9, 30, tzinfo=UTC), duration_seconds=None)  # GMT
    bundle = export(owner_client, child)
    assert (bundle["resourceType"], bundle["type"]) == ("Bundle", "collection")
    [patient] = resources(bundle, "Patient")
    # The name and birth date only: no other identifier leaves the app.
    assert patient == {"resourceType": "Patient", "name": [{"text": "Robin"}], "birthDate": "2026-03-01"}
    winter, summer = resources(bundle, "Observation")
    assert winter["code"]["coding"] == [{"system": fhir.SNOMED, "code": "91175000", "display": "Seizure (finding)"}]
    assert winter["effectivePeriod"] == {"start": "2026-01-15T09:30:00+00:00"}  # duration unknown: no end
    assert "valueQuantity" not in winter
    assert summer["effectivePeriod"] == {"start": "2026-07-01T10:30:00+01:00", "end": "2026-07-01T10:31:15+01:00"}
    assert summer["valueQuantity"] == {"value": 75, "unit": "s", "system": "http://unitsofmeasure.org", "code": "s"}
    subject = bundle["entry"][0]["fullUrl"]
    assert {o["subject"]["reference"] for o in (winter, summer)} == {subject}


def test_signs_sides_limbs_and_the_migration_path_in_order(owner_client, child) -> None:
    make_episode(
        child,
        datetime(2026, 11, 1, 8, 0, tzinfo=UTC),
        apnea=True,
        twitching=True,
        jerking=True,
        jerking_side="left",
        jerking_limb="arm",
        colour_change="blue",
        onset="asleep",
        seizure_type="focal_motor",
        path=[{"region": "left_arm", "at_seconds": 0}, {"region": "right_leg", "at_seconds": 40}],
        notes="Began in her sleep",
    )
    [seizure] = resources(export(owner_client, child), "Observation")
    parts = components(seizure)
    assert parts["Apnea"]["code"]["coding"][0]["code"] == "HP:0002104"
    assert parts["Apnea"]["valueBoolean"] is True
    # A sign without a code we stand behind goes as text.
    assert parts["Eyelid or tongue twitching"]["code"] == {"text": "Eyelid or tongue twitching"}
    side = parts["Jerking of an arm or leg: side"]["valueCodeableConcept"]
    assert side["coding"][0]["code"] == "7771000" and side["text"] == "Child’s left"
    limb = parts["Jerking of an arm or leg: limb"]["valueCodeableConcept"]
    assert limb["coding"][0]["code"] == "53120007"
    assert parts["Blue or grey (lips, face)"]["code"]["coding"][0]["code"] == "HP:0000961"
    assert parts["Onset state"]["valueCodeableConcept"] == {"text": "Asleep"}
    assert parts["Seizure type (ILAE 2017, given by the family)"]["valueCodeableConcept"] == {"text": "Focal motor"}
    steps = [c for c in seizure["component"] if c["code"]["text"].startswith("Migration step")]
    assert [(s["code"]["text"], s["valueQuantity"]["value"]) for s in steps] == [
        ("Migration step 1: Left arm", 0),
        ("Migration step 2: Right leg", 40),
    ]
    # Signs not seen are not sent.
    assert not {"Face flushing", "Head or eyes turn to one side", "Drooling"} & set(parts)
    assert seizure["note"] == [{"text": "Began in her sleep"}]


def test_treatments_and_rescue_doses_beside_the_seizures(owner_client, child) -> None:
    make_treatment(child, TreatmentKind.QUINIDINE, started_on=date(2026, 9, 1), dose="30 mg/kg/day")
    make_treatment(child, TreatmentKind.KETOGENIC_DIET, started_on=date(2026, 8, 1), stopped_on=date(2026, 10, 1))
    seizure = make_episode(
        child,
        datetime(2026, 11, 1, 8, 0, tzinfo=UTC),
        duration_seconds=420,
        rescue_medicine="Buccal midazolam 2.5 mg",
        rescue_given_at=datetime(2026, 11, 1, 8, 5, tzinfo=UTC),
    )
    make_episode(child, datetime(2026, 11, 2, 8, 0, tzinfo=UTC), rescue_medicine="Midazolam, time not noted")
    bundle = export(owner_client, child)
    [medicine] = resources(bundle, "MedicationStatement")
    assert medicine["medicationCodeableConcept"] == {"text": "Quinidine"}
    assert (medicine["status"], medicine["effectivePeriod"]) == ("active", {"start": "2026-09-01"})
    assert medicine["note"] == [{"text": "30 mg/kg/day"}]
    # A diet is no medicine: a Procedure, finished when it stopped.
    [diet] = resources(bundle, "Procedure")
    assert diet["status"] == "completed" and diet["performedPeriod"] == {"start": "2026-08-01", "end": "2026-10-01"}
    timed, untimed = resources(bundle, "MedicationAdministration")
    assert timed["effectiveDateTime"] == "2026-11-01T08:05:00+00:00"
    urls = {e["resource"].get("identifier", [{}])[0].get("value"): e["fullUrl"] for e in bundle["entry"]}
    assert timed["reasonReference"] == [{"reference": urls[f"urn:uuid:{seizure.public_id}"]}]
    # Its time not recorded: given at some point during the seizure.
    assert untimed["effectivePeriod"] == {"start": "2026-11-02T08:00:00+00:00", "end": "2026-11-02T08:01:30+00:00"}


def test_the_same_diary_exports_the_same_references(owner_client, child) -> None:
    make_episodes(child, 3, end=NOW - timedelta(hours=1))
    first, again = export(owner_client, child), export(owner_client, child)
    assert [e["fullUrl"] for e in first["entry"]] == [e["fullUrl"] for e in again["entry"]]
    assert len({e["fullUrl"] for e in first["entry"]}) == len(first["entry"])


def test_only_this_childs_live_seizures_in_the_dates_asked(owner_client, child, outsider) -> None:
    make_episode(child, datetime(2026, 11, 10, 8, tzinfo=UTC), notes="in")
    make_episode(child, datetime(2026, 10, 1, 8, tzinfo=UTC), notes="before the period")
    gone = make_episode(child, datetime(2026, 11, 11, 8, tzinfo=UTC), notes="deleted")
    Episode.objects.filter(pk=gone.pk).update(deleted_at=NOW)
    make_episode(outsider.memberships.get().child, datetime(2026, 11, 12, 8, tzinfo=UTC), notes="another family")
    bundle = export(owner_client, child, start="2026-11-01", end="2026-11-20")
    assert [o["note"][0]["text"] for o in resources(bundle, "Observation")] == ["in"]


def test_bad_dates_get_an_operation_outcome(owner_client, child) -> None:
    outcome = export(owner_client, child, status=400, start="2026-11-10", end="2026-11-01")
    assert outcome["resourceType"] == "OperationOutcome"
    assert outcome["issue"][0]["diagnostics"] == "The start date must be on or before the end date."
    assert export(owner_client, child, status=400, start="not a date", end="2026-11-01")["issue"]


def test_another_familys_child_is_not_found_and_clinicians_exports_are_recorded(client, child, clinician, outsider):
    url = reverse("seizures:export-fhir", args=[child.public_id])
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(clinician)
    make_episodes(child, 2, end=NOW - timedelta(hours=1))
    assert len(resources(export(client, child), "Observation")) == 2
    [event] = AuditEvent.objects.filter(child=child)
    assert (event.action, event.role) == ("export", "clinician")
    assert "FHIR" in event.summary


@pytest.mark.slow
def test_a_diary_of_5000_seizures_exports_5000_valid_observations(owner_client, child) -> None:
    make_episodes(child, 5000, end=NOW - timedelta(hours=1), spacing=timedelta(minutes=20))
    response = owner_client.get(reverse("seizures:export-fhir", args=[child.public_id]), {"period": "all"})
    assert isinstance(response, StreamingHttpResponse)
    bundle = Bundle.model_validate_json(b"".join(response.streaming_content))
    kinds = [entry.resource.get_resource_type() for entry in bundle.entry]
    assert kinds.count("Observation") == 5000 and kinds.count("Patient") == 1


@pytest.mark.slow
def test_memory_stays_flat_however_many_seizures(owner_client, child) -> None:
    def peak(count: int) -> int:
        Episode.objects.filter(child=child).delete()
        make_episodes(child, count, end=NOW - timedelta(hours=1), spacing=timedelta(minutes=5))
        response = owner_client.get(reverse("seizures:export-fhir", args=[child.public_id]), {"period": "all"})
        size, top = size_and_peak(response)
        assert size > count * 300
        return top

    small, large = peak(2 * fhir.CHUNK), peak(5 * fhir.CHUNK)
    assert large < small * 1.5


def test_dates_at_the_edges_of_the_calendar_stay_valid(owner_client, child) -> None:
    make_treatment(
        child, TreatmentKind.OTHER, name="Trial drug", started_on=date(1, 1, 10), stopped_on=date(9999, 12, 31)
    )
    [medicine] = resources(export(owner_client, child), "MedicationStatement")
    assert medicine["effectivePeriod"] == {"start": "0001-01-10", "end": "9999-12-31"}


def test_doses_given_and_skipped_and_rescue_doses_of_the_plan(owner_client, child, owner) -> None:
    medicine = make_medicine(child, "Phenobarbital", started_on=date(2026, 10, 1))
    due = datetime(2026, 11, 3, 8, 0, tzinfo=UTC)
    Dose.objects.create(child=child, medicine=medicine, scheduled_at=due, status="given",
                        given_at=due + timedelta(minutes=70), late=True, logged_by=owner)  # fmt: skip
    Dose.objects.create(child=child, medicine=medicine, scheduled_at=due + timedelta(hours=12), status="skipped",
                        reason="Vomited the feed", logged_by=owner)  # fmt: skip
    seizure = make_episode(child, datetime(2026, 11, 2, 9, 0, tzinfo=UTC), duration_seconds=400)
    plan = make_plan(child, owner)
    recording_plan.give(
        child, owner, key=uuid.uuid4(), medicine=plan.medicines.get(),
        given_at=datetime(2026, 11, 2, 9, 5, tzinfo=UTC), episode=seizure,
    )  # fmt: skip
    bundle = export(owner_client, child)
    given, skipped, rescue = resources(bundle, "MedicationAdministration")  # doses first, then rescue
    assert (given["status"], given["medicationCodeableConcept"]) == ("completed", {"text": "Phenobarbital"})
    assert given["effectiveDateTime"] == "2026-11-03T09:10:00+00:00" and given["note"] == [{"text": "Given late."}]
    assert skipped["status"] == "not-done" and skipped["statusReason"] == [{"text": "Vomited the feed"}]
    assert rescue["medicationCodeableConcept"] == {"text": "Midazolam"}
    assert rescue["dosage"] == {"text": "Midazolam 2.5 mg (0.5 mL), buccal (inside the cheek)"}
    assert rescue["reasonReference"] == [{"reference": f"urn:uuid:{seizure.public_id}"}]
