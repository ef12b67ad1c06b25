"""Context for seizures and days: the onset state (which the old "asleep when it began" box
became, nothing lost, on the server, in the phone's queued entries and in old backups), the
optional seizure type, the split of counts by onset state, and day notes (who may write them,
what they accept, where they show)."""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import UTC, date, datetime, timedelta
from html import unescape
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caregiver.export import user_export
from caregiver.models import AuditEvent, Child
from seizures.backup import export_child
from seizures.models import DayNote, Episode, NotRecordedRange
from seizures.reports import stats
from seizures.reports.periods import Period
from seizures.signs import Onset, SeizureType
from tests.conftest import make_child
from tests.support.factories import make_day_note, make_episode

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
TODAY = date(2026, 11, 20)


@pytest.fixture(autouse=True)
def _fixed_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def page(name: str, child: Child, *args, **query) -> str:
    path = reverse(f"seizures:{name}", args=[child.public_id, *args])
    return f"{path}?{'&'.join(f'{k}={v}' for k, v in query.items())}" if query else path


# --- The migration ------------------------------------------------------------------------------
BEFORE = [("seizures", "0006_stats_index_received_at")]
AFTER = [("seizures", "0008_context")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_turns_asleep_when_it_began_into_onset_asleep_and_back(child) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("seizures", "Episode")
    asleep = old.objects.create(child_id=child.pk, started_at=NOW - timedelta(days=1), asleep_at_onset=True)
    unticked = old.objects.create(child_id=child.pk, started_at=NOW - timedelta(days=2), asleep_at_onset=False)
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    assert Episode.objects.get(pk=asleep.pk).onset == Onset.ASLEEP
    # An unticked box never said the child was awake.
    assert Episode.objects.get(pk=unticked.pk).onset == Onset.UNKNOWN
    # Undone, the box is ticked again where the seizure began asleep.
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("seizures", "Episode")
    assert old.objects.get(pk=asleep.pk).asleep_at_onset and not old.objects.get(pk=unticked.pk).asleep_at_onset
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


# --- Writing the onset and the type ----------------------------------------------------------------


def test_the_timer_sets_the_onset_with_one_tap_and_audits_it(owner_client, child) -> None:
    episode = make_episode(child, in_progress=True, duration_seconds=None, started_at=NOW - timedelta(seconds=40))
    timer = owner_client.get(page("timer", child, episode.public_id)).content.decode()
    assert "When it began, the child was" in timer and 'name="value" value="asleep"' in timer
    response = owner_client.post(page("episode-set", child, episode.public_id), {"field": "onset", "value": "asleep"})
    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.onset == Onset.ASLEEP
    assert AuditEvent.objects.filter(child=child, summary="Timer: onset asleep").count() == 1


def test_the_timer_answers_htmx_with_the_onset_choices_pressed(owner_client, child) -> None:
    episode = make_episode(child, in_progress=True, duration_seconds=None, started_at=NOW - timedelta(seconds=40))
    response = owner_client.post(
        page("episode-set", child, episode.public_id), {"field": "onset", "value": "feeding"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<div class="onset" id="onset">')
    assert 'value="feeding" class="button choice" aria-pressed="true"' in html


def test_the_timer_refuses_an_onset_that_is_not_a_choice(owner_client, child) -> None:
    episode = make_episode(child, in_progress=True, duration_seconds=None, started_at=NOW - timedelta(seconds=40))
    response = owner_client.post(page("episode-set", child, episode.public_id), {"field": "onset", "value": "dozing"})
    assert response.status_code == 400
    episode.refresh_from_db()
    assert episode.onset == Onset.UNKNOWN


def past(**changes) -> dict:
    data = {
        "client_uuid": str(uuid.uuid4()),
        "started_at": "2026-11-19T14:30",
        "duration_minutes": "1",
        "duration_secs": "5",
    }
    return data | changes


def test_the_past_seizure_form_offers_onset_and_types_with_help(owner_client, child) -> None:
    html = owner_client.get(page("episode-add", child)).content.decode()
    for label in ("Awake", "Asleep", "Feeding", "Not known"):
        assert label in html
    assert 'name="onset" value="unknown" id="id_onset_3" checked' in html
    assert "Focal to bilateral tonic-clonic" in html
    assert "Spasms can appear later in this disease and change the treatment: tell the clinician." in html


def test_the_past_seizure_form_saves_onset_and_type(owner_client, child) -> None:
    response = owner_client.post(page("episode-add", child), past(onset="feeding", seizure_type="epileptic_spasms"))
    assert response.status_code == 302
    episode = Episode.objects.get(child=child)
    assert (episode.onset, episode.seizure_type) == (Onset.FEEDING, SeizureType.SPASMS)


def test_a_past_seizure_without_onset_or_type_is_not_known_and_untyped(owner_client, child) -> None:
    assert owner_client.post(page("episode-add", child), past()).status_code == 302
    episode = Episode.objects.get(child=child)
    assert (episode.onset, episode.seizure_type) == (Onset.UNKNOWN, "")


def test_the_form_refuses_an_unknown_type_with_a_message(owner_client, child) -> None:
    response = owner_client.post(page("episode-add", child), past(seizure_type="absence"))
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not Episode.objects.exists()


def test_editing_keeps_and_changes_the_onset(owner_client, child) -> None:
    episode = make_episode(child, started_at=datetime(2026, 11, 19, 14, 30, tzinfo=UTC), onset=Onset.ASLEEP)
    html = owner_client.get(page("episode-edit", child, episode.public_id)).content.decode()
    assert 'name="onset" value="asleep" id="id_onset_1" checked' in html
    data = past(onset="awake", version=str(episode.version))
    assert owner_client.post(page("episode-edit", child, episode.public_id), data).status_code == 302
    episode.refresh_from_db()
    assert episode.onset == Onset.AWAKE


# --- Entries queued on a phone before the change ---------------------------------------------------
def send(client, child, entry: dict):
    return client.post(
        reverse("seizures:sync", args=[child.public_id]), json.dumps(entry), content_type="application/json"
    )


def old_timer_entry(**fields) -> dict:
    return {
        "kind": "episode",
        "client_uuid": str(uuid.uuid4()),
        "started_at": (NOW - timedelta(minutes=20)).isoformat(),
        "in_progress": False,
        "duration_seconds": 70,
    } | fields


def test_a_queued_timer_entry_with_asleep_at_onset_true_arrives_as_onset_asleep(owner_client, child) -> None:
    assert send(owner_client, child, old_timer_entry(asleep_at_onset=True)).status_code == 201
    assert Episode.objects.get(child=child).onset == Onset.ASLEEP


def test_a_queued_timer_entry_with_asleep_at_onset_false_says_nothing(owner_client, child) -> None:
    assert send(owner_client, child, old_timer_entry(asleep_at_onset=False)).status_code == 201
    assert Episode.objects.get(child=child).onset == Onset.UNKNOWN


def test_a_queued_change_to_a_running_seizure_maps_asleep_too(owner_client, child) -> None:
    key = str(uuid.uuid4())
    start = {"kind": "episode", "client_uuid": key, "started_at": (NOW - timedelta(minutes=1)).isoformat()}
    assert send(owner_client, child, start | {"in_progress": True}).status_code == 201
    assert (
        send(owner_client, child, {"kind": "episode", "client_uuid": key, "asleep_at_onset": True}).status_code == 200
    )
    assert Episode.objects.get(child=child).onset == Onset.ASLEEP


def test_an_onset_the_entry_names_wins_over_the_old_box(owner_client, child) -> None:
    assert send(owner_client, child, old_timer_entry(asleep_at_onset=True, onset="feeding")).status_code == 201
    assert Episode.objects.get(child=child).onset == Onset.FEEDING


def test_an_unreadable_old_box_is_refused_by_name(owner_client, child) -> None:
    response = send(owner_client, child, old_timer_entry(asleep_at_onset="yes"))
    assert response.status_code == 400 and "asleep_at_onset" in response.content.decode()
    assert not Episode.objects.exists()


def test_a_queued_past_seizure_form_with_the_old_box_ticked_arrives_asleep(owner_client, child) -> None:
    fields = past(asleep_at_onset="on")
    entry = {"kind": "form", "client_uuid": fields.pop("client_uuid"), "fields": fields}
    assert send(owner_client, child, entry).status_code == 201
    assert Episode.objects.get(child=child).onset == Onset.ASLEEP


def test_the_timer_state_the_phone_keeps_carries_onset_and_type(owner_client, child) -> None:
    key = str(uuid.uuid4())
    entry = {"kind": "episode", "client_uuid": key, "started_at": (NOW - timedelta(minutes=1)).isoformat()}
    send(owner_client, child, entry | {"in_progress": True, "onset": "awake"})
    html = owner_client.get(page("timer-now", child) + f"?id={key}").content.decode()
    state = json.loads(html.split('id="timer-state" type="application/json">')[1].split("</script>")[0])
    assert state["onset"] == "awake" and state["seizure_type"] == "" and "asleep_at_onset" not in state


# --- Split counts ------------------------------------------------------------------------------
def test_counts_split_by_onset_over_a_25_hour_day_in_the_childs_zone(child) -> None:
    # London leaves summer time on 25 Oct 2026: that day has 25 hours.
    day = date(2026, 10, 25)
    make_episode(child, started_at=datetime(2026, 10, 24, 22, 59, tzinfo=UTC), onset=Onset.AWAKE)  # 23:59 BST, 24th
    make_episode(child, started_at=datetime(2026, 10, 24, 23, 0, tzinfo=UTC), onset=Onset.ASLEEP)  # 00:00 BST
    make_episode(child, started_at=datetime(2026, 10, 25, 0, 30, tzinfo=UTC), onset=Onset.ASLEEP)  # 01:30 BST
    make_episode(child, started_at=datetime(2026, 10, 25, 1, 30, tzinfo=UTC), onset=Onset.FEEDING)  # 01:30 GMT
    make_episode(child, started_at=datetime(2026, 10, 25, 23, 59, tzinfo=UTC))  # 23:59 GMT: not known
    make_episode(child, started_at=datetime(2026, 10, 26, 0, 0, tzinfo=UTC), onset=Onset.AWAKE)  # the 26th
    period = Period("custom", date(2026, 10, 24), date(2026, 10, 26), "day")
    summary = stats.summarise(child, period, began_on=date(2026, 10, 1))
    by_day = {b.start: dict(zip(Onset.values, b.onsets, strict=True)) for b in summary.buckets}
    assert by_day[day] == {"awake": 0, "asleep": 2, "feeding": 1, "unknown": 1}
    assert by_day[day - timedelta(days=1)] == {"awake": 1, "asleep": 0, "feeding": 0, "unknown": 0}
    assert by_day[day + timedelta(days=1)] == {"awake": 1, "asleep": 0, "feeding": 0, "unknown": 0}
    assert summary.onset_counts == {"awake": 2, "asleep": 2, "feeding": 1, "unknown": 1}


def test_days_marked_not_recorded_are_left_out_of_the_split(child, owner) -> None:
    make_episode(child, started_at=datetime(2026, 11, 10, 9, tzinfo=UTC), onset=Onset.ASLEEP)
    make_episode(child, started_at=datetime(2026, 11, 12, 9, tzinfo=UTC), onset=Onset.ASLEEP)
    NotRecordedRange.objects.create(child=child, started_on=date(2026, 11, 12), ended_on=date(2026, 11, 12))
    period = Period("custom", date(2026, 11, 1), TODAY, "week")
    summary = stats.summarise(child, period, began_on=date(2026, 11, 1))
    assert summary.onset_counts["asleep"] == 1


def test_seizure_types_are_counted_and_untyped_ones_apart(child) -> None:
    make_episode(child, started_at=NOW - timedelta(days=2), seizure_type=SeizureType.FOCAL_MOTOR)
    make_episode(child, started_at=NOW - timedelta(days=2, hours=1), seizure_type=SeizureType.SPASMS)
    make_episode(child, started_at=NOW - timedelta(days=3))
    period = Period("custom", date(2026, 11, 1), TODAY, "day")
    summary = stats.summarise(child, period, began_on=date(2026, 11, 1))
    assert summary.type_counts["focal_motor"] == 1 and summary.type_counts["epileptic_spasms"] == 1
    assert sum(summary.type_counts.values()) == 2 and summary.whole.count == 3


def test_the_chart_page_shows_the_onset_split_in_figures_chart_and_table(owner_client, child) -> None:
    for hours, onset in ((30, Onset.ASLEEP), (50, Onset.ASLEEP), (70, Onset.AWAKE), (90, Onset.UNKNOWN)):
        make_episode(child, started_at=NOW - timedelta(hours=hours), onset=onset)
    html = owner_client.get(page("charts", child, period="30d")).content.decode()
    assert "As each began, the child was" in html
    assert "awake 1 (25%) · asleep 2 (50%) · feeding 0 (0%) · not known 1 (25%)" in html
    assert 'id="chart-onset-title">Awake or asleep</h3>' in html
    assert "Seizures by what the child was doing as each began" in html


def test_the_report_lists_onset_and_type_of_each_seizure_and_the_types_table(owner_client, child) -> None:
    make_episode(child, started_at=NOW - timedelta(hours=5), onset=Onset.FEEDING, seizure_type="focal_non_motor")
    html = owner_client.get(page("report", child, period="30d")).content.decode()
    assert "<td>Feeding</td>" in html and "<td>Focal non-motor</td>" in html
    assert "Seizure types (ILAE 2017), as the family recorded them" in html
    assert "Epileptic spasms can appear later in this disease" in html


def test_the_csv_has_onset_and_type_beside_the_signs(owner_client, child) -> None:
    make_episode(child, started_at=NOW - timedelta(hours=5), onset=Onset.ASLEEP, seizure_type="focal_motor")
    response = owner_client.get(page("export-csv", child, period="all"))
    text = b"".join(response.streaming_content).decode("utf-8")[1:]
    header = text.splitlines()[0].split(",")
    assert header.index("seen_on_eeg") < header.index("onset") < header.index("seizure_type") < header.index("migrated")
    (row,) = list(csv.DictReader(io.StringIO(text)))
    assert row["onset"] == "asleep" and row["seizure_type"] == "focal_motor"


# --- Backups ----------------------------------------------------------------------------------
def test_backup_round_trip_carries_onset_type_and_day_notes(child, owner, tmp_path) -> None:
    make_episode(child, started_at=NOW - timedelta(hours=5), onset=Onset.FEEDING, seizure_type="epileptic_spasms")
    make_day_note(child, date(2026, 11, 18), temperature_c="38.4", text="Cold", created_by=owner)
    path = tmp_path / "robin.json"
    call_command("export_child", str(child.public_id), str(path), stdout=StringIO())
    before = {k: v for k, v in json.loads(path.read_text()).items() if k != "exported_at"}
    assert before["episodes"][0]["onset"] == "feeding" and before["day_notes"][0]["created_by"] == owner.email
    child.delete()
    call_command("import_child", str(path), stdout=StringIO())
    restored = Child.objects.get(public_id=child.public_id)
    assert {k: v for k, v in export_child(restored).items() if k != "exported_at"} == before
    note = DayNote.objects.get(child=restored)
    assert str(note.temperature_c) == "38.4" and note.created_by == owner


def test_an_old_backup_with_asleep_at_onset_imports_as_asleep(child, tmp_path) -> None:
    make_episode(child, started_at=NOW - timedelta(hours=5))
    document = export_child(child)
    del document["day_notes"]
    for row in document["episodes"]:
        del row["onset"], row["seizure_type"]
        row["asleep_at_onset"] = True
    child.delete()
    path = tmp_path / "older.json"
    path.write_text(json.dumps(document))
    call_command("import_child", str(path), stdout=StringIO())
    assert Episode.objects.get(child__public_id=child.public_id).onset == Onset.ASLEEP


# --- Day notes ---------------------------------------------------------------------------------
def note(**changes) -> dict:
    return {"client_uuid": str(uuid.uuid4()), "noted_on": "2026-11-19", "kind": "illness", "temperature_c": "38.5"} | (
        changes
    )


def test_a_caregiver_adds_a_fever_note_once_whatever_the_repeats(client, child, caregiver_user) -> None:
    client.force_login(caregiver_user)
    data = note(text="Ear infection")
    for _ in range(2):
        response = client.post(page("note-add", child), data)
        assert response.status_code == 302 and response["Location"] == page("notes", child)
    saved = DayNote.objects.get(child=child)
    assert (saved.noted_on, saved.kind, str(saved.temperature_c)) == (date(2026, 11, 19), "illness", "38.5")
    assert saved.created_by == caregiver_user
    assert AuditEvent.objects.filter(child=child, object_type="daynote", action="create").count() == 1
    html = client.get(page("notes", child)).content.decode()
    assert "Illness or fever, 38.5 °C: Ear infection" in html


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"temperature_c": "33.9"}, "between 34 and 43"),
        ({"temperature_c": "43.1"}, "between 34 and 43"),
        ({"temperature_c": "hot"}, "as a number, like 38.5"),
        ({"temperature_c": "38.55"}, "One decimal is enough"),
        ({"kind": "vaccination"}, "A temperature goes with an illness or fever."),
        ({"kind": "other", "temperature_c": ""}, "Say what happened."),
        ({"kind": ""}, "Choose what happened."),
        ({"noted_on": "2026-11-21"}, "A note is for a day that has begun."),
        ({"noted_on": "2026-02-27"}, "before the child’s date of birth"),
        ({"noted_on": "soon"}, "Enter a valid date"),
        ({"text": "x\x00y"}, ""),
    ],
)
def test_a_bad_note_is_refused_with_a_clear_message(owner_client, child, changes, message) -> None:
    response = owner_client.post(page("note-add", child), note(**changes))
    assert response.status_code == 400
    html = response.content.decode()
    assert "errorlist" in html and message in html
    assert not DayNote.objects.exists()


