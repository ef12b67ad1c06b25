"""Import from another diary: the app's own CSV export imports back to exactly the same
seizures (across both DST changes, the repeated hour included); the same file twice adds
nothing; a spreadsheet's columns are mapped and every row previewed with its problems; all
or nothing; bad files get one clear message; owners only; the command does the same."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from caregiver.models import AuditEvent, Child
from seizures.models import Episode, ImportUpload
from seizures.reports import csv_export
from tests.support.factories import make_episode

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
# What makes two seizures the same, as the diary shows and counts them.
SAME = [
    "public_id", "started_at", "duration_seconds", "apnea", "flushing", "eye_deviation", "eye_side", "jerking",
    "jerking_side", "jerking_limb", "twitching", "drooling", "colour_change", "onset", "seizure_type", "stillness",
    "feed_interrupted",
    "subtle", "seen_on_eeg", "path", "migrated", "rescue_medicine", "rescue_given_at", "is_tally", "notes",
    "received_at",
]  # fmt: skip


@pytest.fixture(autouse=True)
def _fixed_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def new_york(child) -> Child:
    Child.objects.filter(pk=child.pk).update(time_zone="America/New_York")
    child.refresh_from_db()
    return child


def exported(client, child) -> bytes:
    response = client.get(reverse("seizures:export-csv", args=[child.public_id]), {"period": "all"})
    return b"".join(response.streaming_content)


def snapshot(child) -> list[tuple]:
    return list(Episode.objects.filter(child=child).order_by("started_at", "public_id").values_list(*SAME))


def upload(client, child, content: bytes | str, name: str = "diary.csv"):
    data = content.encode() if isinstance(content, str) else content
    return client.post(
        reverse("seizures:import-upload", args=[child.public_id]), {"file": SimpleUploadedFile(name, data)}
    )


def mapping_page(client, child, content, name: str = "diary.csv"):
    response = upload(client, child, content, name)
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"]


def choices(response) -> dict:
    """The mapping form as the page filled it in, ready to post back."""
    form = response.context["form"]
    return {name: form.initial.get(name, form.fields[name].initial) or "" for name in form.fields}


def test_the_apps_own_export_imports_back_to_exactly_the_same_seizures(owner_client, child, owner) -> None:
    make_episode(
        child,
        datetime(2026, 11, 1, 8, 0, tzinfo=UTC),
        apnea=True,
        jerking=True,
        jerking_side="left",
        jerking_limb="both",
        colour_change="blue",
        onset="asleep",
        seizure_type="focal_motor",
        path=[{"region": "left_arm", "at_seconds": 0}, {"region": "right_leg", "at_seconds": None}],
        rescue_medicine="Buccal midazolam 2.5 mg",
        rescue_given_at=datetime(2026, 11, 1, 8, 6, tzinfo=UTC),
        notes='=HYPERLINK("x") and a, comma',
        logged_by=owner,
    )
    make_episode(child, datetime(2026, 11, 2, 8, 0, tzinfo=UTC), is_tally=True, duration_seconds=None)
    make_episode(child, datetime(2026, 7, 2, 8, 0, tzinfo=UTC), stillness=True, eye_deviation=True, eye_side="not_seen")
    before, csv_bytes = snapshot(child), exported(owner_client, child)
    Episode.objects.filter(child=child).delete()

    page = owner_client.get(mapping_page(owner_client, child, csv_bytes, "seizures.csv"))
    assert page.context["plan"].problem_rows == [] and len(page.context["plan"].new) == 3
    done = owner_client.post(page.request["PATH_INFO"], choices(page) | {"import": "1"})
    assert done.status_code == 302 and done["Location"] == reverse("seizures:timeline", args=[child.public_id])
    assert snapshot(child) == before
    assert not ImportUpload.objects.exists()  # the staged file goes once imported
    [event] = AuditEvent.objects.filter(child=child, action="import")
    assert event.summary.startswith("Imported 3 seizures from seizures.csv")


def test_the_same_file_again_adds_nothing(owner_client, child) -> None:
    text = "Date,Seconds\n2026-11-01 08:00,60\n2026-11-02 09:30,75\n"
    for expected in (2, 0):
        page = owner_client.get(mapping_page(owner_client, child, text))
        plan = page.context["plan"]
        assert (len(plan.new), plan.already) == (expected, 2 - expected)
        if expected:
            owner_client.post(page.request["PATH_INFO"], choices(page) | {"import": "1"})
    assert Episode.objects.filter(child=child).count() == 2


def test_a_spreadsheet_is_mapped_previewed_and_imported(owner_client, new_york) -> None:
    text = "When,How long,Stopped breathing,Arm jerks,Side,Comments,Mood\n" \
           "11/20/2026 7:15 AM,1:35,yes,x,left,after feed,fine\n" \
           "11/21/2026 14:05,40,no,,,,\n"  # fmt: skip
    page = owner_client.get(mapping_page(owner_client, new_york, text))
    assert page.context["plan"] is None  # nothing to guess the start from: the owner says
    mapping = choices(page) | {
        "col_started_at": "When", "col_duration": "How long", "col_apnea": "Stopped breathing",
        "col_jerking": "Arm jerks", "col_jerking_side": "Side", "col_jerking_limb": "", "col_notes": "Comments",
        "date_order": "mdy", "time_zone": "America/New_York",
    }  # fmt: skip
    preview = owner_client.post(page.request["PATH_INFO"], mapping | {"preview": "1"})
    plan = preview.context["plan"]
    # Jerking needs its limb: a problem listed on its row, and nothing imported.
    assert [(row.number, row.problems) for row in plan.problem_rows] == [(2, ["Choose the limb, or “limb not seen”."])]
    assert "Mood" in plan.mapping.unused
    refused = owner_client.post(page.request["PATH_INFO"], mapping | {"import": "1"})
    assert refused.status_code == 400 and not Episode.objects.exists()

    text = text.replace("Side,", "Side,Limb,").replace("left,", "left,arm,").replace("40,no,,,", "40,no,,,,")
    page = owner_client.get(mapping_page(owner_client, new_york, text))
    owner_client.post(page.request["PATH_INFO"], mapping | {"col_jerking_limb": "Limb", "import": "1"})
    first, second = Episode.objects.filter(child=new_york).order_by("started_at")
    assert first.started_at == datetime(2026, 11, 20, 12, 15, tzinfo=UTC)  # 07:15 EST
    assert (first.duration_seconds, first.apnea, first.jerking_side, first.jerking_limb) == (95, True, "left", "arm")
    assert first.notes == "after feed" and first.backfilled
    assert (second.duration_seconds, second.apnea, second.jerking) == (40, False, False)


def plan_rows(owner_client, child, text: str, **mapping) -> list:
    page = owner_client.get(mapping_page(owner_client, child, text))
    response = owner_client.post(page.request["PATH_INFO"], choices(page) | mapping | {"preview": "1"})
    return response.context["plan"].rows


def test_times_the_clocks_skip_or_repeat_are_asked_about(owner_client, new_york) -> None:
    text = "date,duration\n2026-03-08 02:30,60\n2026-11-01 01:30,60\n2026-11-01T01:30:00-05:00,60\n"
    skipped, repeated, with_offset = plan_rows(owner_client, new_york, text)
    assert "does not exist in America/New_York" in skipped.problems[0]
    assert "happened twice" in repeated.problems[0] and "-04:00 or -05:00" in repeated.problems[0]
    assert with_offset.problems == [] and with_offset.episode.started_at == datetime(2026, 11, 1, 6, 30, tzinfo=UTC)
    _skipped, earlier, _offset = plan_rows(owner_client, new_york, text, repeated_time="earlier")
    assert earlier.problems == [] and earlier.episode.started_at == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    _skipped, later, _offset = plan_rows(owner_client, new_york, text, repeated_time="later")
    assert later.episode.started_at == datetime(2026, 11, 1, 6, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("cells", "problem"),
    [
        ("2027-01-05 10:00,60", "The start cannot be in the future."),
        ("2026-11-05 10:00,-5", "is not a duration"),
        ("2026-11-05 10:00,25:00:00", "A duration over 24 hours is not possible"),
        ("yesterday,60", "is not a date and time"),
        (",60", "No date and time."),
        ("2025-01-01 10:00,60", "before the child’s date of birth"),
        ("2026-11-05 10:00,60,extra", "more cells than the header"),
    ],
)
def test_each_row_problem_is_named(owner_client, child, cells, problem) -> None:
    [row] = plan_rows(owner_client, child, f"date,duration\n{cells}\n")
    assert problem in " ".join(row.problems)


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", "diary.xlsx", "This is not a CSV file"),
        ("date,notes\n2026-11-01 10:00,fièvre\n".encode("latin-1"), "diary.csv", "The file is not in UTF-8"),
        (b"", "empty.csv", "The submitted file is empty."),  # Django's own check
        (b"  \n\n", "blank.csv", "The file is empty."),
        (b"date,duration\n", "header.csv", "a header row and at least one seizure"),
        (b"date,date\n2026-11-01 10:00,x\n", "twice.csv", "Two columns have the same name: date."),
    ],
)
def test_bad_files_get_one_clear_message(owner_client, child, content, name, message) -> None:
    response = upload(owner_client, child, content, name)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["file"])
    assert not ImportUpload.objects.exists()


def test_a_file_over_the_limit_is_refused_before_it_is_read(owner_client, child, monkeypatch) -> None:
    monkeypatch.setattr("seizures.importing.forms.MAX_BYTES", 10)
    response = upload(owner_client, child, "date,duration\n2026-11-01 10:00,60\n")
    assert response.status_code == 400 and "over 50 MB" in response.context["form"].errors["file"][0]


def test_only_the_owner_who_uploaded_may_import(client, child, owner, caregiver_user, clinician, outsider) -> None:
    client.force_login(owner)
    url = mapping_page(client, child, "date,duration\n2026-11-01 10:00,60\n")
    for user, status in ((caregiver_user, 403), (clinician, 403), (outsider, 404)):
        client.force_login(user)
        assert client.get(reverse("seizures:import-upload", args=[child.public_id])).status_code == status
        assert client.get(url).status_code == status
        assert client.post(url, {"import": "1"}).status_code == status
    # Another owner of the same child does not see this owner's upload.
    from caregiver.models import Role
    from tests.conftest import join, make_user

    second = make_user("second@example.org")
    join(second, child, Role.OWNER)
    client.force_login(second)
    assert client.get(url).status_code == 404
    assert not Episode.objects.exists()


def test_the_command_imports_with_a_mapping_file_all_or_nothing(child, tmp_path, capsys) -> None:
    diary = tmp_path / "diary.csv"
    diary.write_text("Date,Seconds,Notes\n2026-11-01 08:00,60,first\n2026-11-02 08:00,70,second\n")
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"columns": {"started_at": "Date", "duration": "Seconds", "notes": "Notes"}}))
    call_command("import_csv", str(child.public_id), str(diary), "--mapping", str(mapping))
    assert "Imported 2 seizures; 0 were already in the diary." in capsys.readouterr().out
    call_command("import_csv", str(child.public_id), str(diary), "--mapping", str(mapping))
    assert "Imported 0 seizures; 2 were already in the diary." in capsys.readouterr().out

    broken = tmp_path / "broken.csv"
    broken.write_text("Date,Seconds,Notes\n2026-11-03 08:00,60,\n2026-11-04 08:00,never,\n")
    with pytest.raises(CommandError, match="1 rows have problems"):
        call_command("import_csv", str(child.public_id), str(broken), "--mapping", str(mapping))
    assert "Row 3:" in capsys.readouterr().err
    assert Episode.objects.filter(child=child).count() == 2  # neither row of the broken file

    mapping.write_text(json.dumps({"columns": {"started_at": "Datum"}}))
    with pytest.raises(CommandError, match="The file has no column called “Datum”"):
        call_command("import_csv", str(child.public_id), str(diary), "--mapping", str(mapping))


@pytest.mark.slow
def test_a_15000_seizure_diary_round_trips_across_both_dst_changes(owner_client, new_york) -> None:
    """Every 32 minutes from 2026-01-01: both DST changes of America/New_York, and the hour
    that happens twice on 1 November (01:00–02:00 EDT, then again EST)."""
    Child.objects.filter(pk=new_york.pk).update(born_on=date(2025, 9, 1))
    new_york.refresh_from_db()
    start = datetime(2026, 1, 1, 5, 0, tzinfo=UTC)
    episodes = [
        Episode(child=new_york, started_at=start + n * timedelta(minutes=32), duration_seconds=20 + n % 300,
                apnea=n % 2 == 0, jerking=n % 3 == 0, jerking_side="left" if n % 3 == 0 else "",
                jerking_limb="arm" if n % 3 == 0 else "", is_tally=n % 11 == 0, notes=f"n{n}" if n % 7 == 0 else "")
        for n in range(15000)
    ]  # fmt: skip
    repeated_hour = [datetime(2026, 11, 1, 5, 10, tzinfo=UTC), datetime(2026, 11, 1, 6, 10, tzinfo=UTC)]
    episodes += [Episode(child=new_york, started_at=moment, duration_seconds=30) for moment in repeated_hour]
    Episode.objects.bulk_create(episodes, batch_size=2000)
    before, csv_bytes = snapshot(new_york), exported(owner_client, new_york)
    lines = list(csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig"))))
    assert len(lines) == 15003 and lines[0] == csv_export.HEADER
    # Both readings of 01:10 on 1 November are in the file, told apart by their offsets.
    assert {"2026-11-01T01:10:00-04:00", "2026-11-01T01:10:00-05:00"} <= {line[1] for line in lines}
    Episode.objects.filter(child=new_york).delete()

    page = owner_client.get(mapping_page(owner_client, new_york, csv_bytes))
    assert len(page.context["plan"].new) == 15002 and page.context["plan"].problem_rows == []
    owner_client.post(page.request["PATH_INFO"], choices(page) | {"import": "1"})
    assert snapshot(new_york) == before
