"""The outbox's "uncountable" entry: a period too frequent to count started and ended from the
phone, offline or not, each saved exactly once by its client UUID."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from caregiver.models import AuditEvent
from seizures.models import UncountablePeriod
from tests.conftest import make_child, make_user

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOON, tick=False):
        yield


def start(key=None, at="2026-06-10T09:00:00+00:00", **fields) -> dict:
    return {"kind": "uncountable", "client_uuid": str(key or uuid.uuid4()), "action": "start", "at": at} | fields


def end(key=None, at="2026-06-10T11:30:00+00:00", **fields) -> dict:
    return {"kind": "uncountable", "client_uuid": str(key or uuid.uuid4()), "action": "end", "at": at} | fields


def send(client, child, data: dict):
    return client.post(
        reverse("seizures:sync", args=[child.public_id]), json.dumps(data), content_type="application/json"
    )


def test_a_start_and_an_end_sent_twice_are_saved_once(owner_client, child) -> None:
    started, ended = uuid.uuid4(), uuid.uuid4()
    answers = [
        send(owner_client, child, start(started)),
        send(owner_client, child, start(started)),
        send(owner_client, child, end(ended, started_key=str(started), estimated_count=120)),
        send(owner_client, child, end(ended, started_key=str(started), estimated_count=5)),
    ]
    assert [a.status_code for a in answers] == [201, 200, 201, 200]
    assert all(a.json()["client_uuid"] for a in answers)
    period = UncountablePeriod.objects.get(child=child)
    assert (period.started_at, period.ended_at, period.estimated_count) == (
        NOON - timedelta(hours=3), NOON - timedelta(minutes=30), 120,
    )  # fmt: skip
    assert AuditEvent.objects.filter(child=child, object_type="uncountableperiod").count() == 2


def test_a_replayed_end_never_ends_a_later_period(owner_client, child) -> None:
    ended = uuid.uuid4()
    send(owner_client, child, start())
    send(owner_client, child, end(ended))
    send(owner_client, child, start(at="2026-06-10T11:45:00+00:00"))
    assert send(owner_client, child, end(ended)).status_code == 200
    assert UncountablePeriod.objects.filter(child=child, ended_at__isnull=True).count() == 1


def test_a_second_phone_starting_keeps_the_period_going_on(owner_client, child) -> None:
    send(owner_client, child, start())
    assert send(owner_client, child, start(at="2026-06-10T09:10:00+00:00")).status_code == 200
    assert UncountablePeriod.objects.get(child=child).started_at == NOON - timedelta(hours=3)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (start(at="tomorrow"), "at"),
        (start(at="2026-06-11T09:00:00+00:00"), "started_at"),
        ({**start(), "action": "pause"}, "action"),
        (end(estimated_count=100001), "estimated_count"),
        (end(estimated_count="lots"), "estimated_count"),
        (end(estimated_count=True), "estimated_count"),
        (end(), "ended_at"),  # none going on
        ({**start(), "estimated_count": 3}, "estimated_count"),
    ],
)
def test_a_refused_entry_says_why_and_saves_nothing(owner_client, child, data, field) -> None:
    response = send(owner_client, child, data)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not UncountablePeriod.objects.exists()


def test_an_end_before_its_start_is_refused(owner_client, child) -> None:
    send(owner_client, child, start())
    response = send(owner_client, child, end(at="2026-06-10T08:00:00+00:00"))
    assert response.status_code == 400 and "ended_at" in response.json()["errors"]
    assert UncountablePeriod.objects.get().ended_at is None


def test_another_childs_key_is_refused(owner_client, child) -> None:
    other = make_child(make_user("other@example.com"), "Sam")
    theirs = UncountablePeriod.objects.create(child=other, started_at=NOON - timedelta(hours=1))
    response = send(owner_client, child, start(theirs.client_uuid))
    assert response.status_code == 409
    response = send(owner_client, child, end(started_key=str(theirs.client_uuid)))
    assert response.status_code == 409
    theirs.refresh_from_db()
    assert theirs.ended_at is None


def test_a_clinician_cannot_send_one(client, child, clinician) -> None:
    client.force_login(clinician)
    assert send(client, child, start()).status_code == 403
    assert not UncountablePeriod.objects.exists()
