"""`manage.py import_factsheet PATH`: a plain-text sheet becomes draft articles, once; files
that are not such a sheet are refused with a clear message. The sheets here are written by the
tests themselves, about an invented condition."""

from __future__ import annotations

import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from education.factsheet import MAX_BYTES, parse_sheet
from education.models import Article, Status
from tests.education.conftest import SHEETS_DIR

TINY_SHEET = """Dozing Owl Syndrome Quick Facts

Dozing owl syndrome is an invented condition that exists only in these tests.

What Is Dozing Owl Syndrome?

Owls with it nod off at dusk instead of hunting.
Keepers notice it in the first winter.

Signs Keepers Notice

Keepers tend to see:

  • Yawning at sunset
  • Feathers fluffed for hours
  - Hooting in *italics* and [brackets]

A Heading With Nothing Under It

Care

Warm perches help. Mice & <b>moths</b> at noon may help too.
"""


def _write(tmp_path: Path, text: str | bytes, name: str = "owls.txt") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _import(path: Path) -> str:
    out = StringIO()
    call_command("import_factsheet", str(path), stdout=out)
    return out.getvalue()


def _imported() -> list[Article]:
    return list(Article.objects.filter(origin__startswith="factsheet:").order_by("order"))


@pytest.mark.django_db
def test_sheet_with_headings_and_bullets_becomes_one_draft_per_heading(tmp_path) -> None:
    output = _import(_write(tmp_path, TINY_SHEET))
    drafts = _imported()
    assert [a.title for a in drafts] == [
        "Dozing Owl Syndrome Quick Facts",
        "What Is Dozing Owl Syndrome?",
        "Signs Keepers Notice",
        "Care",
    ]
    assert {a.status for a in drafts} == {Status.DRAFT}
    assert all(a.reviewed_on is None and "owls.txt" in a.source for a in drafts)
    signs = drafts[2]
    assert signs.body.splitlines()[-3:] == [
        "- Yawning at sunset",
        "- Feathers fluffed for hours",
        "- Hooting in \\*italics\\* and \\[brackets\\]",
    ]
    assert drafts[1].body == "Owls with it nod off at dusk instead of hunting. Keepers notice it in the first winter."
    assert drafts[1].summary == "Owls with it nod off at dusk instead of hunting."
    assert "4 created" in output
    assert "created draft 'Care' (care)" in output
    assert "skipped heading with no text under it: 'A Heading With Nothing Under It'" in output


@pytest.mark.django_db
def test_second_import_of_the_same_sheet_changes_nothing(tmp_path) -> None:
    path = _write(tmp_path, TINY_SHEET)
    _import(path)
    before = {a.pk: (a.slug, a.updated_at) for a in _imported()}
    output = _import(path)
    assert {a.pk: (a.slug, a.updated_at) for a in _imported()} == before
    assert "0 created, 0 updated, 4 unchanged" in output
    assert "Nothing new" in output


@pytest.mark.django_db
def test_reimport_updates_untouched_drafts_and_keeps_edited_ones(tmp_path) -> None:
    path = _write(tmp_path, TINY_SHEET)
    _import(path)
    edited = Article.objects.get(language="en", title="Care")
    edited.body = "Rewritten by a nurse."
    edited.save()
    _write(tmp_path, TINY_SHEET.replace("Keepers tend to see:", "Keepers often see:").replace("Warm", "Cosy"))
    output = _import(path)
    assert "Keepers often see:" in Article.objects.get(language="en", title="Signs Keepers Notice").body
    assert Article.objects.get(pk=edited.pk).body == "Rewritten by a nurse."
    assert "updated draft 'Signs Keepers Notice'" in output
    assert "kept draft 'Care' (care) (edited in the admin since it was loaded)" in output
    assert len(_imported()) == 4


@pytest.mark.django_db
def test_published_import_is_not_reverted_to_draft(tmp_path) -> None:
    path = _write(tmp_path, TINY_SHEET)
    _import(path)
    Article.objects.filter(title="Care").update(status=Status.PUBLISHED)
    _import(path)
    assert Article.objects.get(language="en", title="Care").status == Status.PUBLISHED


@pytest.mark.django_db
def test_imported_drafts_stay_hidden_until_published(client, tmp_path) -> None:
    _import(_write(tmp_path, TINY_SHEET))
    care = Article.objects.get(language="en", title="Care")
    assert client.get(care.get_absolute_url()).status_code == 404
    assert "Dozing" not in client.get(reverse("education:index")).content.decode()


