"""The outbox's "confirm" entry: a day confirmed on the phone, offline or not, is stored once,
and is late only if the phone's button was pressed after the day had ended."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse

from caregiver.models import AuditEvent
from seizures.models import DayConfirmation
from tests.conftest import make_child

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOON, tick=False):
        yield


def entry(key=None, **fields) -> dict:
    return {
        "kind": "confirm",
        "client_uuid": str(key or uuid.uuid4()),
        "day": "2026-06-10",
        "confirmed_at": "2026-06-10T12:00:00+00:00",
    } | fields


def send(client, child, data: dict):
    return client.post(
        reverse("seizures:sync", args=[child.public_id]), json.dumps(data), content_type="application/json"
    )


def test_a_confirmation_sent_twice_is_stored_once(owner_client, child) -> None:
    key = uuid.uuid4()
    first, again = send(owner_client, child, entry(key)), send(owner_client, child, entry(key))
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["client_uuid"] == again.json()["client_uuid"] == str(key)
    assert DayConfirmation.objects.get(child=child).confirmed_on == date(2026, 6, 10)
    assert AuditEvent.objects.filter(child=child, object_type="dayconfirmation").count() == 1


def test_an_evening_confirmation_sent_next_morning_is_not_late(owner_client, child) -> None:
    # Pressed at 23:30 in London on the 9th, reaching the server at 13:00 on the 10th.
    send(owner_client, child, entry(day="2026-06-09", confirmed_at="2026-06-09T22:30:00+00:00"))
    assert not DayConfirmation.objects.get(child=child).late


def test_a_day_pressed_after_it_ended_is_late(owner_client, child) -> None:
    send(owner_client, child, entry(day="2026-06-08"))
    assert DayConfirmation.objects.get(child=child).late


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"day": "2026-02-30"}, "day"),
        ({"day": 20260610}, "day"),
        ({"day": "2026-06-11"}, "confirmed_on"),
        ({"confirmed_at": "2026-06-10T12:00:00"}, "confirmed_at"),
        ({"confirmed_at": "2026-06-11T12:00:00+00:00"}, "confirmed_at"),
        ({"note": "x"}, "note"),
    ],
)
def test_an_unreadable_or_impossible_confirmation_is_refused(owner_client, child, fields, field) -> None:
    response = send(owner_client, child, entry(**fields))
    assert response.status_code == 400 and field in response.json()["errors"]
    assert not DayConfirmation.objects.exists()


def test_a_clinician_cannot_confirm_through_the_outbox(client, child, clinician) -> None:
    client.force_login(clinician)
    assert send(client, child, entry()).status_code == 403
    assert not DayConfirmation.objects.exists()


def test_a_key_of_another_childs_confirmation_is_refused(owner_client, child, owner) -> None:
    key = uuid.uuid4()
    send(owner_client, make_child(owner, name="Sam"), entry(key))
    assert send(owner_client, child, entry(key, day="2026-06-09")).status_code == 409
    assert not DayConfirmation.objects.filter(child=child).exists()