@pytest.mark.parametrize("temperature", ["34", "43", "43.0", ""])
def test_temperatures_at_the_edges_are_accepted(owner_client, child, temperature) -> None:
    assert owner_client.post(page("note-add", child), note(temperature_c=temperature)).status_code == 302


def test_the_notes_page_is_for_every_member_and_the_form_for_writers(client, child, clinician, owner) -> None:
    make_day_note(child, date(2026, 11, 1), kind="vaccination", text="6-month vaccines")
    client.force_login(clinician)
    html = client.get(page("notes", child)).content.decode()
    assert "Vaccination: 6-month vaccines" in html
    assert 'id="add-note-heading"' not in html and "/delete/" not in html
    client.force_login(owner)
    html = client.get(page("notes", child)).content.decode()
    assert 'id="add-note-heading"' in html and 'type="radio" name="kind"' in html and "/delete/" in html


def test_a_clinician_cannot_add_or_delete_notes(client, child, clinician) -> None:
    kept = make_day_note(child, date(2026, 11, 1))
    client.force_login(clinician)
    assert client.post(page("note-add", child), note()).status_code == 403
    assert client.post(page("note-delete", child, kept.public_id)).status_code == 403
    assert DayNote.objects.count() == 1


def test_another_familys_notes_are_404(client, child, outsider) -> None:
    mine = make_day_note(child, date(2026, 11, 1))
    client.force_login(outsider)
    assert client.get(page("notes", child)).status_code == 404
    assert client.post(page("note-add", child), note()).status_code == 404
    assert client.post(page("note-delete", child, mine.public_id)).status_code == 404
    # The outsider's own child, with the other family's note id: still 404.
    theirs = Child.objects.get(name="Other child")
    assert client.post(page("note-delete", theirs, mine.public_id)).status_code == 404
    assert DayNote.objects.filter(pk=mine.pk).exists()


