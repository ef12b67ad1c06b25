"""The tip of the day that the child's home page shows, and its include template."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.template.loader import render_to_string

from education.models import Status, Tip
from education.tips import tip_for_day

DAY = date(2026, 11, 27)


@pytest.mark.django_db
def test_same_day_gives_the_same_tip() -> None:
    assert tip_for_day(DAY) == tip_for_day(DAY)


@pytest.mark.django_db
def test_consecutive_days_walk_through_every_tip_before_repeating() -> None:
    count = Tip.objects.published().filter(language="en").count()
    seen = [tip_for_day(DAY + timedelta(days=n)).slug for n in range(count)]
    assert len(set(seen)) == count
    assert tip_for_day(DAY + timedelta(days=count)).slug == seen[0]


@pytest.mark.django_db
def test_tip_for_day_runs_one_query(django_assert_num_queries) -> None:
    with django_assert_num_queries(1):
        tip = tip_for_day(DAY)
        render_to_string("education/_daily_tip.html", {"tip": tip})


@pytest.mark.django_db
def test_drafts_are_never_the_tip_of_the_day() -> None:
    Tip.objects.exclude(slug="own-pace").update(status=Status.DRAFT)
    assert {tip_for_day(DAY + timedelta(days=n)).slug for n in range(5)} == {"own-pace"}


@pytest.mark.django_db
def test_no_published_tips_gives_none_and_the_include_renders_nothing() -> None:
    Tip.objects.update(status=Status.DRAFT)
    assert tip_for_day(DAY) is None
    assert render_to_string("education/_daily_tip.html", {"tip": None}).strip() == ""


@pytest.mark.django_db
def test_include_shows_the_tip_and_links_to_the_tips_page() -> None:
    tip = tip_for_day(DAY)
    html = render_to_string("education/_daily_tip.html", {"tip": tip})
    assert tip.title in html.replace("&#x27;", "'")
    assert f'href="/learn/tips/#tip-{tip.slug}"' in html
    assert "<script" not in html and "style=" not in html
