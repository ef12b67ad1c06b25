"""The dose log: the due list on the child's page in local time, Given / Skipped, late doses,
a dose someone else already gave (named, and only given again on an explicit confirmation,
as an extra dose), one dose per key, and who may log."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from caregiver.models import AuditEvent
from seizures import dues
from seizures.models import Dose
from tests.support.factories import make_medicine

pytestmark = pytest.mark.django_db
NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def ny_child(child):
    child.time_zone = "America/New_York"
    child.save()
    return child


def _local(*args) -> datetime:
    return datetime(*args, tzinfo=NEW_YORK)


def _home(child) -> str:
    return reverse("seizures:home", args=[child.public_id])


def _give(client, child, med, due: datetime, **extra):
    data = {
        "medicine": str(med.public_id),
        "scheduled_at": due.astimezone(UTC).isoformat(),
        "client_uuid": str(extra.pop("key", uuid.uuid4())),
        "status": extra.pop("status", "given"),
        **extra,
    }
    return client.post(reverse("seizures:dose-record", args=[child.public_id]), data)


def test_the_due_list_shows_overdue_doses_first_then_the_next(ny_child) -> None:
    late = make_medicine(ny_child, "Phenobarbital", times=("06:00", "18:00"))
    make_medicine(ny_child, "Levetiracetam", times=("08:00", "20:00"))
    with time_machine.travel(_local(2026, 5, 1, 8, 10), tick=False):
        due = dues.due_list(ny_child)
    assert [(s.medicine.name, s.scheduled_at.astimezone(NEW_YORK).hour) for s in due.now] == [
        ("Phenobarbital", 6),
        ("Levetiracetam", 8),
    ]
    assert due.now[0].late and due.now[1].overdue and not due.now[1].late
    assert [(s.medicine.name, s.scheduled_at.astimezone(NEW_YORK).hour) for s in due.next] == [
        ("Phenobarbital", 18),
        ("Levetiracetam", 20),
    ]
    assert late.public_id == due.now[0].medicine.public_id


def test_home_page_offers_given_and_skipped_in_local_time(owner_client, ny_child) -> None:
    make_medicine(ny_child, times=("08:00", "20:00"))
    with time_machine.travel(_local(2026, 5, 1, 7, 45), tick=False):
        page = owner_client.get(_home(ny_child)).content.decode()
    assert "due at 08:00" in page and 'value="given"' in page and 'value="skipped"' in page


def test_a_stopped_or_not_yet_started_medicine_is_not_due(ny_child) -> None:
    make_medicine(ny_child, times=("08:00",), started_on=date(2026, 5, 2))
    with time_machine.travel(_local(2026, 5, 1, 8, 0), tick=False):
        due = dues.due_list(ny_child)
    assert due.now == [] and due.next[0].scheduled_at == _local(2026, 5, 2, 8, 0)


def test_given_stores_who_and_when_and_home_says_so(owner_client, ny_child, owner) -> None:
    medicine = make_medicine(ny_child, times=("08:00", "20:00"))
    with time_machine.travel(_local(2026, 5, 1, 8, 2), tick=False):
        response = _give(owner_client, ny_child, medicine, _local(2026, 5, 1, 8, 0))
        assert response.status_code == 302 and response["Location"] == _home(ny_child)
        page = owner_client.get(_home(ny_child)).content.decode()
    dose = Dose.objects.get()
    assert dose.logged_by == owner and dose.given_at == _local(2026, 5, 1, 8, 2) and not dose.late
    assert "Given by Alex at 08:02" in page and "Nothing due now." in page
    assert AuditEvent.objects.filter(child=ny_child, object_type="dose", action="create").exists()


def test_a_dose_logged_later_keeps_the_time_it_was_given(owner_client, ny_child) -> None:
    medicine = make_medicine(ny_child, times=("08:00",))
    with time_machine.travel(_local(2026, 5, 1, 11, 0), tick=False):
        _give(owner_client, ny_child, medicine, _local(2026, 5, 1, 8, 0), given_at="2026-05-01T08:00")
    dose = Dose.objects.get()
    assert dose.given_at == _local(2026, 5, 1, 8, 0) and not dose.late


def test_a_dose_given_over_an_hour_after_it_was_due_is_late(owner_client, ny_child) -> None:
    medicine = make_medicine(ny_child, times=("08:00",))
    with time_machine.travel(_local(2026, 5, 1, 9, 30), tick=False):
        _give(owner_client, ny_child, medicine, _local(2026, 5, 1, 8, 0))
        page = owner_client.get(reverse("seizures:medicine", args=[ny_child.public_id, medicine.public_id]))
    assert Dose.objects.get().late and "late" in page.content.decode()


def test_skipped_keeps_its_reason(owner_client, ny_child) -> None:
    medicine = make_medicine(ny_child, times=("08:00",))
    with time_machine.travel(_local(2026, 5, 1, 8, 5), tick=False):
        _give(owner_client, ny_child, medicine, _local(2026, 5, 1, 8, 0), status="skipped", reason="Vomited")
    dose = Dose.objects.get()
    assert dose.status == "skipped" and dose.reason == "Vomited" and dose.given_at is None


def test_a_dose_someone_gave_is_named_and_giving_again_needs_a_confirmation(
    owner_client, ny_child, caregiver_user
) -> None:
    medicine = make_medicine(ny_child, times=("08:00",))
    due = _local(2026, 5, 1, 8, 0)
    client = Client()
    client.force_login(caregiver_user)
    with time_machine.travel(_local(2026, 5, 1, 8, 2), tick=False):
        _give(owner_client, ny_child, medicine, due)
    with time_machine.travel(_local(2026, 5, 1, 8, 5), tick=False):
        warned = _give(client, ny_child, medicine, due)
        page = warned.content.decode()
        assert warned.status_code == 409 and "Given by Alex at 08:02" in page
        assert "Yes, give another dose (already given by Alex)" in page
        assert Dose.objects.count() == 1
        confirmed = _give(client, ny_child, medicine, due, extra="on")
    assert confirmed.status_code == 302
    extra = Dose.objects.get(extra=True)
    assert extra.logged_by == caregiver_user and Dose.objects.count() == 2
    assert "extra dose" in AuditEvent.objects.filter(object_type="dose").latest("pk").summary


def test_a_skipped_dose_is_named_before_a_given_one_is_added(owner_client, ny_child) -> None:
    medicine = make_medicine(ny_child, times=("08:00",))
    due = _local(2026, 5, 1, 8, 0)
    with time_machine.travel(_local(2026, 5, 1, 8, 5), tick=False):
        _give(owner_client, ny_child, medicine, due, status="skipped", reason="Asleep")
        warned = _give(owner_client, ny_child, medicine, due)
        again = _give(owner_client, ny_child, medicine, due, status="skipped")
    assert warned.status_code == 409 and "Skipped by Alex" in warned.content.decode()
    assert "record it as an extra dose" in warned.content.decode()
    assert again.status_code == 409 and Dose.objects.count() == 1


def test_the_same_tap_sent_twice_stores_one_dose(owner_client, ny_child) -> None:
    medicine = make_medicine(ny_child, times=("08:00",))
    key = uuid.uuid4()
    with time_machine.travel(_local(2026, 5, 1, 8, 5), tick=False):
        first = _give(owner_client, ny_child, medicine, _local(2026, 5, 1, 8, 0), key=key)
        second = _give(owner_client, ny_child, medicine, _local(2026, 5, 1, 8, 0), key=key)
    assert first.status_code == second.status_code == 302 and Dose.objects.count() == 1


def test_a_key_of_another_child_is_refused(owner_client, ny_child, outsider) -> None:
    medicine = make_medicine(ny_child, times=("08:00",))
    other_child = outsider.memberships.get().child
    other = make_medicine(other_child, times=("08:00",))
    key = uuid.uuid4()
    Dose.objects.create(child=other_child, medicine=other, scheduled_at=_local(2026, 5, 1, 8), status="given",
                        given_at=_local(2026, 5, 1, 8), client_uuid=key)  # fmt: skip
    with time_machine.travel(_local(2026, 5, 1, 8, 5), tick=False):
        response = _give(owner_client, ny_child, medicine, _local(2026, 5, 1, 8, 0), key=key)
    assert response.status_code == 409 and Dose.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"scheduled_at": "2026-05-01T12:30:00+00:00"}, "No dose of this medicine is due at that time."),
        ({"scheduled_at": "yesterday"}, "could not be read"),
        ({"scheduled_at": "2026-05-01T08:00:00"}, "could not be read"),
        ({"given_at": "2026-05-01T09:00"}, "This time is in the future."),
        ({"given_at": "2026-04-30T06:00"}, "long before the dose was due"),
        ({"status": "maybe"}, "Select a valid choice"),
        ({"medicine": str(uuid.uuid4())}, "not on this child’s list"),
    ],
)
def test_bad_taps_are_refused_with_a_clear_message(owner_client, ny_child, changes, message) -> None:
    medicine = make_medicine(ny_child, times=("08:00",))
    with time_machine.travel(_local(2026, 5, 1, 8, 5), tick=False):
        # What `changes` names replaces what the page would have sent.
        response = _give(owner_client, ny_child, medicine, _local(2026, 5, 1, 8, 0), **changes)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Dose.objects.exists()


def test_the_spring_forward_dose_is_due_at_three_and_given_once(owner_client, ny_child) -> None:
    medicine = make_medicine(ny_child, times=("02:30",), started_on=date(2026, 3, 1))
    with time_machine.travel(_local(2026, 3, 8, 3, 5), tick=False):
        page = owner_client.get(_home(ny_child)).content.decode()
        assert "due at 03:00" in page
        (slot,) = dues.due_list(ny_child).now
        _give(owner_client, ny_child, medicine, slot.scheduled_at)
    assert Dose.objects.get().scheduled_at == datetime(2026, 3, 8, 7, 0, tzinfo=UTC)


def test_clinician_cannot_log_a_dose_and_sees_no_buttons(client, ny_child, clinician) -> None:
    medicine = make_medicine(ny_child, times=("08:00",))
    client.force_login(clinician)
    with time_machine.travel(_local(2026, 5, 1, 8, 5), tick=False):
        assert _give(client, ny_child, medicine, _local(2026, 5, 1, 8, 0)).status_code == 403
        page = client.get(_home(ny_child)).content.decode()
    assert "due at 08:00" in page and 'value="given"' not in page
    assert not Dose.objects.exists()


def test_another_family_gets_404(client, ny_child, outsider) -> None:
    medicine = make_medicine(ny_child, times=("08:00",))
    client.force_login(outsider)
    with time_machine.travel(_local(2026, 5, 1, 8, 5), tick=False):
        assert _give(client, ny_child, medicine, _local(2026, 5, 1, 8, 0)).status_code == 404


def test_doses_csv_lists_each_dose_in_local_time(owner_client, ny_child) -> None:
    # After the diary began (the child was made today), as the report's periods require.
    day = ny_child.today() + timedelta(days=3)
    medicine = make_medicine(ny_child, "=cmd", times=("08:00",), started_on=day)
    with time_machine.travel(_local(day.year, day.month, day.day, 9, 30), tick=False):
        _give(owner_client, ny_child, medicine, _local(day.year, day.month, day.day, 8, 0))
        url = reverse("seizures:export-doses-csv", args=[ny_child.public_id])
        response = owner_client.get(f"{url}?period=custom&start={day}&end={day}")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    header, row = text.lstrip("\ufeff").splitlines()
    assert header.startswith("dose_id,medicine,due_at,status,given_at,late,extra")
    offset = _local(day.year, day.month, day.day, 8).strftime("%z")
    offset = f"{offset[:3]}:{offset[3:]}"
    assert f",'=cmd,{day}T08:00:00{offset},given,{day}T09:30:00{offset},1,0," in row
