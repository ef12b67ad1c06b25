"""Arbitrary JSON, and entries that are almost right, at the outbox endpoint: never a 500, a
refusal saves nothing, and whatever is saved obeys the model's rules."""

from __future__ import annotations

import json
import uuid

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from caregiver.models import AuditEvent
from seizures.models import Episode, JoinedStart
from seizures.signs import OBSERVATION_KEYS, SIGN_KEYS, Colour, Limb, Onset, Region, SeizureType, Side
from tests.support.factories import make_episode
from tests.support.fuzz import any_json, fuzz, scalars, text

pytestmark = pytest.mark.django_db
FUZZ = fuzz(120)

moments = st.one_of(
    text,
    st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
    st.sampled_from(["2026-05-01T10:00:00Z", "2026-11-27T10:00:00+00:00", "0001-01-01T00:00:00Z", "2026-05-01T10:00"]),
)
choice = st.one_of(
    scalars, st.sampled_from([*Side.values, *Limb.values, *Colour.values, *Onset.values, *SeizureType.values, ""])
)
steps = st.lists(
    st.one_of(
        any_json,
        st.fixed_dictionaries(
            {"region": st.one_of(st.sampled_from(Region.values), any_json)},
            optional={"at_seconds": st.one_of(st.none(), st.integers(-5, 10**6), any_json)},
        ),
    ),
    max_size=25,
)
# Kept few, so that entries often name the same seizure (replays, changes, undos).
keys = st.sampled_from([str(uuid.UUID(int=n)) for n in range(1, 4)])
entries = st.fixed_dictionaries(
    {"kind": st.sampled_from(["episode", "form", "tally", "undo", "other"])},
    optional={
        "client_uuid": st.one_of(keys, text, any_json),
        "started_at": moments,
        "tapped_at": moments,
        "ended_at": moments,
        "in_progress": st.one_of(st.booleans(), any_json),
        "duration_seconds": st.one_of(st.none(), st.integers(-10, 10**10), any_json),
        "path": st.one_of(steps, any_json),
        "rescue_medicine": st.one_of(text, any_json),
        "rescue_given_at": st.one_of(st.none(), moments),
        "notes": st.one_of(text, any_json),
        "fields": st.one_of(st.dictionaries(text, text, max_size=6), any_json),
        # asleep_at_onset: what phones queued before the onset state replaced it.
        **dict.fromkeys((*SIGN_KEYS, *OBSERVATION_KEYS, "asleep_at_onset"), st.one_of(st.booleans(), any_json)),
        **dict.fromkeys(("eye_side", "jerking_side", "jerking_limb", "colour_change", "onset", "seizure_type"), choice),
    },
)


def _state() -> tuple:
    return (
        list(Episode.objects.order_by("pk").values_list("pk", "version", "deleted_at", "in_progress")),
        JoinedStart.objects.count(),
        AuditEvent.objects.count(),
    )


def _post(client, child, body: str):
    return client.post(reverse("seizures:sync", args=[child.public_id]), body, content_type="application/json")


@FUZZ
@given(body=st.one_of(any_json.map(json.dumps), text, st.binary(max_size=60).map(lambda b: b.decode("latin-1"))))
def test_any_body_is_answered_without_a_500(owner_client, child, body) -> None:
    before = _state()
    response = _post(owner_client, child, body)
    assert response.status_code in (200, 201, 400, 409)
    if response.status_code in (400, 409):
        assert _state() == before


@FUZZ
@given(entry=entries)
def test_almost_right_entries_save_only_what_the_rules_allow(owner_client, child, outsider, entry) -> None:
    Episode.objects.all().delete()
    make_episode(outsider.memberships.get().child, client_uuid=uuid.UUID(int=3), is_tally=True)
    before = _state()
    response = _post(owner_client, child, json.dumps(entry))
    assert response.status_code in (200, 201, 400, 409), response.content
    answer = response.json()
    if response.status_code in (400, 409):
        assert _state() == before and answer["message"]
        return
    assert answer["client_uuid"] == entry["client_uuid"]
    for episode in Episode.objects.filter(child=child):
        episode.full_clean(exclude=["child", "cluster", "logged_by", "client_uuid", "public_id"])
