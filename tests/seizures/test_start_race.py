"""Two caregivers press "Seizure now" on phones without script at the same instant: one
seizure is timed, and both phones open its timer; a phone joins a seizure while another
ticks a sign on it: both are saved. Real concurrency: two threads, each on its own database
connection and transaction (on PostgreSQL, two server sessions)."""

from __future__ import annotations

import contextlib
import threading
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from caregiver import audit
from caregiver.models import Child
from seizures import recording
from seizures.models import Episode, JoinedStart

# Long enough for both requests to reach the insert when nothing keeps them apart; with the
# child's row lock the second waits for the first, and the first goes on once this has passed.
MEET_SECONDS = 3


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_no_script_starts_make_one_seizure(child, owner, caregiver_user, monkeypatch) -> None:
    meet = threading.Barrier(2, timeout=MEET_SECONDS)
    save = Episode.save

    def save_after_meeting(episode: Episode, *args, **kwargs) -> None:
        # Hold each new seizure back until the other request has also decided to create one.
        if episode._state.adding:
            with contextlib.suppress(threading.BrokenBarrierError):
                meet.wait()
        save(episode, *args, **kwargs)

    monkeypatch.setattr(Episode, "save", save_after_meeting)
    answers: dict = {}

    def press(user) -> None:
        try:
            client = Client()
            client.force_login(user)
            url = reverse("seizures:episode-start", args=[child.public_id])
            answers[user.pk] = client.post(url, {"client_uuid": uuid.uuid4()})
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(user,)) for user in (owner, caregiver_user)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    episode = Episode.objects.get()
    timer = reverse("seizures:timer", args=[child.public_id, episode.public_id])
    assert [answers[user.pk]["Location"] for user in (owner, caregiver_user)] == [timer, timer]


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="SQLite lets one writer in at a time")
@pytest.mark.django_db(transaction=True)
def test_a_phone_joins_a_seizure_while_another_ticks_a_sign_on_it(child, owner, caregiver_user, monkeypatch) -> None:
    """The ticking phone holds the seizure's row and still has to write its audit event (which
    refers to the child's row); the joining phone holds the child's row and has to write its
    join (which refers to the seizure's row). Neither lock may stop the other's reference, or
    the two wait for each other until PostgreSQL kills one (a 500 under load)."""
    running = Episode.objects.create(child=child, started_at=timezone.now(), in_progress=True, logged_by=owner)
    ticking = threading.Event()  # the ticking phone holds the seizure's row
    joining = threading.Event()  # the joining phone holds the child's row
    record, lock = audit.record, Child.lock

    def record_when_both_hold(*args, **kwargs):
        if threading.current_thread().name == "tick" and not ticking.is_set():
            ticking.set()
            joining.wait(timeout=MEET_SECONDS)
        return record(*args, **kwargs)

    def lock_and_say_so(self) -> None:
        lock(self)
        if threading.current_thread().name == "join":
            joining.set()

    monkeypatch.setattr(audit, "record", record_when_both_hold)
    monkeypatch.setattr(Child, "lock", lock_and_say_so)
    failures: list[BaseException] = []

    def run(work) -> None:
        try:
            work()
        except BaseException as error:  # reported below
            failures.append(error)
        finally:
            connection.close()

    def tick() -> None:
        recording.set_value(child, owner, running.public_id, "apnea", True)

    def join() -> None:
        ticking.wait(timeout=MEET_SECONDS)
        recording.start(child, caregiver_user, key=uuid.uuid4(), started_at=timezone.now())

    threads = [threading.Thread(target=run, args=(work,), name=work.__name__) for work in (tick, join)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    running.refresh_from_db()
    assert running.apnea and JoinedStart.objects.get().episode == running
