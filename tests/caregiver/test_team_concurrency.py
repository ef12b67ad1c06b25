"""Two owners changing each other's role at the same moment. On PostgreSQL each request
locks a row the other needs: without one locking order they deadlock and one answers 500.
Each runs in its own thread, on its own connection: both pass the access check together
(a barrier), then each is held at its audit write (after its locks) until the other has
arrived there too or is waiting for a lock."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client

from caregiver import audit
from caregiver.models import AuditEvent, Membership, Role
from caregiver.views import team
from tests.conftest import join, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def _another_request_waits_for_a_lock() -> bool:
    if connection.vendor != "postgresql":
        return True  # SQLite runs one write transaction at a time: there is no interleaving to force
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0] > 0


def test_two_owners_demoting_each_other_at_once_both_get_an_answer(owner, child, monkeypatch) -> None:
    second = make_user("co-parent@example.com")
    join(second, child, Role.OWNER)
    arrived: list[str] = []
    real_record = audit.record

    def record_when_both_hold_their_locks(actor, *args, **kwargs):
        arrived.append(actor.email)
        for _ in range(1_000_000):
            if len(arrived) == 2 or _another_request_waits_for_a_lock():
                break
        else:
            pytest.fail("neither request reached its audit write")
        return real_record(actor, *args, **kwargs)

    both_checked = threading.Barrier(2)

    def child_for_then_wait(*args, **kwargs):
        found = real_child_for(*args, **kwargs)
        both_checked.wait(timeout=60)  # a guard against a crashed thread, not a timing
        return found

    real_child_for = team.child_for
    monkeypatch.setattr(team, "child_for", child_for_then_wait)
    monkeypatch.setattr(audit, "record", record_when_both_hold_their_locks)
    answers: dict[str, int] = {}

    def demote(actor, target) -> None:
        client = Client(raise_request_exception=False)
        client.force_login(actor)
        member = Membership.objects.get(user=target, child=child)
        try:
            url = f"/c/{child.public_id}/team/{member.public_id}/role/"
            answers[actor.email] = client.post(url, {"role": "caregiver"}).status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=demote, args=pair) for pair in ((owner, second), (second, owner))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == {owner.email: 302, second.email: 302}
    assert list(Membership.objects.filter(child=child, role=Role.OWNER).values_list("role", flat=True)) == ["owner"]
    assert AuditEvent.objects.filter(child=child, action="change_role").count() == 1
