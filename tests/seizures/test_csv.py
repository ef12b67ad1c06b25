"""The CSV export: a header and one row per episode of the period, start times with the
child's UTC offset, every sign and side, the migration path, formula-looking text made safe,
streamed in chunks so memory stays flat, and recorded in the audit trail."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.http import StreamingHttpResponse
from django.urls import reverse

from caregiver.models import AuditEvent
from seizures.models import Episode
from seizures.reports import csv_export
from tests.support.factories import make_episode, make_episodes
from tests.support.streaming import size_and_peak

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fixed_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def export(client, child, **query):
    query.setdefault("period", "all")
    response = client.get(reverse("seizures:export-csv", args=[child.public_id]), query)
    assert response.status_code == 200
    return response, b"".join(response.streaming_content).decode("utf-8")


def rows(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_a_header_and_one_row_per_episode_oldest_first(owner_client, child, owner) -> None:
    make_episode(child, datetime(2026, 7, 1, 9, 30, tzinfo=UTC), logged_by=owner)  # BST
    make_episode(child, datetime(2026, 1, 15, 9, 30, tzinfo=UTC), duration_seconds=None)  # GMT
    response, text = export(owner_client, child)
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="seizures-robin-2026-01-15-to-2026-11-20')
    header = text[1:].splitlines()[0].split(",")
    assert header == csv_export.HEADER
    assert {"apnea", "eye_deviation", "eye_side", "jerking", "jerking_side", "jerking_limb", "drooling"} <= set(header)
    winter, summer = rows(text)
    assert winter["started_at"] == "2026-01-15T09:30:00+00:00" and winter["duration_seconds"] == ""
    assert summer["started_at"] == "2026-07-01T10:30:00+01:00" and summer["duration_seconds"] == "90"
    assert summer["logged_by"] == "Alex" and winter["logged_by"] == ""


def test_signs_sides_path_rescue_and_notes(owner_client, child) -> None:
    make_episode(
        child,
        datetime(2026, 11, 1, 8, 0, tzinfo=UTC),
        apnea=True,
        eye_deviation=True,
        eye_side="right",
        jerking=True,
        jerking_side="left",
        jerking_limb="both",
        path=[{"region": "left_arm", "at_seconds": 0}, {"region": "right_leg", "at_seconds": None}],
        rescue_medicine="Buccal midazolam 2.5 mg",
        rescue_given_at=datetime(2026, 11, 1, 8, 6, tzinfo=UTC),
        notes="Woke from sleep, then a second one",
    )
    make_episode(child, datetime(2026, 11, 2, 8, 0, tzinfo=UTC), is_tally=True, duration_seconds=None)
    full, tap = rows(export(owner_client, child)[1])
    assert (full["apnea"], full["flushing"], full["eye_side"], full["jerking_side"], full["jerking_limb"]) == (
        "1", "0", "right", "left", "both",
    )  # fmt: skip
    assert full["migrated"] == "1"
    assert (full["migration_path"], full["migration_path_seconds"]) == ("left_arm > right_leg", "0 > ")
    assert full["rescue_medicine"] == "Buccal midazolam 2.5 mg"
    assert full["rescue_given_at"] == "2026-11-01T08:06:00+00:00"
    assert full["notes"] == "Woke from sleep, then a second one" and full["counted_with_plus_one"] == "0"
    assert (tap["counted_with_plus_one"], tap["apnea"], tap["migration_path"]) == ("1", "0", "")


FORMULAS = [
    '=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd",
    # Full-width forms, which spreadsheets read as their ASCII twins.
    "\uff1dSUM(A1)", "\uff0b1", "\uff0d2", "\uff20SUM(A1)",
    # Behind whitespace a spreadsheet skips: space, newline, tab, CR, no-break,
    # ideographic and zero-width spaces.
    " =1+1", "\n=1+1", "\t=1+1", "\r\n+1", "\u00a0-1", "\u3000\uff1d1", "\u200b@x", "  \n \uff20x",
]  # fmt: skip


@pytest.mark.parametrize("text", FORMULAS)
def test_formula_looking_text_is_defused(owner_client, child, owner, text) -> None:
    owner.name = text
    owner.save()
    make_episode(child, datetime(2026, 11, 1, 8, tzinfo=UTC), notes=text, rescue_medicine=text, logged_by=owner)
    [row] = rows(export(owner_client, child)[1])
    assert row["notes"] == row["rescue_medicine"] == row["logged_by"] == "'" + text


@pytest.mark.parametrize("text", ["Seizure at 3-4 pm", " two, then = calm", "\nNo formula", "email me @ 6", "'quoted"])
def test_text_that_is_no_formula_is_left_as_typed(text) -> None:
    assert csv_export.defuse(text) == text


def test_only_the_live_episodes_of_this_child_in_the_period(owner_client, child, outsider) -> None:
    make_episode(child, datetime(2026, 11, 10, 8, tzinfo=UTC), notes="in")
    make_episode(child, datetime(2026, 10, 1, 8, tzinfo=UTC), notes="before the period")
    gone = make_episode(child, datetime(2026, 11, 11, 8, tzinfo=UTC), notes="deleted")
    Episode.objects.filter(pk=gone.pk).update(deleted_at=NOW)
    make_episode(outsider.memberships.get().child, datetime(2026, 11, 12, 8, tzinfo=UTC), notes="another family")
    exported = rows(export(owner_client, child, period="30d")[1])
    assert [row["notes"] for row in exported] == ["in"]


def test_clinicians_may_export_and_every_export_is_recorded(client, child, clinician) -> None:
    make_episodes(child, 3, end=NOW - timedelta(hours=1))
    client.force_login(clinician)
    assert len(rows(export(client, child)[1])) == 3
    [event] = AuditEvent.objects.filter(child=child)
    assert (event.action, event.role, event.actor_label) == ("export", "clinician", "neuro@example.org")


@pytest.mark.slow
def test_memory_stays_flat_however_many_rows(owner_client, child) -> None:
    """Peak memory while streaming 5 chunks' worth of rows is not much above 2 chunks'."""

    def peak(count: int) -> int:
        Episode.objects.filter(child=child).delete()
        make_episodes(child, count, end=NOW - timedelta(hours=1), spacing=timedelta(minutes=5))
        response = owner_client.get(reverse("seizures:export-csv", args=[child.public_id]), {"period": "all"})
        size, top = size_and_peak(response)
        assert size > count * 100
        return top

    small, large = peak(2 * csv_export.CHUNK), peak(5 * csv_export.CHUNK)
    assert large < small * 1.5


def test_defuse_leaves_ordinary_text_alone() -> None:
    assert csv_export.defuse("Midazolam 2.5 mg") == "Midazolam 2.5 mg"
    assert csv_export.defuse("") == ""
    assert csv_export.defuse("=1+1") == "'=1+1"
