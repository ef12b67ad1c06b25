"""Arbitrary input at the medicine, dose-change, weight and dose forms and at the outbox's
"dose" entries: never a 500, nothing saved when refused, and what is saved obeys the rules."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, time

import pytest
import time_machine
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seizures.medicine_models import TreatmentKindFor
from seizures.models import Dose, DoseVersion, Medicine, Weight
from tests.support.factories import make_medicine
from tests.support.fuzz import examples

pytestmark = pytest.mark.django_db
FUZZ = settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

text = st.text(st.characters(blacklist_categories=["Cs"]), max_size=40)
numbers = st.one_of(
    text,
    st.sampled_from(["", "0", "-1", "0.0001", "1e400", "NaN", "inf", "99999999999", "2.5", "5000.001", "12,5"]),
    st.decimals(allow_nan=False, allow_infinity=False, places=4).map(str),
)
dates = st.one_of(text, st.dates().map(str), st.sampled_from(["", "2026-02-30", "1899-01-01", "2026-05-01"]))
times = st.one_of(text, st.sampled_from(["08:00, 20:00", "25:00", "8", ":", ",,,", "23:59", "00:00;12:00"]))
dose_fields = {
    "dose-starts_on": dates,
    "dose-dose": numbers,
    "dose-dose_unit": st.one_of(text, st.sampled_from(["mg", "mL"])),
    "dose-strength": numbers,
    "dose-schedule": st.one_of(text, st.sampled_from(["times", "every"])),
    "dose-times_text": times,
    "dose-every_hours": st.one_of(text, st.sampled_from(["1", "5", "8", "24", "0", "-8"])),
    "dose-first_at": st.one_of(text, st.sampled_from(["06:00", "24:00", "6"])),
}
medicine_data = st.fixed_dictionaries(
    {},
    optional={
        "medicine-name": st.one_of(text, st.sampled_from(["Quinidine", "ACTH", " ", "x" * 101])),
        "medicine-form": st.one_of(text, st.sampled_from(["liquid", "tablet"])),
        "medicine-route": st.one_of(text, st.sampled_from(["oral", "tube"])),
        "medicine-started_on": dates,
        "medicine-stopped_on": dates,
        **dose_fields,
    },
)


def _explains(response) -> None:
    assert response.status_code in (200, 302, 400), response.status_code
    if response.status_code != 302:
        assert "errorlist" in response.content.decode() or "form-error" in response.content.decode()


def _obeys_rules(version: DoseVersion) -> None:
    version.full_clean()
    assert [time.fromisoformat(t) for t in version.times] == sorted({time.fromisoformat(t) for t in version.times})


@FUZZ
@given(data=medicine_data)
def test_adding_a_medicine_never_fails(owner_client, child, data) -> None:
    before = Medicine.objects.count()
    response = owner_client.post(reverse("seizures:medicine-add", args=[child.public_id]), data)
    _explains(response)
    if response.status_code != 302:
        assert Medicine.objects.count() == before
    else:
        _obeys_rules(DoseVersion.objects.latest("pk"))


@FUZZ
@given(data=st.fixed_dictionaries({}, optional=dose_fields))
def test_changing_a_dose_never_fails(owner_client, child, data) -> None:
    medicine = make_medicine(child)
    response = owner_client.post(
        reverse("seizures:medicine-dose-change", args=[child.public_id, medicine.public_id]), data
    )
    _explains(response)
    count = medicine.versions.count()
    assert count == (2 if response.status_code == 302 else 1)
    if count == 2:
        _obeys_rules(medicine.versions.latest("pk"))


@FUZZ
@given(data=st.fixed_dictionaries({}, optional={"measured_on": dates, "kg": numbers}))
def test_logging_a_weight_never_fails(owner_client, child, data) -> None:
    before = Weight.objects.count()
    response = owner_client.post(reverse("seizures:weights", args=[child.public_id]), data)
    _explains(response)
    if response.status_code == 302:
        Weight.objects.latest("pk").full_clean()
    else:
        assert Weight.objects.count() == before


DUE = "2026-05-01T07:00:00+00:00"  # 08:00 in London
moments = st.one_of(text, st.sampled_from([DUE, "2026-05-01T08:00", "0001-01-01T00:00:00Z", "2026-05-01T07:00:00"]))
keys = st.sampled_from([str(uuid.UUID(int=n)) for n in range(1, 4)])


@FUZZ
@given(
    data=st.fixed_dictionaries(
        {},
        optional={
            "scheduled_at": moments,
            "status": st.one_of(text, st.sampled_from(["given", "skipped"])),
            "client_uuid": st.one_of(keys, text),
            "given_at": moments,
            "reason": text,
            "extra": st.sampled_from(["", "on", "false"]),
            "medicine": st.one_of(text, st.just("MEDICINE")),
        },
    )
)
def test_a_dose_tap_never_fails(owner_client, child, data) -> None:
    medicine = make_medicine(child, times=("08:00",))
    if data.get("medicine") == "MEDICINE":
        data["medicine"] = str(medicine.public_id)
    with time_machine.travel(datetime(2026, 5, 1, 7, 30, tzinfo=UTC), tick=False):
        response = owner_client.post(reverse("seizures:dose-record", args=[child.public_id]), data)
    assert response.status_code in (302, 400, 409), response.status_code
    assert Dose.objects.filter(extra=False).count() <= 1
    assert all(d.scheduled_at == datetime.fromisoformat(DUE) for d in Dose.objects.all())


scalars = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=False), text)
any_json = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3))


@FUZZ
@given(
    entry=st.fixed_dictionaries(
        {"kind": st.just("dose")},
        optional={
            "client_uuid": st.one_of(keys, any_json),
            "medicine": st.one_of(st.just("MEDICINE"), any_json),
            "scheduled_at": st.one_of(moments, any_json),
            "status": st.one_of(st.sampled_from(["given", "skipped"]), any_json),
            "given_at": st.one_of(moments, any_json),
            "given_at_local": st.one_of(moments, any_json),
            "reason": st.one_of(text, any_json),
            "other": any_json,
        },
    )
)
def test_dose_entries_never_fail(owner_client, child, entry) -> None:
    medicine = make_medicine(child, times=("08:00",))
    if entry.get("medicine") == "MEDICINE":
        entry["medicine"] = str(medicine.public_id)
    with time_machine.travel(datetime(2026, 5, 1, 7, 30, tzinfo=UTC), tick=False):
        response = owner_client.post(
            reverse("seizures:sync", args=[child.public_id]), json.dumps(entry), content_type="application/json"
        )
    assert response.status_code in (200, 201, 400), response.status_code
    if response.status_code == 400:
        assert response.json()["errors"]
    assert Dose.objects.filter(extra=False).count() <= 1


@FUZZ
@given(
    data=st.fixed_dictionaries(
        {},
        optional={
            "details-name": st.one_of(text, st.sampled_from(["Quinidine", " ", "x" * 101])),
            "details-form": st.one_of(text, st.sampled_from(["liquid", "tablet"])),
            "details-route": st.one_of(text, st.sampled_from(["oral", "tube"])),
        },
    )
)
def test_correcting_a_medicine_never_fails(owner_client, child, data) -> None:
    medicine = make_medicine(child)
    response = owner_client.post(reverse("seizures:medicine-edit", args=[child.public_id, medicine.public_id]), data)
    _explains(response)
    medicine.refresh_from_db()
    if response.status_code != 302:
        assert medicine.name == "Levetiracetam"
    else:
        medicine.full_clean()
        assert medicine.treatment.kind == TreatmentKindFor.of(medicine.name)
