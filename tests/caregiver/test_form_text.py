"""The child and care-team forms refuse text no database can store (a NUL as a browser posts
it; a lone surrogate at the form itself), with the message by the field and nothing saved."""

from __future__ import annotations

import pytest

from caregiver.forms import ChildForm, InviteForm, SignupForm
from caregiver.models import Child, Invitation, User
from tests.caregiver.test_children import VALID

UNSTORABLE = {"nul": "a\x00b", "surrogate": "a\ud800b"}
MESSAGE = "cannot be stored"
CHILD_TEXT = ["name", "gene_variant_detail", "rescue_plan", "diagnosis"]


@pytest.mark.parametrize("field", CHILD_TEXT)
def test_a_child_with_a_nul_is_refused_on_add_and_settings(owner_client, child, field) -> None:
    response = owner_client.post("/children/new/", VALID | {field: "Ro\x00bin"})
    assert response.status_code == 200 and MESSAGE in str(response.context["form"].errors[field])
    response = owner_client.post(f"/c/{child.public_id}/settings/", VALID | {field: "Ro\x00bin"})
    assert response.status_code == 200 and field in response.context["form"].errors
    assert list(Child.objects.values_list("name", flat=True)) == ["Robin"]


@pytest.mark.parametrize("text", UNSTORABLE.values(), ids=UNSTORABLE.keys())
@pytest.mark.parametrize("field", CHILD_TEXT)
def test_the_child_form_refuses_unstorable_text(db, text, field) -> None:
    form = ChildForm(VALID | {field: text})
    assert not form.is_valid() and MESSAGE in str(form.errors[field])


def test_an_invitation_to_an_address_with_a_nul_is_refused(owner_client, child) -> None:
    response = owner_client.post(f"/c/{child.public_id}/team/invite/", {"email": "a\x00@example.org", "role": "owner"})
    assert response.status_code == 200 and "email" in response.context["form"].errors
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("text", UNSTORABLE.values(), ids=UNSTORABLE.keys())
def test_the_invite_and_signup_forms_refuse_unstorable_text(child, text) -> None:
    invite = InviteForm({"email": f"nurse{text}@example.org", "role": "caregiver"}, child=child)
    assert not invite.is_valid() and "email" in invite.errors
    password = "a long enough passphrase"
    signup = SignupForm({"email": "new@example.org", "name": text, "password1": password, "password2": password})
    assert not signup.is_valid() and MESSAGE in str(signup.errors["name"])
    assert not User.objects.filter(email="new@example.org").exists()
