"""Doses missed and extra doses marked on the frequency chart: a due dose with nothing
recorded is missed (one not yet due is not), an extra dose is marked on its day, the chart's
summary and table say so, and the chart page's queries do not grow with the dose history."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from seizures.models import Dose
from tests.support.factories import make_episode, make_medicine

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # London: GMT, so local times read as UTC


@pytest.fixture(autouse=True)
def _fixed_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def given(child, medicine, at: datetime, **fields) -> Dose:
    return Dose.objects.create(child=child, medicine=medicine, scheduled_at=at, status="given", given_at=at, **fields)


def frequency(owner_client, child) -> tuple[dict, str]:
    page = owner_client.get(reverse("seizures:charts", args=[child.public_id]), {"period": "30d", "by": "day"})
    [chart] = [c for c in page.context["charts"] if c.key == "frequency"]
    return chart.figure, chart


def test_missed_and_extra_doses_are_marked_on_their_days(owner_client, child) -> None:
    make_episode(child, datetime(2026, 11, 1, 9, tzinfo=UTC))
    medicine = make_medicine(child, "Phenobarbital", times=("08:00", "20:00"), started_on=date(2026, 11, 18))
    given(child, medicine, datetime(2026, 11, 18, 8, tzinfo=UTC))  # the 18th's 20:00: missed
    given(child, medicine, datetime(2026, 11, 19, 8, tzinfo=UTC))
    given(child, medicine, datetime(2026, 11, 19, 8, 5, tzinfo=UTC).replace(minute=0), extra=True)
    Dose.objects.create(child=child, medicine=medicine, scheduled_at=datetime(2026, 11, 19, 20, tzinfo=UTC),
                        status="skipped", reason="Asleep")  # fmt: skip
    given(child, medicine, datetime(2026, 11, 20, 8, tzinfo=UTC))  # the 20th's 20:00 is not due yet
    figure, chart = frequency(owner_client, child)
    [marks] = [trace for trace in figure["data"] if trace["name"] == "Doses missed or extra"]
    assert marks["x"] == ["2026-11-18", "2026-11-19"]
    assert marks["text"] == ["18 Nov 2026: 1 dose missed", "19 Nov 2026: 1 extra dose"]
    assert "Doses missed: 1; extra doses: 1 (crosses on the chart)." in chart.summary
    notes = [row[-1] for row in chart.table.rows]
    assert notes[-3:] == ["1 dose missed", "1 extra dose", ""]


def test_no_medicines_no_marks(owner_client, child) -> None:
    make_episode(child, datetime(2026, 11, 1, 9, tzinfo=UTC))
    figure, chart = frequency(owner_client, child)
    assert "Doses missed or extra" not in [trace["name"] for trace in figure["data"]]
    assert "Doses missed" not in chart.summary


def test_the_chart_pages_queries_do_not_grow_with_the_dose_history(owner_client, child) -> None:
    make_episode(child, datetime(2026, 11, 1, 9, tzinfo=UTC))
    medicine = make_medicine(child, times=("08:00", "20:00"), started_on=date(2026, 11, 1))
    url = reverse("seizures:charts", args=[child.public_id])

    def queries(days: int) -> int:
        Dose.objects.all().delete()
        for n in range(days):
            given(child, medicine, datetime(2026, 11, 1, 8, tzinfo=UTC) + timedelta(days=n))
        with CaptureQueriesContext(connection) as captured:
            assert owner_client.get(url, {"period": "30d"}).status_code == 200
        return len(captured)

    queries(1)  # the first request fills caches the others find full
    assert queries(2) == queries(19)
    # Every 20:00 dose, and the 20th's 08:00 (due by noon): 20 missed.
    assert "Doses missed: 20;" in owner_client.get(url, {"period": "30d"}).content.decode()