def test_a_client_uuid_of_another_child_is_refused_and_changes_nothing(client, child, owner, outsider) -> None:
    theirs = make_child(outsider, name="Third child")
    taken = make_day_note(theirs, date(2026, 11, 1), client_uuid=uuid.uuid4())
    client.force_login(owner)
    response = client.post(page("note-add", child), note(client_uuid=str(taken.client_uuid)))
    assert response.status_code == 409
    assert DayNote.objects.filter(child=child).count() == 0


def test_deleting_a_note_removes_it_and_audits(owner_client, child) -> None:
    gone = make_day_note(child, date(2026, 11, 1))
    response = owner_client.post(page("note-delete", child, gone.public_id))
    assert response.status_code == 302 and not DayNote.objects.exists()
    assert AuditEvent.objects.filter(child=child, object_type="daynote", action="delete").count() == 1
    assert owner_client.post(page("note-delete", child, gone.public_id)).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in_and_wrong_methods_are_405(owner_client, child) -> None:
    response = Client().get(page("notes", child))
    assert response.status_code == 302 and "login" in response["Location"]
    assert owner_client.get(page("note-add", child)).status_code == 405
    assert owner_client.post(page("notes", child)).status_code == 405


def test_home_and_chart_pages_link_to_the_notes(owner_client, child) -> None:
    for name in ("home", "charts"):
        assert page("notes", child) in owner_client.get(page(name, child)).content.decode()


