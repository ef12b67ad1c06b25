"""Doses through the phone's outbox (kind "dose"): saved exactly once by client UUID, a dose
another caregiver gave meanwhile named in the answer, and bad entries refused."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from seizures.models import Dose
from tests.support.factories import make_medicine

pytestmark = pytest.mark.django_db
NEW_YORK = ZoneInfo("America/New_York")
DUE = datetime(2026, 5, 1, 8, 0, tzinfo=NEW_YORK)
NOW = datetime(2026, 5, 1, 9, 0, tzinfo=NEW_YORK)


@pytest.fixture
def medicine(child):
    child.time_zone = "America/New_York"
    child.save()
    return make_medicine(child, times=("08:00", "20:00"))


@pytest.fixture(autouse=True)
def _at_nine():
    with time_machine.travel(NOW, tick=False):
        yield


def send(client, child, entry: dict):
    return client.post(
        reverse("seizures:sync", args=[child.public_id]), json.dumps(entry), content_type="application/json"
    )


def dose(med, key=None, **fields) -> dict:
    return {
        "kind": "dose",
        "client_uuid": str(key or uuid.uuid4()),
        "medicine": str(med.public_id),
        "scheduled_at": DUE.astimezone(UTC).isoformat(),
        "status": "given",
        "given_at": datetime(2026, 5, 1, 8, 4, tzinfo=NEW_YORK).isoformat(),
    } | fields


def test_an_offline_dose_is_saved_once_however_often_it_is_sent(owner_client, child, medicine, owner) -> None:
    entry = dose(medicine)
    first, again = send(owner_client, child, entry), send(owner_client, child, entry)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["client_uuid"] == again.json()["client_uuid"] == entry["client_uuid"]
    stored = Dose.objects.get()
    assert stored.given_at == datetime(2026, 5, 1, 8, 4, tzinfo=NEW_YORK) and stored.logged_by == owner
    assert not stored.late and not stored.extra


def test_a_dose_given_meanwhile_by_someone_else_makes_this_one_extra_and_says_so(
    owner_client, child, medicine, caregiver_user
) -> None:
    send(owner_client, child, dose(medicine))
    other = Client()
    other.force_login(caregiver_user)
    answer = send(other, child, dose(medicine, given_at=datetime(2026, 5, 1, 8, 30, tzinfo=NEW_YORK).isoformat()))
    assert answer.status_code == 201
    assert answer.json()["notice"] == "Given by Alex at 08:04. This one is recorded as an extra dose."
    assert Dose.objects.filter(extra=True, logged_by=caregiver_user).count() == 1


def test_a_skip_after_a_given_dose_stores_nothing(owner_client, child, medicine) -> None:
    send(owner_client, child, dose(medicine))
    answer = send(owner_client, child, dose(medicine, status="skipped", reason="Asleep"))
    assert answer.status_code == 200 and answer.json()["notice"].endswith("Nothing was saved.")
    assert Dose.objects.count() == 1


def test_a_typed_time_is_read_on_the_childs_clock(owner_client, child, medicine) -> None:
    entry = dose(medicine, given_at_local="2026-05-01T08:15")
    del entry["given_at"]
    assert send(owner_client, child, entry).status_code == 201
    assert Dose.objects.get().given_at == datetime(2026, 5, 1, 8, 15, tzinfo=NEW_YORK)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"medicine": str(uuid.uuid4())}, "medicine"),
        ({"medicine": "not a uuid"}, "medicine"),
        ({"status": "maybe"}, "status"),
        ({"scheduled_at": "2026-05-01T13:00:00+00:00"}, "scheduled_at"),
        ({"scheduled_at": "2026-05-01T12:00:00"}, "scheduled_at"),
        ({"given_at": "2026-05-01T18:00:00+00:00"}, "given_at"),
        ({"given_at": "2026-04-29T08:00:00+00:00"}, "given_at"),
        ({"given_at_local": "2026-05-01T25:00"}, "given_at_local"),
        ({"reason": 5}, "reason"),
        ({"dose_mg": 5}, "dose_mg"),
    ],
)
def test_bad_dose_entries_are_refused_and_nothing_is_saved(owner_client, child, medicine, fields, field) -> None:
    answer = send(owner_client, child, dose(medicine, **fields))
    assert answer.status_code == 400 and field in answer.json()["errors"]
    assert not Dose.objects.exists()


def test_a_medicine_of_another_family_is_not_found(owner_client, child, medicine, outsider) -> None:
    theirs = make_medicine(outsider.memberships.get().child, times=("08:00",))
    answer = send(owner_client, child, dose(theirs))
    assert answer.status_code == 400 and not Dose.objects.exists()


def test_clinician_cannot_send_a_dose(client, child, medicine, clinician) -> None:
    client.force_login(clinician)
    assert send(client, child, dose(medicine)).status_code == 403
