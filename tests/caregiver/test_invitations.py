"""Invitations are bound to the address they were sent to: only the account that signs in
with that address joins; anyone else holding the link learns nothing of the child and
changes nothing. Owner invitations take an explicit confirmation."""

from __future__ import annotations

import re

from django.core import mail

from caregiver.models import Invitation, Membership, Role, User
from tests.conftest import make_user

OTHER_ADDRESS = "This invitation is for another address"


def _invite(client, child, email="friend@example.org", role="caregiver", **extra) -> str:
    response = client.post(f"/c/{child.public_id}/team/invite/", {"email": email, "role": role, **extra})
    assert "Invitation sent" in response.content.decode(), response.content
    return re.search(r"http://testserver(/invitations/[\w-]+/)", mail.outbox[-1].body).group(1)


def _owner_link(client, owner, child) -> str:
    client.force_login(owner)
    return _invite(client, child, role="owner", confirm_owner="on")


def test_another_account_opening_an_owner_invitation_learns_nothing_and_changes_nothing(
    client, owner, child, outsider
) -> None:
    link = _owner_link(client, owner, child)
    client.force_login(outsider)
    for response in (client.get(link), client.post(link)):
        page = response.content.decode()
        assert response.status_code == 403 and OTHER_ADDRESS in page
        assert child.name not in page and owner.name not in page and owner.email not in page
        assert "friend@example.org" not in page
    assert not Membership.objects.filter(user=outsider, child=child).exists()
    assert client.get(f"/c/{child.public_id}/team/").status_code == 404
    # The invited person still can, whatever the case of the address their account holds.
    friend = make_user("friend@example.org")
    User.objects.filter(pk=friend.pk).update(
        email="Friend@Example.ORG"
    )  # an account from before addresses were lowered
    client.force_login(User.objects.get(pk=friend.pk))
    assert "Accept invitation" in client.get(link).content.decode()
    assert client.post(link)["Location"] == f"/c/{child.public_id}/"
    assert Membership.objects.get(user=friend, child=child).role == Role.OWNER


def test_signing_up_on_the_way_with_another_address_does_not_join(client, owner, child) -> None:
    client.force_login(owner)
    link = _invite(client, child)
    client.post("/accounts/logout/")
    assert "This invitation is for friend@example.org" in client.get(link).content.decode()
    passphrase = "a long passphrase for somebody else 42"
    client.post(
        f"/accounts/signup/?next={link}",
        {"email": "somebody@example.org", "password1": passphrase, "password2": passphrase, "next": link},
    )
    response = client.post(link)
    assert response.status_code == 403 and OTHER_ADDRESS in response.content.decode()
    assert not Membership.objects.filter(user__email="somebody@example.org").exists()
    client.post("/accounts/logout/")
    passphrase = "a long passphrase for the new friend 42"
    client.post(
        f"/accounts/signup/?next={link}",
        {"email": "FRIEND@example.org", "password1": passphrase, "password2": passphrase, "next": link},
    )
    client.post(link)
    assert Membership.objects.filter(user__email="friend@example.org", child=child, role=Role.CAREGIVER).exists()


def test_the_other_address_page_offers_to_sign_out_and_come_back(client, owner, child, outsider) -> None:
    link = _owner_link(client, owner, child)
    client.force_login(outsider)
    page = client.get(link).content.decode()
    assert 'action="/accounts/logout/"' in page and f'name="next" value="{link}"' in page
    response = client.post("/accounts/logout/", {"next": link})
    assert response["Location"] == link
    assert "Join Robin’s care team" in client.get(link).content.decode()


def test_an_owner_invitation_needs_the_inviter_to_confirm_the_role(owner_client, child) -> None:
    response = owner_client.post(f"/c/{child.public_id}/team/invite/", {"email": "friend@example.org", "role": "owner"})
    page = response.content.decode()
    assert response.status_code == 200 and "Tick this box to confirm they should be an owner" in page
    assert not Invitation.objects.exists() and not mail.outbox
    _invite(owner_client, child, role="owner", confirm_owner="on")
    _invite(owner_client, child, email="nurse@example.org", role="clinician")  # other roles need no confirmation
    assert set(Invitation.objects.values_list("role", flat=True)) == {Role.OWNER, Role.CLINICIAN}
