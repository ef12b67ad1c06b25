"""Arbitrary input at the past-seizure form and the timer/tally endpoints: never a 500,
and nothing saved when the input is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caregiver.models import AuditEvent
from seizures.models import Episode
from seizures.signs import OBSERVATION_KEYS, SIGN_KEYS, Limb, Onset, Region, SeizureType, Side
from tests.conftest import htmx_headers
from tests.support.factories import make_episode
from tests.support.fuzz import examples

pytestmark = pytest.mark.django_db
FUZZ = settings(
    max_examples=examples(80),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text the test client can send (no lone surrogates), NUL and control characters included.
text = st.text(st.characters(blacklist_categories=["Cs"]), max_size=40)
datetimes = st.one_of(
    text,
    st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M")),
    st.sampled_from(["2026-05-01T14:30", "2026-03-29T02:30", "0001-01-01T00:00", "9999-12-31T23:59", ""]),
)
numbers = st.one_of(text, st.integers(-(10**12), 10**12).map(str), st.sampled_from(["", "0", "59", "60", "1440"]))
choice = st.one_of(
    text,
    st.sampled_from([*Side.values, *Limb.values, *Region.values, *Onset.values, *SeizureType.values, "on", "off", ""]),
)
form_data = st.fixed_dictionaries(
    {},
    optional={
        "client_uuid": st.one_of(text, st.uuids().map(str)),
        "started_at": datetimes,
        "duration_minutes": numbers,
        "duration_secs": numbers,
        "duration_unknown": choice,
        "rescue_given_at": datetimes,
        "rescue_medicine": text,
        "notes": text,
        "eye_side": choice,
        "jerking_side": choice,
        "jerking_limb": choice,
        "colour_change": choice,
        "onset": choice,
        "seizure_type": choice,
        "version": numbers,
        **dict.fromkeys((*SIGN_KEYS, *OBSERVATION_KEYS), choice),
        **{f"path_{n}": choice for n in range(1, 8)},
        **{f"path_{n}_at": st.one_of(numbers, text) for n in range(1, 8)},
    },
)


@FUZZ
@given(data=form_data)
def test_past_seizure_form_never_fails_and_saves_only_valid_input(owner_client, child, data) -> None:
    Episode.objects.all().delete()
    response = owner_client.post(reverse("seizures:episode-add", args=[child.public_id]), data)
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        assert not Episode.objects.exists()
    else:
        episode = Episode.objects.get()
        episode.full_clean()


@FUZZ
@given(data=form_data)
def test_edit_form_never_fails_and_changes_only_on_valid_input(owner_client, child, data) -> None:
    Episode.objects.all().delete()
    episode = make_episode(child, started_at=timezone.now() - timedelta(hours=2), notes="untouched")
    response = owner_client.post(reverse("seizures:episode-edit", args=[child.public_id, episode.public_id]), data)
    assert response.status_code in (200, 302, 409), response.status_code
    episode.refresh_from_db()
    if response.status_code == 302:
        episode.full_clean()
    else:
        assert episode.version == 1 and episode.notes == "untouched"


ENDPOINTS = ["episode-set", "episode-move", "episode-move-undo", "episode-rescue", "episode-end"]


@FUZZ
@given(
    name=st.sampled_from(ENDPOINTS),
    data=st.dictionaries(st.sampled_from(["field", "value", "region", "steps", "rescue_medicine"]), choice),
    htmx=st.booleans(),
)
def test_timer_endpoints_never_fail_and_refusals_change_nothing(owner_client, child, name, data, htmx) -> None:
    Episode.objects.all().delete()
    episode = make_episode(
        child, started_at=timezone.now() - timedelta(seconds=30), in_progress=True, duration_seconds=None
    )
    headers = htmx_headers() if htmx else {}
    response = owner_client.post(
        reverse(f"seizures:{name}", args=[child.public_id, episode.public_id]), data, **headers
    )
    assert response.status_code in (200, 302, 400), response.status_code
    episode.refresh_from_db()
    if response.status_code == 400:
        assert episode.version == 1
    episode.full_clean()


@FUZZ
@given(
    name=st.sampled_from(["tally-add", "tally-undo", "episode-start"]),
    data=st.dictionaries(st.sampled_from(["client_uuid", "episode"]), st.one_of(text, st.uuids().map(str))),
    htmx=st.booleans(),
)
def test_tally_and_start_never_fail_and_refusals_save_nothing(owner_client, child, name, data, htmx) -> None:
    Episode.objects.all().delete()
    before = AuditEvent.objects.count()
    headers = htmx_headers() if htmx else {}
    response = owner_client.post(reverse(f"seizures:{name}", args=[child.public_id]), data, **headers)
    assert response.status_code in (200, 302, 400, 404), response.status_code
    if response.status_code in (400, 404):
        assert not Episode.objects.exists() and AuditEvent.objects.count() == before


@FUZZ
@given(params=st.dictionaries(st.sampled_from(["sign", "before", "deleted", "saved"]), text))
def test_timeline_never_fails_on_odd_query_strings(owner_client, child, params) -> None:
    response = owner_client.get(reverse("seizures:timeline", args=[child.public_id]), params)
    assert response.status_code == 200
