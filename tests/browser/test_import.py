"""Import in real headless Chromium at a phone's size: choose a file, check the guessed
columns and the preview with a row's problem, fix the choice, import; the mapping page passes
axe in light and dark mode."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from seizures.models import Episode
from tests.support.browser.axe import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DIARY = b"date,duration,notes\n2026-11-01 08:00,60,after feed\n2026-11-02 09:30,1:15,\n2026-11-03 10:00,never,\n"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_upload_preview_and_import(new_context, child, owner, scheme, tmp_path) -> None:
    diary = tmp_path / "old-diary.csv"
    diary.write_bytes(DIARY)
    page = new_context(owner, color_scheme=scheme, bypass_csp=True).new_page()
    page.goto(f"/c/{child.public_id}/seizures/")
    page.get_by_role("link", name="Import from another diary").click()
    assert serious_violations(page) == []
    page.get_by_label("CSV file").set_input_files(str(diary))
    page.get_by_role("button", name="Read the file").click()
    expect(page.get_by_role("heading", name="Import “old-diary.csv”")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("2 new seizures")
    expect(page.get_by_text("Row 4:")).to_contain_text("“never” is not a duration")
    expect(page.get_by_role("button", name="Import 2 seizures")).to_have_count(0)  # all or nothing
    assert serious_violations(page) == []

    # Leaving the duration out: three rows, none with a problem.
    page.get_by_label("Duration (seconds, m:ss or h:mm:ss)").select_option("")
    page.get_by_role("button", name="Check again").click()
    expect(page.get_by_role("status")).to_contain_text("3 new seizures")
    page.get_by_role("button", name="Import 3 seizures").click()
    expect(page.get_by_text("Imported 3 seizures.")).to_be_visible()
    assert Episode.objects.filter(child=child).count() == 3
    assert serious_violations(page) == []
