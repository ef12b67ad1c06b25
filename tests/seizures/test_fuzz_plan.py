"""Arbitrary input at the action plan's form, the rescue dose form (on its page and on the
timer) and the outbox's "rescue" entries: never a 500, nothing saved when refused, and what
is saved obeys the rules."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caregiver.models import AuditEvent
from seizures.plan_forms import MEDICINE_FIELDS
from seizures.plan_models import MAX_MEDICINES, MAX_STEPS, ActionPlan, DoseUnit, RescueDose, Route
from tests.support.factories import make_episode, make_plan
from tests.support.fuzz import examples

pytestmark = pytest.mark.django_db
FUZZ = settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

text = st.text(st.characters(blacklist_categories=["Cs"]), max_size=40)
numbers = st.one_of(text, st.integers(-(10**6), 10**6).map(str), st.sampled_from(["", "0", "1", "5", "1e3", "2.5"]))
plan_fields = {
    "emergency_number": st.one_of(text, st.just("112")),
    "written_by": st.one_of(text, st.just("Dr Lee")),
    "written_on": st.one_of(text, st.dates().map(str), st.sampled_from(["2026-01-10", "2026-02-30", ""])),
    "notes": text,
}
for i in range(MAX_STEPS):
    plan_fields[f"step_{i}_minute"] = numbers
    plan_fields[f"step_{i}_text"] = text
for j in range(MAX_MEDICINES):
    for name in MEDICINE_FIELDS:
        values = {"unit": st.sampled_from([*DoseUnit.values, "kg", ""]), "route": st.sampled_from([*Route.values, "x"])}
        plan_fields[f"med_{j}_{name}"] = st.one_of(numbers, values.get(name, text))
plans = st.fixed_dictionaries({}, optional=plan_fields)


@FUZZ
@given(data=plans)
def test_the_plan_form_never_fails(owner_client, child, data) -> None:
    before = ActionPlan.objects.count()
    response = owner_client.post(reverse("seizures:plan-edit", args=[child.public_id]), data)
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        assert "errorlist" in response.content.decode() and ActionPlan.objects.count() == before
        return
    plan = ActionPlan.objects.filter(child=child).newest_first().first()
    plan.full_clean(exclude=["child", "saved_by"])
    for medicine in plan.medicines.all():
        medicine.full_clean(exclude=["child", "plan"])


moments = st.one_of(
    text,
    st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
    st.sampled_from(["2026-05-01T10:00", "", "2026-03-29T02:30", "9999-12-31T23:59"]),
)
dose_form = st.fixed_dictionaries(
    {},
    optional={
        "client_uuid": st.one_of(text, st.builds(uuid.uuid4).map(str)),
        "medicine": text,
        "given_at": moments,
        "override": st.sampled_from(["on", "", "x"]),
        "override_reason": text,
    },
)


@FUZZ
@given(data=dose_form, pick=st.booleans())
def test_the_rescue_dose_page_never_fails(owner_client, child, data, pick) -> None:
    if not ActionPlan.objects.filter(child=child).exists():
        make_plan(child)
    if pick:
        data = data | {"medicine": str(ActionPlan.objects.get(child=child).medicines.get().public_id)}
    before = RescueDose.objects.count()
    response = owner_client.post(reverse("seizures:rescue-give", args=[child.public_id]), data)
    assert response.status_code in (200, 302, 409), response.status_code
    if response.status_code != 302:
        assert RescueDose.objects.count() == before


@FUZZ
@given(data=dose_form, pick=st.booleans())
def test_the_timers_rescue_form_never_fails(owner_client, child, data, pick) -> None:
    if not ActionPlan.objects.filter(child=child).exists():
        make_plan(child)
    running = make_episode(child, started_at=timezone.now(), in_progress=True, duration_seconds=None)
    if pick:
        data = data | {"medicine": str(ActionPlan.objects.get(child=child).medicines.get().public_id)}
    url = reverse("seizures:episode-rescue", args=[child.public_id, running.public_id])
    response = owner_client.post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code in (200, 409), response.status_code


scalars = st.one_of(st.none(), st.booleans(), st.integers(-(2**40), 2**40), text)
entries = st.fixed_dictionaries(
    {"kind": st.just("rescue"), "client_uuid": st.sampled_from([str(uuid.UUID(int=n)) for n in range(1, 4)])},
    optional={
        "medicine": st.one_of(scalars, st.just("MEDICINE")),
        "given_at": st.one_of(scalars, moments, st.just("NOW")),
        "episode": st.one_of(scalars, st.just("EPISODE")),
        "override": scalars,
        "override_reason": scalars,
        "other": scalars,
    },
)


@FUZZ
@given(entry=entries)
def test_rescue_entries_save_once_and_only_what_the_rules_allow(owner_client, child, entry) -> None:
    plan = ActionPlan.objects.filter(child=child).first() or make_plan(child)
    running = make_episode(child, started_at=timezone.now() - timedelta(minutes=3), in_progress=True)
    replace = {
        "MEDICINE": str(plan.medicines.get().public_id),
        "NOW": timezone.now().isoformat(),
        "EPISODE": str(running.client_uuid),
    }
    entry = {name: replace.get(value, value) if isinstance(value, str) else value for name, value in entry.items()}
    before = (RescueDose.objects.count(), AuditEvent.objects.count())
    url = reverse("seizures:sync", args=[child.public_id])
    response = owner_client.post(url, json.dumps(entry), content_type="application/json")
    assert response.status_code in (200, 201, 400), response.content
    if response.status_code == 400:
        assert (RescueDose.objects.count(), AuditEvent.objects.count()) == before
        return
    dose = RescueDose.objects.get(client_uuid=entry["client_uuid"])
    assert dose.child == child and dose.medicine_name == "Midazolam"
    again = owner_client.post(url, json.dumps(entry), content_type="application/json")
    assert again.status_code == 200 and RescueDose.objects.filter(client_uuid=entry["client_uuid"]).count() == 1
