from __future__ import annotations

import json

from caregiver.models import AuditEvent, Child, Membership, Role, User
from tests.conftest import PASSWORD, make_child


def test_export_holds_the_account_children_and_team(owner_client, owner, child, caregiver_user) -> None:
    response = owner_client.get("/account/export.json")
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["account"]["email"] == owner.email
    assert data["account"]["language"] == ""  # the browser's, until chosen on the account page
    (exported,) = data["children"]
    assert exported["id"] == str(child.public_id) and exported["your_role"] == "owner"
    assert {m["email"] for m in exported["care_team"]} == {owner.email, caregiver_user.email}
    assert AuditEvent.objects.filter(child=child, action="export", actor=owner).exists()


def test_export_never_includes_other_families(owner_client, outsider) -> None:
    data = json.loads(owner_client.get("/account/export.json").content)
    assert "Other child" not in json.dumps(data)


def test_delete_page_says_exactly_what_goes(client, owner, child, caregiver_user) -> None:
    shared = make_child(caregiver_user, name="Sasha")
    Membership.objects.create(user=owner, child=shared, role=Role.CAREGIVER)
    client.force_login(owner)
    page = client.get("/account/delete/").content.decode()
    assert "Robin’s whole diary" in page  # owner alone owns Robin
    assert "your place on Sasha’s care team" in page


def test_deleting_the_account_needs_the_password(owner_client, owner) -> None:
    page = owner_client.post("/account/delete/", {"password": "not it"}).content.decode()
    assert "not right" in page
    assert User.objects.filter(pk=owner.pk).exists()


def test_deleting_the_account_removes_sole_children_and_keeps_shared_ones(client, owner, child, caregiver_user) -> None:
    shared = make_child(caregiver_user, name="Sasha")
    Membership.objects.create(user=owner, child=shared, role=Role.CAREGIVER)
    client.force_login(owner)
    response = client.post("/account/delete/", {"password": PASSWORD})
    assert response["Location"] == "/accounts/login/"
    assert not User.objects.filter(pk=owner.pk).exists()
    assert not Child.objects.filter(pk=child.pk).exists()
    assert Child.objects.filter(pk=shared.pk).exists()
    assert list(Membership.objects.filter(child=shared).values_list("user__email", flat=True)) == [caregiver_user.email]
    assert client.get("/account/").status_code == 302
