"""Arbitrary input at the treatment forms: never a 500, nothing saved when refused."""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seizures.models import Treatment, TreatmentKind
from tests.support.factories import make_treatment
from tests.support.fuzz import examples

pytestmark = pytest.mark.django_db
FUZZ = settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

text = st.text(st.characters(blacklist_categories=["Cs"]), max_size=60)
dates = st.one_of(text, st.dates().map(str), st.sampled_from(["", "2026-02-30", "1899-01-01", "2026-05-01"]))
treatment_data = st.fixed_dictionaries(
    {},
    optional={
        "kind": st.one_of(text, st.sampled_from(TreatmentKind.values)),
        "name": text,
        "dose": text,
        "started_on": dates,
        "stopped_on": dates,
        "notes": text,
    },
)


def _page_explains(response) -> None:
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        assert "errorlist" in response.content.decode()


@FUZZ
@given(data=treatment_data)
def test_adding_a_treatment_never_fails(owner_client, child, data) -> None:
    before = Treatment.objects.count()
    response = owner_client.post(reverse("seizures:treatment-add", args=[child.public_id]), data)
    _page_explains(response)
    if response.status_code == 200:
        assert Treatment.objects.count() == before


@FUZZ
@given(data=treatment_data)
def test_editing_a_treatment_never_fails(owner_client, child, data) -> None:
    treatment = make_treatment(child, dose="10 mg")
    response = owner_client.post(reverse("seizures:treatment-edit", args=[child.public_id, treatment.public_id]), data)
    _page_explains(response)
    if response.status_code == 200:
        treatment.refresh_from_db()
        assert treatment.dose == "10 mg"


@FUZZ
@given(stopped_on=dates)
def test_stopping_a_treatment_never_fails(owner_client, child, stopped_on) -> None:
    treatment = make_treatment(child)
    url = reverse("seizures:treatment-stop", args=[child.public_id, treatment.public_id])
    response = owner_client.post(url, {"stopped_on": stopped_on})
    assert response.status_code in (200, 302, 400)
    treatment.refresh_from_db()
    if response.status_code != 302:
        assert treatment.stopped_on is None