def test_the_notes_page_is_one_query_after_the_child_whatever_the_notes(owner_client, child) -> None:
    owner_client.get(page("notes", child))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert owner_client.get(page("notes", child)).status_code == 200
        return len(captured)

    few = queries()
    for n in range(30):
        make_day_note(child, date(2026, 10, 1) + timedelta(days=n), kind="missed_sleep")
    assert queries() == few


# --- Notes on the chart and in the report ---------------------------------------------------------
def test_notes_are_markers_on_the_frequency_chart_and_in_its_table(owner_client, child) -> None:
    make_episode(child, started_at=NOW - timedelta(days=3))
    make_day_note(child, date(2026, 11, 18), temperature_c="38.9", text="Ear <b>infection</b>")
    response = owner_client.get(page("charts", child, period="30d"))
    html = response.content.decode()
    figure = json.loads(unescape(html.split('chart-plot-frequency" data-figure="')[1].split('"')[0]))
    (markers,) = [trace for trace in figure["data"] if trace.get("name") == "Day notes"]
    assert markers["x"] == ["2026-11-18"] and markers["mode"] == "markers"
    assert markers["text"] == ["18 Nov 2026: Illness or fever, 38.9 °C: Ear &lt;b&gt;infection&lt;/b&gt;"]
    assert "1 day note is marked on the chart." in html
    assert "<td>Illness or fever, 38.9 °C: Ear &lt;b&gt;infection&lt;/b&gt;</td>" in html


