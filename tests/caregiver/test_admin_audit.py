"""Staff changes in the admin go in the family's audit trail, as staff, like any other."""

from __future__ import annotations

import pytest

from caregiver import audit
from caregiver.models import AuditEvent, Membership, Role, User
from seizures.models import Episode, Treatment
from tests.support.factories import make_episode, make_treatment


@pytest.fixture
def staff_client(client, db):
    staff = User.objects.create_superuser(email="staff@example.org", password="a long staff passphrase 1")
    client.force_login(staff)
    client.staff = staff
    return client


def _post_data(response) -> dict:
    """What the admin's change page would post back unchanged: its form and inline forms."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if isinstance(value, list | tuple):
                data[form.add_prefix(name)] = [str(v) for v in value]
            elif isinstance(value, bool):
                if value:
                    data[form.add_prefix(name)] = "on"
            elif value is not None:
                data[form.add_prefix(name)] = str(value)
    return data


def _staff_events(child=None):
    return list(AuditEvent.objects.filter(role="staff", child=child).values_list("action", "object_type", "summary"))


def test_editing_a_child_and_its_team_in_the_admin_is_in_the_familys_trail(staff_client, child, caregiver_user) -> None:
    url = f"/admin/caregiver/child/{child.pk}/change/"
    data = _post_data(staff_client.get(url))
    data["rescue_threshold_minutes"] = "3"
    membership = Membership.objects.get(user=caregiver_user)
    row = next(k[: -len("-id")] for k, v in data.items() if k.endswith("-id") and v == str(membership.pk))
    data[f"{row}-role"] = Role.OWNER
    assert staff_client.post(url, data).status_code == 302
    assert set(_staff_events(child)) == {
        ("edit", "child", "Staff in the admin: edit child (rescue_threshold_minutes)"),
        ("edit", "membership", "Staff in the admin: edit membership (role)"),
    }
    assert AuditEvent.objects.filter(role="staff").first().actor == staff_client.staff


def test_changing_or_deleting_records_in_the_admin_is_in_the_familys_trail(staff_client, child) -> None:
    treatment, episode = make_treatment(child), make_episode(child)
    url = f"/admin/seizures/treatment/{treatment.pk}/change/"
    data = _post_data(staff_client.get(url)) | {"dose": "30 mg"}
    assert staff_client.post(url, data).status_code == 302
    assert staff_client.post(f"/admin/seizures/episode/{episode.pk}/delete/", {"post": "yes"}).status_code == 302
    assert Treatment.objects.get().dose == "30 mg" and not Episode.objects.exists()
    assert sorted(_staff_events(child)) == [
        ("delete", "episode", "Staff in the admin: delete episode"),
        ("edit", "treatment", "Staff in the admin: edit treatment (dose)"),
    ]


def test_deleting_a_child_in_the_admin_keeps_an_event_without_the_child(staff_client, child) -> None:
    response = staff_client.post(f"/admin/caregiver/child/{child.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert _staff_events() == [("delete", "child", "Staff in the admin: delete child")]


def test_deleting_an_account_in_the_admin_leaves_a_former_member_in_the_trail(
    staff_client, child, caregiver_user
) -> None:
    audit.record(caregiver_user, "create", child=child, obj=child, summary="Added Robin")
    number = caregiver_user.pk
    assert staff_client.post(f"/admin/caregiver/user/{number}/delete/", {"post": "yes"}).status_code == 302
    trail = set(AuditEvent.objects.filter(child=child).values_list("actor_label", "action", "summary"))
    assert trail == {
        (f"former member {number}", "create", "Added Robin"),
        ("staff@example.org", "delete", "Staff in the admin: delete user"),
    }


def test_staff_setting_a_members_password_is_in_the_familys_trail(staff_client, child, caregiver_user) -> None:
    url = f"/admin/caregiver/user/{caregiver_user.pk}/password/"
    passphrase = "a new passphrase chosen by staff"
    response = staff_client.post(url, {"password1": passphrase, "password2": passphrase})
    assert response.status_code == 302
    caregiver_user.refresh_from_db()
    assert caregiver_user.check_password(passphrase)
    assert _staff_events(child) == [("edit", "user", "Staff in the admin: edit user (password)")]
