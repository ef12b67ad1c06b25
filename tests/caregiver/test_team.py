from __future__ import annotations

import re
from datetime import timedelta

import time_machine
from django.contrib.auth import get_user
from django.core import mail
from django.utils import timezone

from caregiver.models import AuditEvent, Invitation, Membership, Role, User
from tests.conftest import make_user


def _invite(client, child, email="nurse@example.org", role="caregiver") -> str:
    data = {"email": email, "role": role, "confirm_owner": "on"}  # the confirmation only owners need
    response = client.post(f"/c/{child.public_id}/team/invite/", data)
    assert response.status_code == 200, response.content
    return re.search(r"http://testserver(/invitations/[\w-]+/)", mail.outbox[-1].body).group(1)


def test_owner_invites_by_email_with_a_role(owner_client, child) -> None:
    link = _invite(owner_client, child, role="clinician")
    invitation = Invitation.objects.get()
    assert invitation.role == Role.CLINICIAN and invitation.email == "nurse@example.org"
    assert mail.outbox[0].to == ["nurse@example.org"]
    assert link.split("/")[2] not in invitation.token_hash  # only the hash is stored
    assert AuditEvent.objects.filter(child=child, action="invite").exists()


def test_inviting_a_member_again_is_refused(owner_client, child, caregiver_user) -> None:
    response = owner_client.post(f"/c/{child.public_id}/team/invite/", {"email": caregiver_user.email, "role": "owner"})
    assert "already on the care team" in response.content.decode()
    assert not Invitation.objects.exists()


def test_existing_user_accepts_and_joins_with_the_role(client, owner, child) -> None:
    client.force_login(owner)
    link = _invite(client, child, role="clinician")
    nurse = make_user("nurse@example.org")
    client.force_login(nurse)
    assert "Accept invitation" in client.get(link).content.decode()
    response = client.post(link)
    assert response["Location"] == f"/c/{child.public_id}/"
    assert Membership.objects.get(user=nurse, child=child).role == Role.CLINICIAN


def test_new_user_signs_up_on_the_way_and_then_accepts(client, owner, child) -> None:
    client.force_login(owner)
    link = _invite(client, child)
    client.post("/accounts/logout/")
    page = client.get(link).content.decode()
    assert "/accounts/signup/?next=" in page
    passphrase = "a long passphrase for the new nurse 42"
    response = client.post(
        f"/accounts/signup/?next={link}",
        {"email": "nurse@example.org", "password1": passphrase, "password2": passphrase, "next": link},
    )
    assert response["Location"] == link
    client.post(link)
    assert Membership.objects.filter(user__email="nurse@example.org", child=child, role=Role.CAREGIVER).exists()


def test_invitation_link_works_only_once(client, owner, child) -> None:
    client.force_login(owner)
    link = _invite(client, child)
    first, second = make_user("nurse@example.org"), make_user("someone-else@example.org")
    client.force_login(first)
    client.post(link)
    client.force_login(second)
    assert client.get(link).status_code == 404
    assert client.post(link).status_code == 404
    assert not Membership.objects.filter(user=second).exists()


def test_invitation_expires_after_seven_days(client, owner, child) -> None:
    client.force_login(owner)
    link = _invite(client, child)
    client.force_login(make_user("nurse@example.org"))
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        response = client.post(link)
    assert response.status_code == 404
    assert "can no longer be used" in response.content.decode()
    assert Membership.objects.filter(child=child).count() == 1


def test_unknown_invitation_token_is_a_clear_404(client, db) -> None:
    response = client.get("/invitations/not-a-real-token/")
    assert response.status_code == 404
    assert "can no longer be used" in response.content.decode()


def test_owner_cancels_a_waiting_invitation(owner_client, child) -> None:
    link = _invite(owner_client, child)
    invitation = Invitation.objects.get()
    owner_client.post(f"/c/{child.public_id}/team/invitations/{invitation.public_id}/cancel/")
    assert not Invitation.objects.exists()
    assert owner_client.get(link).status_code == 404


def test_owner_changes_a_role(owner_client, child, caregiver_user) -> None:
    member = Membership.objects.get(user=caregiver_user)
    owner_client.post(f"/c/{child.public_id}/team/{member.public_id}/role/", {"role": "clinician"})
    member.refresh_from_db()
    assert member.role == Role.CLINICIAN
    assert AuditEvent.objects.filter(child=child, action="change_role").exists()


def test_invalid_role_is_refused_with_a_message(owner_client, child, caregiver_user) -> None:
    member = Membership.objects.get(user=caregiver_user)
    response = owner_client.post(f"/c/{child.public_id}/team/{member.public_id}/role/", {"role": "admin"}, follow=True)
    assert "Choose one of the listed roles" in response.content.decode()
    member.refresh_from_db()
    assert member.role == Role.CAREGIVER


def test_last_owner_cannot_step_down_leave_or_be_removed(owner_client, owner, child) -> None:
    own = Membership.objects.get(user=owner)
    page = owner_client.post(f"/c/{child.public_id}/team/{own.public_id}/role/", {"role": "caregiver"}, follow=True)
    assert "needs at least one owner" in page.content.decode()
    page = owner_client.post(f"/c/{child.public_id}/team/leave/", follow=True)
    assert "only owner" in page.content.decode()
    owner_client.post(f"/c/{child.public_id}/team/{own.public_id}/remove/")
    own.refresh_from_db()
    assert own.role == Role.OWNER


def test_second_owner_lets_the_first_leave(client, owner, child, caregiver_user) -> None:
    Membership.objects.filter(user=caregiver_user).update(role=Role.OWNER)
    client.force_login(owner)
    response = client.post(f"/c/{child.public_id}/team/leave/")
    assert response["Location"] == "/"
    assert not Membership.objects.filter(user=owner, child=child).exists()


def test_anyone_can_leave_including_a_clinician(client, child, clinician) -> None:
    client.force_login(clinician)
    client.post(f"/c/{child.public_id}/team/leave/")
    assert client.get(f"/c/{child.public_id}/").status_code == 404


def test_owner_removes_a_member_who_then_sees_404(client, owner, child, caregiver_user) -> None:
    member = Membership.objects.get(user=caregiver_user)
    client.force_login(owner)
    client.post(f"/c/{child.public_id}/team/{member.public_id}/remove/")
    client.force_login(caregiver_user)
    assert client.get(f"/c/{child.public_id}/").status_code == 404


def test_team_page_shows_management_only_to_owners(client, owner, child, caregiver_user) -> None:
    client.force_login(owner)
    assert "Invite someone" in client.get(f"/c/{child.public_id}/team/").content.decode()
    client.force_login(caregiver_user)
    page = client.get(f"/c/{child.public_id}/team/").content.decode()
    assert "Invite someone" not in page and owner.email in page


def test_accepting_as_a_signed_in_member_changes_nothing(client, owner, child, caregiver_user) -> None:
    client.force_login(owner)
    link = _invite(client, child, email="another@example.org", role="owner")
    client.force_login(caregiver_user)
    client.post(link)
    assert Membership.objects.get(user=caregiver_user).role == Role.CAREGIVER
    assert get_user(client).pk == caregiver_user.pk
    assert User.objects.count() == 2
