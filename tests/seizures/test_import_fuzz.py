"""Arbitrary files and cells at the import: never a 500; a refused file stages nothing; a
file with any problem imports nothing; whatever is imported obeys the model's rules."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seizures.importing.mapping import TARGETS
from seizures.models import Episode
from tests.support.fuzz import examples

pytestmark = pytest.mark.django_db
FUZZ = settings(
    max_examples=examples(80),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
HEADER = ["date", "duration", "apnea", "jerking_side", "notes", "offset"]
cell = st.one_of(
    st.text(st.characters(blacklist_categories=["Cs"]), max_size=25),
    st.sampled_from(
        [
            "2026-11-01 10:00",
            "2026-11-01T01:30:00-04:00",
            "2026-03-08 02:30",
            "31/12/2026 10:00",
            "1:35",
            "95",
            "-1",
            "yes",
            "x",
            "left",
            "Europe/Berlin",
            "+14:00",
            "-15:00",
            "0001-01-01 00:00",
            "9999-12-31 23:59",
            "",
        ]
    ),  # fmt: skip
)
rows = st.lists(st.lists(cell, min_size=0, max_size=8), min_size=1, max_size=6)


def as_csv(lines: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([HEADER, *lines])
    return out.getvalue().encode()


@FUZZ
@given(
    content=st.one_of(rows.map(as_csv), st.binary(max_size=200)),
    mapped=st.dictionaries(st.sampled_from([t.name for t in TARGETS]), st.sampled_from([*HEADER, "", "nope"])),
    order=st.sampled_from(["ymd", "dmy", "mdy", "xyz"]),
    repeated=st.sampled_from(["ask", "earlier", "later", ""]),
)
def test_any_file_and_any_mapping_is_answered(client, owner, child, content, mapped, order, repeated) -> None:
    client.force_login(owner)
    Episode.objects.filter(child=child).delete()
    response = client.post(
        reverse("seizures:import-upload", args=[child.public_id]), {"file": SimpleUploadedFile("f.csv", content)}
    )
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        return
    page = client.get(response["Location"])
    assert page.status_code == 200
    data = {f"col_{name}": column for name, column in mapped.items()}
    data |= {"time_zone": child.time_zone, "date_order": order, "repeated_time": repeated, "import": "1"}
    answer = client.post(response["Location"], data)
    assert answer.status_code in (200, 302, 400)
    if answer.status_code != 302:
        assert not Episode.objects.filter(child=child).exists()
    for episode in Episode.objects.filter(child=child):
        episode.full_clean(exclude=["child", "cluster", "logged_by", "client_uuid"])
