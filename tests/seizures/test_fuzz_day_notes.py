"""Arbitrary input at the day-note form: never a 500, nothing saved when refused, and what
is saved keeps the model's rules."""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seizures.models import DayNote, DayNoteKind
from tests.support.factories import make_day_note
from tests.support.fuzz import examples

pytestmark = pytest.mark.django_db
FUZZ = settings(max_examples=examples(80), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

text = st.text(st.characters(blacklist_categories=["Cs"]), max_size=40)
dates = st.one_of(text, st.dates().map(str), st.sampled_from(["", "2026-02-30", "1899-01-01", "2026-05-01"]))
temperatures = st.one_of(
    text,
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["", "33.9", "34", "38.5", "43", "43.01", "1e400", "-0", "NaN"]),
)
note_data = st.fixed_dictionaries(
    {},
    optional={
        "client_uuid": st.one_of(text, st.uuids().map(str)),
        "noted_on": dates,
        "kind": st.one_of(text, st.sampled_from(DayNoteKind.values)),
        "temperature_c": temperatures,
        "text": st.one_of(text, st.text(max_size=600)),
    },
)


@FUZZ
@given(data=note_data)
def test_adding_a_day_note_never_fails(owner_client, child, data) -> None:
    DayNote.objects.all().delete()
    response = owner_client.post(reverse("seizures:note-add", args=[child.public_id]), data)
    assert response.status_code in (302, 400), response.status_code
    if response.status_code == 400:
        assert "errorlist" in response.content.decode() and not DayNote.objects.exists()
    else:
        DayNote.objects.get(child=child).full_clean()


@FUZZ
@given(note_id=st.one_of(st.uuids(), st.just(None)))
def test_deleting_any_note_id_is_a_404_or_a_delete(owner_client, child, note_id) -> None:
    kept = make_day_note(child, child.born_on)
    response = owner_client.post(reverse("seizures:note-delete", args=[child.public_id, note_id or kept.public_id]))
    assert response.status_code == (302 if note_id is None else 404)
    assert DayNote.objects.filter(pk=kept.pk).exists() == (note_id is not None)
    DayNote.objects.all().delete()
