"""A deleted account's address leaves the audit trail: wherever the trail named it (as the
actor, in summaries such as "Invited …"), on every child's trail, the page, the owner's
export and the child's backup show a stable pseudonym instead."""

from __future__ import annotations

import json
import re

from django.core import mail

from caregiver.models import AuditEvent, Invitation
from seizures.backup import export_child
from tests.conftest import PASSWORD, make_child, make_user

FRIEND = "friend@example.org"


def _names_friend(text: str) -> bool:
    """Whether `text` holds FRIEND's address (not merely the look-alike that contains it)."""
    return re.search(r"(?<![\w.+-])friend@example\.org", text, re.IGNORECASE) is not None


def _join(client, owner, child, email: str, role: str = "caregiver", person=None):
    """Invited by the owner, then (signed up and) joined, as a person would."""
    client.force_login(owner)
    client.post(f"/c/{child.public_id}/team/invite/", {"email": email, "role": role})
    link = re.search(r"http://testserver(/invitations/[\w-]+/)", mail.outbox[-1].body).group(1)
    person = person or make_user(email)
    client.force_login(person)
    client.post(link)
    return person


def test_a_deleted_account_is_a_former_member_everywhere_the_trail_is_read(client, owner, child) -> None:
    friend = _join(client, owner, child, FRIEND)
    lookalike = _join(client, owner, child, "best" + FRIEND)  # a longer address holding FRIEND
    second_child = make_child(owner, name="Sasha")
    _join(client, owner, second_child, FRIEND.upper(), role="clinician", person=friend)
    client.force_login(owner)
    member = friend.memberships.get(child=child)
    client.post(f"/c/{child.public_id}/team/{member.public_id}/role/", {"role": "clinician"})
    client.force_login(friend)
    client.get(f"/c/{child.public_id}/charts/")  # a clinician's read, in the trail
    number = friend.pk
    assert client.post("/account/delete/", {"password": PASSWORD})["Location"] == "/accounts/login/"

    stored = list(AuditEvent.objects.values_list("actor_label", "summary"))
    assert not _names_friend(json.dumps(stored))
    assert f"Invited former member {number} as caregiver" in [s for _a, s in stored]
    assert f"former member {number} is now clinician" in [s for _a, s in stored]
    assert ("former member " + str(number), "Account deleted") in stored
    assert f"Invited best{FRIEND} as caregiver" in [s for _a, s in stored]  # someone else's, untouched
    assert not Invitation.objects.filter(email=FRIEND).exists()

    client.force_login(owner)
    for child_shown in (child, second_child):
        page = client.get(f"/c/{child_shown.public_id}/audit/").content.decode()
        assert not _names_friend(page) and f"former member {number}" in page
    export = client.get("/account/export.json").content.decode()
    assert not _names_friend(export) and f"former member {number}" in export
    backup = json.dumps(export_child(child))
    assert not _names_friend(backup) and lookalike.email in backup
