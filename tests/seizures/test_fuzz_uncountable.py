"""Arbitrary input at the forms for periods too frequent to count (add, edit, end, start):
never a 500, nothing saved or changed when refused."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seizures.models import UncountablePeriod
from tests.support.fuzz import examples

pytestmark = pytest.mark.django_db
FUZZ = settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

text = st.text(st.characters(blacklist_categories=["Cs"]), max_size=60)
moments = st.one_of(
    text,
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)).map(lambda d: d.isoformat()),
    st.sampled_from(["", "2026-03-29T01:30", "2026-10-25T01:30", "1899-12-31T23:59", "2026-05-01T10:00"]),
)
counts = st.one_of(text, st.integers().map(str), st.sampled_from(["", "0", "100000", "100001", "-1", "1e9"]))
period_data = st.fixed_dictionaries(
    {},
    optional={
        "started_at": moments,
        "ended_at": moments,
        "estimated_count": counts,
        "notes": text,
        "client_uuid": text,
    },
)


def _explained(response) -> None:
    assert response.status_code in (302, 400), response.status_code
    if response.status_code == 400:
        assert "errorlist" in response.content.decode() or "form-error" in response.content.decode()


@FUZZ
@given(data=period_data)
def test_adding_a_period_never_fails(owner_client, child, data) -> None:
    before = UncountablePeriod.objects.count()
    response = owner_client.post(reverse("seizures:uncountable-add", args=[child.public_id]), data)
    _explained(response)
    if response.status_code == 400:
        assert UncountablePeriod.objects.count() == before


@FUZZ
@given(data=period_data)
def test_editing_a_period_never_fails(owner_client, child, data) -> None:
    period = UncountablePeriod.objects.create(
        child=child, started_at=datetime(2026, 5, 1, 9, tzinfo=UTC), ended_at=datetime(2026, 5, 1, 10, tzinfo=UTC)
    )
    url = reverse("seizures:uncountable-edit", args=[child.public_id, period.public_id])
    response = owner_client.post(url, data)
    _explained(response)
    if response.status_code == 400:
        period.refresh_from_db()
        assert period.ended_at == datetime(2026, 5, 1, 10, tzinfo=UTC)
    period.delete()


@FUZZ
@given(ended_at=moments, estimated_count=counts, period=text)
def test_ending_a_period_never_fails(owner_client, child, ended_at, estimated_count, period) -> None:
    open_period = UncountablePeriod.objects.create(child=child, started_at=datetime(2026, 5, 1, 9, tzinfo=UTC))
    data = {"ended_at": ended_at, "estimated_count": estimated_count, "period": period}
    response = owner_client.post(reverse("seizures:uncountable-end", args=[child.public_id]), data)
    assert response.status_code in (302, 400, 404)
    open_period.refresh_from_db()
    if response.status_code != 302:
        assert open_period.ended_at is None
    open_period.delete()


@FUZZ
@given(key=text)
def test_starting_a_period_never_fails(owner_client, child, key) -> None:
    response = owner_client.post(reverse("seizures:uncountable-start", args=[child.public_id]), {"client_uuid": key})
    assert response.status_code in (302, 400)


json_scalars = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=False), text)
entry_moments = st.one_of(
    json_scalars,
    st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
    st.sampled_from(["2026-05-01T10:00:00Z", "2026-11-27T10:00:00+00:00", "0001-01-01T00:00:00Z", "2026-05-01T10:00"]),
)
keys = st.sampled_from([str(uuid.UUID(int=n)) for n in range(1, 4)])
uncountable_entries = st.fixed_dictionaries(
    {"kind": st.just("uncountable")},
    optional={
        "client_uuid": st.one_of(keys, json_scalars),
        "action": st.one_of(st.sampled_from(["start", "end"]), json_scalars),
        "at": entry_moments,
        "estimated_count": st.one_of(st.integers(-5, 200_000), json_scalars),
        "started_key": st.one_of(keys, json_scalars),
    },
)


def _periods() -> list:
    return list(UncountablePeriod.objects.order_by("pk").values_list("pk", "ended_at", "estimated_count"))


@FUZZ
@given(entry=uncountable_entries)
def test_uncountable_entries_never_fail_and_change_nothing_when_refused(owner_client, child, outsider, entry) -> None:
    UncountablePeriod.objects.filter(child=child).delete()
    other = outsider.memberships.get().child
    UncountablePeriod.objects.get_or_create(
        child=other, client_uuid=uuid.UUID(int=3), defaults={"started_at": datetime(2026, 5, 1, 9, tzinfo=UTC)}
    )
    before = _periods()
    url = reverse("seizures:sync", args=[child.public_id])
    response = owner_client.post(url, json.dumps(entry), content_type="application/json")
    assert response.status_code in (200, 201, 400, 409), response.content
    if response.status_code in (400, 409):
        assert _periods() == before and response.json()["message"]
    for period in UncountablePeriod.objects.filter(child=child):
        period.full_clean(exclude=["child", "created_by", "client_uuid", "end_client_uuid", "public_id"])
