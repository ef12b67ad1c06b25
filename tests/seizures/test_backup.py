"""export_child / import_child: a child's whole history moves between installations and
databases, record for record; importing twice changes nothing; bad files are refused."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caregiver.models import AuditEvent, Child, Membership, User
from seizures import recording_plan
from seizures.backup import MAX_BYTES, SECTIONS, export_child
from seizures.models import (
    AlertPreference,
    Cluster,
    DayConfirmation,
    Dose,
    DoseVersion,
    Episode,
    Medicine,
    NotRecordedRange,
    Treatment,
    UncountablePeriod,
    Weight,
)
from seizures.plan_models import RescueDose
from tests.support.factories import make_medicine, make_plan
from tests.support.fuzz import examples
from tests.support.scratch import manage, scratch_database

STAMPS = ("public_id", "started_at", "rescue_given_at", "received_at", "updated_at", "deleted_at")


def _without_stamp(document: dict) -> dict:
    return {k: v for k, v in document.items() if k != "exported_at"}


def test_export_holds_every_record_and_links_by_public_ids(history) -> None:
    document = export_child(history)
    assert len(document["episodes"]) == 5 and len(document["treatments"]) == 2
    assert {m["user"] for m in document["memberships"]} == {
        "parent@example.com",
        "grandma@example.com",
        "neuro@example.org",
    }
    migrated = next(e for e in document["episodes"] if e["path"])
    assert migrated["logged_by"] == "grandma@example.com" and migrated["migrated"] is True
    tallies = [e for e in document["episodes"] if e["is_tally"]]
    assert {e["cluster"] for e in tallies} == {document["clusters"][0]["public_id"]}


def test_round_trip_in_one_installation_reproduces_every_record(history, tmp_path) -> None:
    path = tmp_path / "robin.json"
    call_command("export_child", str(history.public_id), str(path), stdout=StringIO())
    before = _without_stamp(json.loads(path.read_text()))
    stamps = sorted(Episode.objects.values_list(*STAMPS))
    history.delete()
    assert not Episode.objects.exists()
    call_command("import_child", str(path), stdout=StringIO())
    after = _without_stamp(export_child(Child.objects.get(public_id=history.public_id)))
    assert after == before
    assert sorted(Episode.objects.values_list(*STAMPS)) == stamps  # to the microsecond


def test_importing_the_same_file_twice_changes_nothing(history, tmp_path) -> None:
    path = tmp_path / "robin.json"
    call_command("export_child", str(history.public_id), str(path), stdout=StringIO())
    history.delete()
    call_command("import_child", str(path), stdout=StringIO())
    counts = [m.objects.count() for m in (Child, Membership, Episode, Cluster, Treatment, AuditEvent, User)]
    call_command("import_child", str(path), stdout=StringIO())
    assert [m.objects.count() for m in (Child, Membership, Episode, Cluster, Treatment, AuditEvent, User)] == counts


def test_import_creates_unknown_people_without_a_usable_password(history, tmp_path) -> None:
    path = tmp_path / "robin.json"
    call_command("export_child", str(history.public_id), str(path), stdout=StringIO())
    history.delete()
    User.objects.filter(email="grandma@example.com").delete()
    call_command("import_child", str(path), stdout=StringIO())
    gran = User.objects.get(email="grandma@example.com")
    assert not gran.has_usable_password()
    assert Episode.objects.filter(logged_by=gran).count() == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe not utf-8", "not UTF-8 JSON"),
        (b"{not json", "not UTF-8 JSON"),
        (b'{"format": "something else"}', "not a child export from this app"),
        (b'{"format": "mmpei-seizure-log/child", "version": 99}', "export version 99"),
        (b'{"format": "mmpei-seizure-log/child", "version": 1, "child": {}}', "damaged"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(tmp_path, db, content, message) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("import_child", str(path))
    assert not Child.objects.exists()


def test_invalid_records_are_refused_and_nothing_is_imported(history, tmp_path) -> None:
    document = export_child(history)
    document["episodes"][0]["duration_seconds"] = -5
    history.delete()
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(document))
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_child", str(path))
    assert not Child.objects.exists() and not Episode.objects.exists()


def test_oversized_file_is_refused(tmp_path, db, monkeypatch) -> None:
    path = tmp_path / "huge.json"
    path.write_bytes(b" " * 64)
    monkeypatch.setattr("seizures.backup.MAX_BYTES", 10)
    with pytest.raises(CommandError, match="the limit is 10"):
        call_command("import_child", str(path))
    assert MAX_BYTES >= 100 * 1024 * 1024  # room for years of near-constant seizures


def test_missing_child_or_unwritable_path_is_a_clear_error(history, tmp_path) -> None:
    with pytest.raises(CommandError, match="no child with id"):
        call_command("export_child", str(uuid.uuid4()), str(tmp_path / "x.json"))
    with pytest.raises(CommandError, match="cannot write"):
        call_command("export_child", str(history.public_id), str(tmp_path / "no-such-dir" / "x.json"))


@pytest.mark.multiprocess
@pytest.mark.django_db(transaction=True)
def test_round_trip_through_the_other_database(history, tmp_path) -> None:
    """SQLite → PostgreSQL → back (or the reverse when the suite runs on PostgreSQL)."""
    first, second = tmp_path / "here.json", tmp_path / "there.json"
    call_command("export_child", str(history.public_id), str(first), stdout=StringIO())
    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    with scratch_database(other, tmp_path) as url:
        assert "Imported Robin" in manage(url, "import_child", str(first))
        manage(url, "export_child", str(history.public_id), str(second))
    original = _without_stamp(json.loads(first.read_text()))
    assert _without_stamp(json.loads(second.read_text())) == original
    history.delete()
    call_command("import_child", str(second), stdout=StringIO())
    assert _without_stamp(export_child(Child.objects.get(public_id=history.public_id))) == original


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20)),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=12), inner, max_size=4)),
    max_leaves=12,
)


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    child=st.dictionaries(st.sampled_from(["public_id", "name", "born_on", "time_zone", "x"]), json_values),
    sections=st.dictionaries(
        st.sampled_from(["people", "memberships", "clusters", "episodes", "treatments", "audit_events"]),
        st.lists(st.dictionaries(st.text(max_size=15), json_values, max_size=5), max_size=3),
    ),
)
def test_import_of_arbitrary_documents_fails_cleanly(tmp_path_factory, db, child, sections) -> None:
    document = {"format": "mmpei-seizure-log/child", "version": 1, "child": child}
    document |= {name: sections.get(name, []) for name in ("people", *SECTIONS)}
    path = tmp_path_factory.mktemp("fuzz") / "child.json"
    path.write_text(json.dumps(document))
    before = Child.objects.count()
    try:
        call_command("import_child", str(path), stdout=StringIO())
    except CommandError:
        assert Child.objects.count() == before


def test_round_trip_carries_confirmed_days_and_not_recorded_ranges(history, owner, tmp_path) -> None:
    DayConfirmation.objects.create(
        child=history, confirmed_on=date(2026, 5, 2), confirmed_at=datetime(2026, 5, 3, 9, tzinfo=UTC), late=True,
        confirmed_by=owner,
    )  # fmt: skip
    NotRecordedRange.objects.create(
        child=history, started_on=date(2026, 5, 4), ended_on=date(2026, 5, 9), reason="Hospital", created_by=owner
    )
    path = tmp_path / "robin.json"
    call_command("export_child", str(history.public_id), str(path), stdout=StringIO())
    before = _without_stamp(json.loads(path.read_text()))
    assert len(before["day_confirmations"]) == 1 and before["not_recorded_ranges"][0]["reason"] == "Hospital"
    history.delete()
    call_command("import_child", str(path), stdout=StringIO())
    child = Child.objects.get(public_id=history.public_id)
    assert _without_stamp(export_child(child)) == before
    assert DayConfirmation.objects.get(child=child).confirmed_by == owner


def test_round_trip_carries_periods_too_frequent_to_count(history, owner, tmp_path) -> None:
    UncountablePeriod.objects.create(
        child=history, started_at=datetime(2026, 5, 1, 21, tzinfo=UTC),
        ended_at=datetime(2026, 5, 2, 2, 20, tzinfo=UTC), estimated_count=300, notes="Nearly constant",
        created_by=owner,
    )  # fmt: skip
    # One left open long ago still imports (it is no longer "now").
    UncountablePeriod.objects.create(child=history, started_at=datetime(2026, 5, 10, 8, tzinfo=UTC))
    path = tmp_path / "robin.json"
    call_command("export_child", str(history.public_id), str(path), stdout=StringIO())
    before = _without_stamp(json.loads(path.read_text()))
    assert [row["estimated_count"] for row in before["uncountable_periods"]] == [300, None]
    history.delete()
    call_command("import_child", str(path), stdout=StringIO())
    child = Child.objects.get(public_id=history.public_id)
    assert _without_stamp(export_child(child)) == before
    assert UncountablePeriod.objects.filter(child=child).first().created_by == owner


def test_a_file_from_before_diary_days_still_imports(history, tmp_path) -> None:
    document = export_child(history)
    del document["day_confirmations"], document["not_recorded_ranges"], document["uncountable_periods"]
    history.delete()
    path = tmp_path / "older.json"
    path.write_text(json.dumps(document))
    call_command("import_child", str(path), stdout=StringIO())
    assert Episode.objects.filter(child__public_id=history.public_id).count() == 5


def test_round_trip_carries_the_action_plan_and_rescue_doses(history, owner, caregiver_user, tmp_path) -> None:
    make_plan(history, owner)
    plan = make_plan(history, owner, emergency_number="999", interval=15)
    medicine = plan.medicines.get()
    episode = Episode.objects.filter(child=history, rescue_given_at__isnull=False).get()
    given_at = episode.rescue_given_at
    recording_plan.give(
        history, caregiver_user, key=uuid.uuid4(), medicine=medicine, given_at=given_at,
        episode=episode,
    )  # fmt: skip
    recording_plan.give(
        history, owner, key=uuid.uuid4(), medicine=medicine,
        given_at=given_at + timedelta(minutes=3), override=True, reason="Paramedic",
    )  # fmt: skip
    path = tmp_path / "robin.json"
    call_command("export_child", str(history.public_id), str(path), stdout=StringIO())
    before = _without_stamp(json.loads(path.read_text()))
    assert [p["version"] for p in before["action_plans"]] == [1, 2]
    assert len(before["rescue_medicines"]) == 2 and len(before["rescue_doses"]) == 2
    assert before["rescue_doses"][0]["episode"] == str(episode.public_id)
    assert before["rescue_medicines"][1]["plan"] == str(plan.public_id)
    history.delete()
    assert not RescueDose.objects.exists()
    call_command("import_child", str(path), stdout=StringIO())
    child = Child.objects.get(public_id=history.public_id)
    assert _without_stamp(export_child(child)) == before
    dose = RescueDose.objects.get(child=child, override=True)
    assert dose.given_by == owner and dose.medicine.plan.version == 2 and dose.override_reason == "Paramedic"
    assert RescueDose.objects.get(child=child, override=False).episode.public_id == episode.public_id


def test_round_trip_carries_medicines_versions_weights_and_doses(history, owner, caregiver_user, tmp_path) -> None:
    medicine = make_medicine(history, "Phenobarbital", times=("08:00", "20:00"), user=owner)
    DoseVersion.objects.create(
        child=history, medicine=medicine, starts_on=date(2026, 4, 20), dose=Decimal("7.5"), dose_unit="mL",
        strength=Decimal("4"), times=["06:00", "14:00", "22:00"], every_hours=8, set_by=caregiver_user,
    )  # fmt: skip
    Weight.objects.create(child=history, measured_on=date(2026, 4, 2), kg=Decimal("4.35"), logged_by=caregiver_user)
    due = datetime(2026, 4, 21, 5, 0, tzinfo=UTC)
    Dose.objects.create(child=history, medicine=medicine, scheduled_at=due, status="given", given_at=due,
                        logged_by=caregiver_user)  # fmt: skip
    Dose.objects.create(child=history, medicine=medicine, scheduled_at=due, status="given", given_at=due,
                        extra=True, logged_by=owner)  # fmt: skip
    Dose.objects.create(child=history, medicine=medicine, scheduled_at=due.replace(hour=13), status="skipped",
                        reason="Vomited", logged_by=owner)  # fmt: skip
    path = tmp_path / "robin.json"
    call_command("export_child", str(history.public_id), str(path), stdout=StringIO())
    before = _without_stamp(json.loads(path.read_text()))
    assert len(before["medicines"]) == 1 and len(before["dose_versions"]) == 2 and len(before["doses"]) == 3
    assert before["medicines"][0]["treatment"] == str(medicine.treatment.public_id)
    assert {d["medicine"] for d in before["doses"]} == {str(medicine.public_id)}
    history.delete()
    assert not Dose.objects.exists()
    call_command("import_child", str(path), stdout=StringIO())
    child = Child.objects.get(public_id=history.public_id)
    assert _without_stamp(export_child(child)) == before
    restored = Medicine.objects.get(child=child)
    assert restored.treatment.child == child and restored.versions.latest("starts_on").set_by == caregiver_user
    assert Dose.objects.get(child=child, extra=True).logged_by == owner


def test_a_dose_naming_a_medicine_the_file_does_not_hold_is_refused(history, tmp_path) -> None:
    make_medicine(history)
    document = export_child(history)
    document["doses"] = [
        {"public_id": str(uuid.uuid4()), "medicine": str(uuid.uuid4()), "scheduled_at": "2026-04-21T05:00:00+00:00",
         "status": "given", "given_at": "2026-04-21T05:00:00+00:00", "reason": "", "late": False, "extra": False,
         "logged_by": None, "client_uuid": str(uuid.uuid4()), "received_at": "2026-04-21T05:00:00+00:00"}
    ]  # fmt: skip
    history.delete()
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document))
    with pytest.raises(CommandError, match="does not hold"):
        call_command("import_child", str(path), stdout=StringIO())
    assert not Medicine.objects.exists()


def test_round_trip_carries_each_members_alert_choices(history, caregiver_user, tmp_path) -> None:
    membership = Membership.objects.get(child=history, user=caregiver_user)
    AlertPreference.objects.create(membership=membership, started=True, rescue=False, channel="email")
    path = tmp_path / "robin.json"
    call_command("export_child", str(history.public_id), str(path), stdout=StringIO())
    before = _without_stamp(json.loads(path.read_text()))
    assert before["alert_preferences"][0]["membership"] == str(membership.public_id)
    history.delete()
    call_command("import_child", str(path), stdout=StringIO())
    child = Child.objects.get(public_id=history.public_id)
    assert _without_stamp(export_child(child)) == before
    preference = AlertPreference.objects.get(membership__child=child)
    assert preference.membership.user == caregiver_user
    assert preference.kinds() == {"started", "threshold"} and preference.channel == "email"