def test_the_report_lists_the_periods_notes_only(owner_client, child) -> None:
    make_episode(child, started_at=NOW - timedelta(days=20))  # the diary begins then
    make_day_note(child, date(2026, 11, 18), kind="vaccination", text="Flu jab")
    make_day_note(child, date(2026, 9, 1), kind="missed_sleep")
    html = owner_client.get(page("report", child, period="30d")).content.decode()
    section = html.split('id="day-notes-title"')[1].split("</section>")[0]
    assert "18 Nov 2026" in section and "Vaccination: Flu jab" in section and "Missed sleep" not in section


def test_chart_and_report_queries_do_not_grow_with_notes(owner_client, child) -> None:
    make_episode(child, started_at=NOW - timedelta(days=3))
    owner_client.get(page("charts", child))

    def queries(name: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert owner_client.get(page(name, child, period="90d")).status_code == 200
        return len(captured)

    few = [queries("charts"), queries("report")]
    for n in range(40):
        make_day_note(child, TODAY - timedelta(days=n), kind="other", text=f"note {n}")
    assert [queries("charts"), queries("report")] == few


def test_the_timeline_shows_the_onset_and_type_when_known(owner_client, child) -> None:
    make_episode(child, started_at=NOW - timedelta(hours=2), onset=Onset.ASLEEP, seizure_type="focal_motor")
    make_episode(child, started_at=NOW - timedelta(hours=3))
    html = owner_client.get(page("timeline", child)).content.decode()
    assert html.count("asleep at the start") == 1 and html.count(">Focal motor</span>") == 1
    assert "not known at the start" not in html


def test_download_all_data_carries_onset_type_and_day_notes(child, owner) -> None:
    make_episode(child, started_at=NOW - timedelta(hours=2), onset=Onset.FEEDING, seizure_type="focal_motor")
    make_day_note(child, date(2026, 11, 18), temperature_c="38.4", text="Cold", created_by=owner)
    record = user_export(owner)["children"][0]
    assert record["episodes"][0]["onset"] == "feeding" and record["episodes"][0]["seizure_type"] == "focal_motor"
    (note,) = record["diary_days"]["notes"]
    assert note["kind"] == "illness" and note["temperature_c"] == "38.4" and note["written_by"] == owner.email


def test_the_key_figures_name_the_seizure_types_given(owner_client, child) -> None:
    make_episode(child, started_at=NOW - timedelta(hours=5), seizure_type="epileptic_spasms")
    make_episode(child, started_at=NOW - timedelta(hours=6), seizure_type="focal_motor")
    make_episode(child, started_at=NOW - timedelta(hours=7), seizure_type="focal_motor")
    html = owner_client.get(page("charts", child, period="30d")).content.decode()
    assert "<dt>Seizure types given</dt><dd>focal motor 2 · epileptic spasms 1</dd>" in html
