"""Two caregivers tap Given for the same due dose on two phones at the same moment: one dose
is stored, and the other phone is told who gave it. Real concurrency: two threads, each on
its own database connection and transaction (on PostgreSQL, two server sessions)."""

from __future__ import annotations

import contextlib
import threading
import uuid
from datetime import UTC, datetime, time

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.urls import reverse

from seizures import dues
from seizures.models import Dose
from tests.support.factories import make_medicine

# Long enough for both requests to reach the insert when nothing keeps them apart; with the
# medicine's row lock the second waits for the first, and the first goes on once this has passed.
MEET_SECONDS = 3


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_givens_store_one_dose_and_warn_the_other(child, owner, caregiver_user, monkeypatch) -> None:
    medicine = make_medicine(child, times=("08:00",))
    meet = threading.Barrier(2, timeout=MEET_SECONDS)
    save = Dose.save

    def save_after_meeting(dose: Dose, *args, **kwargs) -> None:
        # Hold each new dose back until the other request has also decided to store one.
        if dose._state.adding:
            with contextlib.suppress(threading.BrokenBarrierError):
                meet.wait()
        save(dose, *args, **kwargs)

    monkeypatch.setattr(Dose, "save", save_after_meeting)
    answers: dict = {}
    traveller = time_machine.travel(datetime.combine(child.today(), time(8, 5), tzinfo=child.zone), tick=False)
    traveller.start()
    try:
        (slot,) = dues.due_list(child).now

        def tap(user) -> None:
            try:
                client = Client()
                client.force_login(user)
                data = {
                    "medicine": str(medicine.public_id),
                    "scheduled_at": slot.scheduled_at.astimezone(UTC).isoformat(),
                    "client_uuid": str(uuid.uuid4()),
                    "status": "given",
                }
                answers[user.pk] = client.post(reverse("seizures:dose-record", args=[child.public_id]), data)
            finally:
                connection.close()

        threads = [threading.Thread(target=tap, args=(user,)) for user in (owner, caregiver_user)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        traveller.stop()
    dose = Dose.objects.get()
    statuses = sorted(answers[user.pk].status_code for user in (owner, caregiver_user))
    assert statuses == [302, 409]
    loser = next(a for a in answers.values() if a.status_code == 409)
    assert f"Given by {dose.logged_by.name} at" in loser.content.decode()
