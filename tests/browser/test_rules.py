"""The logging scripts' rules (seizures/static/seizures/rules.js), run in Chromium on a blank
page with the numbers the server sends: the same answers as the server's own write functions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from seizures.views.common import logging_rules
from tests.support.browser.fixtures import PHONE

pytestmark = pytest.mark.browser

SCRIPT = Path(__file__).resolve().parents[2] / "seizures" / "static" / "seizures" / "rules.js"


@pytest.fixture
def rules(browser) -> Iterator:
    """`rules(name, *args)`: calls SeizureLog.rules[name] in the page, with the server's rules last."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.add_script_tag(path=str(SCRIPT))
    server = logging_rules()
    yield lambda name, *args: page.evaluate(
        "([name, args]) => window.SeizureLog.rules[name](...args)", [name, [*args, server]]
    )
    context.close()


def test_a_start_joins_a_running_seizure_within_the_window_and_not_after(rules) -> None:
    window_ms = logging_rules()["join_window_seconds"] * 1000
    assert rules("joins", window_ms, 0) and rules("joins", 0, window_ms)
    assert not rules("joins", window_ms + 1, 0)


def test_a_sign_seen_has_side_and_limb_not_seen_until_chosen(rules) -> None:
    assert rules("signChange", {}, "jerking", True) == {
        "jerking": True,
        "jerking_side": "not_seen",
        "jerking_limb": "not_seen",
    }
    assert rules("signChange", {"eye_side": "left"}, "eye_deviation", True) == {"eye_deviation": True}


def test_choosing_a_side_means_the_sign_was_seen_and_unticking_clears_it(rules) -> None:
    assert rules("signChange", {}, "eye_side", "right") == {"eye_side": "right", "eye_deviation": True}
    assert rules("signChange", {"eye_side": "right"}, "eye_deviation", False) == {
        "eye_deviation": False,
        "eye_side": "",
    }
    assert rules("signChange", {}, "apnea", True) == {"apnea": True}


def test_a_seizure_lasts_whole_seconds_and_at_least_one(rules) -> None:
    assert [rules("durationSeconds", 0, ms) for ms in (200, 89_400, 89_600)] == [1, 89, 90]


def test_a_step_is_added_once_never_before_the_last_and_not_past_the_longest_path(rules) -> None:
    path = rules("appendStep", [], "left_arm", 12)
    assert path == [{"region": "left_arm", "at_seconds": 12}]
    assert rules("appendStep", path, "left_arm", 20) is None
    assert rules("appendStep", path, "right_leg", 5)[-1] == {"region": "right_leg", "at_seconds": 12}
    longest = [{"region": ("left_arm", "right_arm")[n % 2], "at_seconds": n} for n in range(20)]
    assert len(longest) == logging_rules()["max_path_steps"]
    assert rules("appendStep", longest, "face", 30) is None and rules("pathFull", longest)


def entry(kind: str, day: str = "2026-12-01", state: str = "waiting", **body) -> dict:
    return {"kind": kind, "key": body.pop("key", kind), "day": day, "state": state, "body": body}


def test_todays_count_adds_the_phones_entries_of_today_to_the_servers(rules) -> None:
    entries = [
        entry("tally", key="a"),
        entry("form"),
        entry("episode", started_at="2026-12-01T10:00:00Z"),
        entry("episode"),  # a change to a seizure already counted
        entry("tally", day="2026-11-30"),
        entry("tally", state="rejected"),
        entry("undo", key="b"),
    ]
    assert rules("todayCount", 4, "2026-12-01", entries, "2026-12-01") == 4 + 3 - 1
    # The server's count from yesterday is not today's; taking back more than is known is zero.
    assert rules("todayCount", 4, "2026-11-30", entries, "2026-12-01") == 2
    assert rules("todayCount", 0, "2026-12-01", [entry("undo"), entry("undo")], "2026-12-01") == 0


def test_undo_last_takes_back_the_newest_tap_not_yet_taken_back(rules) -> None:
    phone = [{"key": "p1", "at": 300, "day": "d"}, {"key": "p2", "at": 100, "day": "d"}]
    server = [{"key": "s1", "at": 200, "day": "d"}, {"key": "p2", "at": 100, "day": "d"}]
    assert rules("lastTap", phone, [], server)["key"] == "p1"
    assert rules("lastTap", phone, ["p1"], server)["key"] == "s1"
    assert rules("lastTap", phone, ["p1", "s1", "p2"], server) is None


def test_a_form_queued_with_the_old_asleep_box_reopens_with_onset_asleep(rules) -> None:
    assert rules("currentFormFields", {"started_at": "2026-05-01T14:30", "asleep_at_onset": "on"}) == {
        "started_at": "2026-05-01T14:30",
        "onset": "asleep",
    }
    assert rules("currentFormFields", {"asleep_at_onset": "on", "onset": "feeding"}) == {"onset": "feeding"}
    assert rules("currentFormFields", {"onset": "awake"}) == {"onset": "awake"}
