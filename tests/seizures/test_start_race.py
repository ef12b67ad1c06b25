"""Two caregivers press "Seizure now" on phones without script at the same instant: one
seizure is timed, and both phones open its timer. Real concurrency: two threads, each on its
own database connection and transaction (on PostgreSQL, two server sessions)."""

from __future__ import annotations

import contextlib
import threading
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from seizures.models import Episode

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
