"""Adherence per medicine in the report: doses given out of doses due per week in the child's
time zone, extra, skipped, late and missed doses apart, and a fixed number of queries."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from seizures import dues
from seizures.models import Dose
from seizures.reports.stats.adherence import adherence
from tests.support.factories import make_medicine

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")
# Wednesday 1 April 2026, in the week after Berlin's spring-forward Sunday (29 March).
NOW = datetime(2026, 4, 1, 21, 0, tzinfo=BERLIN)


@pytest.fixture
def berlin_child(child):
    child.time_zone = "Europe/Berlin"
    child.born_on = date(2026, 1, 1)
    child.save()
    return child


def _dose(child, medicine, day: date, hour: int, **fields) -> Dose:
    due = datetime(day.year, day.month, day.day, hour, tzinfo=BERLIN)
    fields.setdefault("status", "given")
    if fields["status"] == "given":
        fields.setdefault("given_at", due)
    return Dose.objects.create(child=child, medicine=medicine, scheduled_at=due, **fields)


def test_given_out_of_due_per_local_week_across_the_clock_change(berlin_child) -> None:
    medicine = make_medicine(berlin_child, times=("08:00", "20:00"), started_on=date(2026, 3, 26))
    # Thursday 26 March to Wednesday 1 April 20:00: 14 doses due (two weeks: 8 then 6).
    for offset in range(7):
        day = date(2026, 3, 26) + timedelta(days=offset)
        _dose(berlin_child, medicine, day, 8)
        if offset not in (2, 3, 4):
            _dose(berlin_child, medicine, day, 20)
    _dose(berlin_child, medicine, date(2026, 3, 28), 20, status="skipped", reason="Vomited")
    _dose(berlin_child, medicine, date(2026, 3, 29), 8, extra=True)
    _dose(berlin_child, medicine, date(2026, 3, 30), 20, late=True, given_at=datetime(2026, 3, 30, 22, tzinfo=BERLIN))
    (medicines,) = [list(dues.medicines_with_versions(berlin_child))]
    (row,) = adherence(berlin_child, medicines, date(2026, 3, 23), date(2026, 4, 1), now=NOW.astimezone(UTC))
    assert [(w.starts_on, w.given, w.due) for w in row.weeks] == [
        (date(2026, 3, 23), 6, 8),  # Thu–Sun: 8 due; Sat and Sun evenings not given (one skipped)
        (date(2026, 3, 30), 6, 6),  # Mon–Wed, 20:00 today included
    ]
    assert (row.given, row.due, row.percent) == (12, 14, 86)
    assert (row.skipped, row.missed, row.extra, row.late) == (1, 1, 1, 1)


def test_doses_due_after_now_are_not_counted_yet(berlin_child) -> None:
    medicine = make_medicine(berlin_child, times=("08:00", "20:00"), started_on=date(2026, 4, 1))
    medicines = list(dues.medicines_with_versions(berlin_child))
    (row,) = adherence(
        berlin_child, medicines, date(2026, 4, 1), date(2026, 4, 1), now=datetime(2026, 4, 1, 12, tzinfo=BERLIN)
    )
    assert (row.given, row.due, row.percent) == (0, 1, 0)
    assert medicine.pk == row.medicine.pk


def test_the_report_shows_adherence_and_runs_the_same_queries_whatever_the_history(owner_client, berlin_child) -> None:
    medicine = make_medicine(berlin_child, times=("08:00", "20:00"), started_on=date(2026, 3, 26))
    url = reverse("seizures:report", args=[berlin_child.public_id]) + "?period=custom&start=2026-03-23&end=2026-04-01"

    def load() -> tuple[int, str]:
        with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as queries:
            response = owner_client.get(url)
        assert response.status_code == 200
        return len(queries), response.content.decode()

    # The diary began before the period (reports refuse days before it).
    type(berlin_child).objects.filter(pk=berlin_child.pk).update(created_at=datetime(2026, 3, 1, tzinfo=UTC))
    load()
    few, _page = load()
    for offset in range(7):
        _dose(berlin_child, medicine, date(2026, 3, 26) + timedelta(days=offset), 8)
    make_medicine(berlin_child, "Clobazam", times=("09:00",), started_on=date(2026, 3, 30))
    many, page = load()
    assert many == few
    assert "7 / 14 (50 %)" in page and "week of 30 Mar: 3 / 6" in page and "Clobazam" in page
