"""Arbitrary JSON and almost-right bodies at every device API operation: never a 500, only
the answers the OpenAPI document promises, and whatever is saved obeys the model's rules."""

from __future__ import annotations

import json
import uuid

import pytest
from django.core.cache import cache
from hypothesis import given
from hypothesis import strategies as st

from caregiver import devices
from seizures.models import Episode, Medicine
from tests.support.factories import make_medicine
from tests.support.fuzz import any_json, fuzz, text

pytestmark = pytest.mark.django_db
FUZZ = fuzz(150)

moments = st.one_of(
    text,
    st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
    st.sampled_from(["2026-05-01T10:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2026-05-01T10:00"]),
)
keys = st.one_of(st.sampled_from([str(uuid.UUID(int=n)) for n in range(1, 4)]), any_json)
bodies = st.one_of(
    any_json,
    st.fixed_dictionaries(
        {},
        optional={
            "client_uuid": keys,
            "started_at": moments,
            "tapped_at": moments,
            "sign": st.one_of(st.sampled_from(["apnea", "jerking_side", "colour_change", "notes"]), text),
            "value": st.one_of(st.booleans(), st.sampled_from(["left", "right", "arm", "blue", ""]), any_json),
            "medicine": st.one_of(st.just("MEDICINE"), any_json),
            "due_at": moments,
            "given_at": moments,
            "extra": st.one_of(st.booleans(), any_json),
        },
    ),
)
OPERATIONS = ["seizures/start", "seizures/{id}/end", "seizures/{id}/signs", "tally", "tally/{id}/undo", "doses"]
# The answers each write may give (the document's responses, and 401/429 from the token).
DOCUMENTED = {200, 201, 400, 403, 404, 409, 422}  # 409: a dose already given, or a key of another child


@FUZZ
@given(operation=st.sampled_from(OPERATIONS), body=bodies, raw=st.one_of(st.none(), st.binary(max_size=40)))
def test_any_body_at_any_operation_is_answered_and_never_breaks_a_rule(client, child, operation, body, raw) -> None:
    cache.clear()
    child.membership = child.memberships.get()
    plain = devices.issue(child, child.membership.user, name="fuzz", read_only=False)[1]
    seizure = Episode.objects.for_child(child).first()
    path = operation.replace("{id}", str(seizure.public_id if seizure else uuid.uuid4()))
    medicine = Medicine.objects.filter(child=child).first() or make_medicine(child)
    if isinstance(body, dict) and body.get("medicine") == "MEDICINE":
        body = {**body, "medicine": str(medicine.public_id)}
    payload = raw if raw is not None else json.dumps(body)
    response = client.post(
        f"/api/v1/children/{child.public_id}/{path}",
        payload,
        content_type="application/json",
        headers={"Authorization": f"Bearer {plain}"},
    )
    assert response.status_code in DOCUMENTED, (response.status_code, response.content[:300])
    for episode in Episode.objects.for_child(child):
        episode.full_clean(exclude=["child", "cluster", "logged_by", "client_uuid"])