@pytest.mark.django_db
def test_imported_text_renders_literally_and_safely(client, staff, tmp_path) -> None:
    _import(_write(tmp_path, TINY_SHEET))
    client.force_login(staff)
    signs = client.get(
        Article.objects.get(language="en", title="Signs Keepers Notice").get_absolute_url()
    ).content.decode()
    assert "<li>Hooting in *italics* and [brackets]</li>" in signs
    care = client.get(Article.objects.get(language="en", title="Care").get_absolute_url()).content.decode()
    assert "Mice &amp; &lt;b&gt;moths&lt;/b&gt;" in care
    assert "Not yet reviewed." in care


@pytest.mark.django_db
def test_heading_that_matches_an_existing_slug_gets_its_own(tmp_path) -> None:
    sheet = "Another Sheet\n\nSigns\n\nA paragraph of our own.\n\nSigns\n\nA second section with the same name.\n"
    output = _import(_write(tmp_path, sheet))
    slugs = [a.slug for a in _imported()]
    assert slugs == ["signs-2", "signs-3"]
    assert Article.objects.get(language="en", slug="signs").origin.startswith("content/")
    assert "2 created" in output


@pytest.mark.django_db
def test_windows_line_endings_and_a_byte_order_mark_are_fine(tmp_path) -> None:
    _import(_write(tmp_path, ("\ufeff" + TINY_SHEET).replace("\n", "\r\n").encode("utf-8")))
    assert [a.title for a in _imported()][0] == "Dozing Owl Syndrome Quick Facts"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "The file is empty."),
        ("   \n\n  \n", "The file is empty."),
        (
            "Only a Title\n\nAnd then a paragraph that is long enough to be prose, ending here.\n",
            "Found no headings",
        ),
        ("This first line is a sentence, not a title.\n\nHeading\n\nText.\n", "should be the sheet's title"),
        ("A Title\n\nHeading One\n\nHeading Two\n", "no text under any of them"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "looks like a binary file"),
        (b"%PDF-1.7\n\x00\x01\x02 stream", "looks like a binary file"),
        ("Caf\u00e9 Title\n\nHeading\n\nText.\n".encode("latin-1"), "is not UTF-8 text (byte 0xe9"),
    ],
    ids=["empty", "blank", "no-headings", "no-title", "no-text", "png", "pdf", "latin-1"],
)
@pytest.mark.django_db
def test_unparseable_files_are_refused_with_a_clear_message(tmp_path, content, message) -> None:
    with pytest.raises(CommandError) as caught:
        _import(_write(tmp_path, content))
    assert message in str(caught.value)
    assert _imported() == []


@pytest.mark.django_db
def test_missing_file_and_folder_are_refused(tmp_path) -> None:
    with pytest.raises(CommandError, match="does not exist"):
        _import(tmp_path / "nowhere.txt")
    with pytest.raises(CommandError, match="is a folder"):
        _import(tmp_path)


@pytest.mark.django_db
def test_a_device_and_a_fifo_are_refused_in_one_line_without_reading_them(tmp_path) -> None:
    fifo = tmp_path / "sheet.txt"
    os.mkfifo(fifo)
    for path in (Path("/dev/zero"), fifo):  # one never ends, the other waits for a writer
        with pytest.raises(CommandError) as refused:
            _import(path)
        assert str(refused.value) == f"{path} is not a regular file (a device, a pipe or a socket?)."
    assert _imported() == []


@pytest.mark.django_db
def test_oversized_file_is_refused_before_it_is_read(tmp_path) -> None:
    path = _write(tmp_path, TINY_SHEET + "Padding paragraph.\n" * (MAX_BYTES // 10))
    with pytest.raises(CommandError, match=f"at most {MAX_BYTES:,} bytes"):
        _import(path)
    assert _imported() == []


def test_the_real_fact_sheets_parse_into_sections() -> None:
    """The layout the importer was written for: every sheet in ../shared/factsheets parses."""
    sheets = sorted(SHEETS_DIR.glob("*.txt")) if SHEETS_DIR.is_dir() else []
    if not sheets:
        pytest.skip(f"no fact sheet in {SHEETS_DIR}")
    for path in sheets:
        sheet = parse_sheet(path.read_text(encoding="utf-8"))
        assert len(sheet.sections) >= 10
        assert any(isinstance(block, tuple) and len(block) == 6 for s in sheet.sections for block in s.blocks)
