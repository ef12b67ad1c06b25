"""Arbitrary input to every account, child and care-team form: never a 500, invalid input
changes nothing, and the page says what was wrong."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caregiver.models import Child, Invitation, Membership, User
from tests.support.fuzz import examples

FUZZ = settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
junk = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        ["", " ", "\x00", "2026-02-30", "-1", "99999999999999999999", "<script>x</script>", "Mars/Olympus"]
    ),
    st.integers().map(str),
    st.dates().map(str),
)
maybe = st.one_of(st.none(), junk)


def _form(**fields):
    return {k: v for k, v in fields.items() if v is not None}


def _assert_clear_error(response) -> None:
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        assert (
            "Please correct the marked fields" in response.content.decode() or "errorlist" in response.content.decode()
        )


@pytest.mark.django_db
@FUZZ
@given(email=maybe, name=maybe, password1=maybe, password2=maybe)
def test_signup_never_fails(client, email, name, password1, password2) -> None:
    before = User.objects.count()
    response = client.post("/accounts/signup/", _form(email=email, name=name, password1=password1, password2=password2))
    _assert_clear_error(response)
    if response.status_code == 200:
        assert User.objects.count() == before
    client.logout()


@pytest.mark.django_db
@FUZZ
@given(username=maybe, password=maybe)
def test_sign_in_never_fails(client, username, password) -> None:
    response = client.post("/accounts/login/", _form(username=username, password=password))
    assert response.status_code == 200


@FUZZ
@given(
    name=maybe,
    born_on=maybe,
    seizures_began_on=maybe,
    time_zone=st.one_of(maybe, st.sampled_from(["Europe/Berlin", "America/New_York"])),
    gene_variant=st.one_of(maybe, st.just("kcnt1")),
    threshold=maybe,
    cluster_count=maybe,
    cluster_hours=maybe,
)
def test_child_form_never_fails(
    owner_client, name, born_on, seizures_began_on, time_zone, gene_variant, threshold, cluster_count, cluster_hours
) -> None:
    before = Child.objects.count()
    data = _form(
        name=name,
        born_on=born_on,
        seizures_began_on=seizures_began_on,
        time_zone=time_zone,
        gene_variant=gene_variant,
        diagnosis="MMPEI",
        rescue_threshold_minutes=threshold,
        cluster_alert_count=cluster_count,
        cluster_alert_hours=cluster_hours,
    )
    response = owner_client.post("/children/new/", data)
    _assert_clear_error(response)
    if response.status_code == 200:
        assert Child.objects.count() == before


@FUZZ
@given(email=maybe, role=st.one_of(maybe, st.sampled_from(["owner", "caregiver", "clinician"])))
def test_invitation_form_never_fails(owner_client, child, email, role) -> None:
    before = Invitation.objects.count()
    response = owner_client.post(f"/c/{child.public_id}/team/invite/", _form(email=email, role=role))
    _assert_clear_error(response)
    if "Invitation sent" not in response.content.decode():
        assert Invitation.objects.count() == before


@FUZZ
@given(role=maybe)
def test_role_change_never_fails(owner_client, child, caregiver_user, role) -> None:
    member = Membership.objects.get(user=caregiver_user)
    response = owner_client.post(f"/c/{child.public_id}/team/{member.public_id}/role/", _form(role=role))
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.role in {"owner", "caregiver", "clinician"}


@pytest.mark.django_db
@FUZZ
@given(language=st.one_of(maybe, st.sampled_from(["en", "es", "es-MX", "EN"])))
def test_language_choice_never_fails(owner_client, owner, language) -> None:
    response = owner_client.post("/account/language/", _form(language=language))
    owner.refresh_from_db()
    if response.status_code == 302:
        assert owner.language == (language or "")
    else:
        assert response.status_code == 400 and "errorlist" in response.content.decode()
        assert owner.language in ("", "en", "es")
