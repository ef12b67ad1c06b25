"""Loading the content files: idempotent, never overwrites an admin edit unless forced, and
withdraws what was deleted from the repository."""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from education.content import CONTENT_DIR, ContentError, parse_blocks, read_libraries, read_library
from education.loading import sync_library
from education.models import Article, GlossaryTerm, Status, Tip

ARTICLE = """---
title: Owl care
slug: owl-care
order: 5
summary: Looking after owls.
source: Written for a test
reviewed: 2026-01-31
status: published
---
Owls like quiet.
"""


def _library(tmp_path: Path, article: str = ARTICLE) -> Path:
    (tmp_path / "articles").mkdir(exist_ok=True)
    (tmp_path / "articles" / "owl.md").write_text(article, encoding="utf-8")
    return tmp_path


@pytest.mark.django_db
def test_loading_the_repository_again_changes_nothing() -> None:
    out = StringIO()
    call_command("load_education", stdout=out)
    total = sum(len(lib.articles) + len(lib.tips) + len(lib.glossary) for lib in read_libraries())
    assert total > 100  # both languages
    assert f"0 created, 0 updated, {total} unchanged, 0 kept, 0 withdrawn, 0 skipped" in out.getvalue()


@pytest.mark.django_db
def test_a_new_file_is_created_and_a_changed_one_updated(tmp_path) -> None:
    directory = _library(tmp_path)
    report = sync_library(read_library(directory))
    assert "article 'owl-care'" in report.created
    article = Article.objects.get(language="en", slug="owl-care")
    assert (article.title, article.order, article.status, str(article.reviewed_on)) == (
        "Owl care",
        5,
        Status.PUBLISHED,
        "2026-01-31",
    )
    _library(tmp_path, ARTICLE.replace("Owls like quiet.", "Owls like mice."))
    report = sync_library(read_library(directory))
    assert report.updated == ["article 'owl-care'"]
    assert Article.objects.get(language="en", slug="owl-care").body == "Owls like mice."


@pytest.mark.django_db
def test_an_admin_edit_is_kept_until_forced(tmp_path) -> None:
    directory = _library(tmp_path)
    sync_library(read_library(directory))
    article = Article.objects.get(language="en", slug="owl-care")
    article.body = "Edited by staff."
    article.save()
    _library(tmp_path, ARTICLE.replace("Owls like quiet.", "New file text."))
    report = sync_library(read_library(directory))
    assert report.kept == ["article 'owl-care'"]
    assert Article.objects.get(language="en", slug="owl-care").body == "Edited by staff."
    sync_library(read_library(directory), force=True)
    assert Article.objects.get(language="en", slug="owl-care").body == "New file text."


@pytest.mark.django_db
def test_saving_unchanged_text_with_windows_line_endings_is_not_an_edit() -> None:
    article = Article.objects.get(language="en", slug="signs")
    article.body = article.body.replace("\n", "\r\n") + "\r\n"
    article.save()
    assert not Article.objects.get(language="en", slug="signs").edited_since_loaded


@pytest.mark.django_db
def test_a_deleted_file_turns_its_article_into_a_draft(tmp_path) -> None:
    directory = _library(tmp_path)
    report = sync_library(read_library(directory))
    assert "article 'signs'" in report.withdrawn  # the repository's articles are not in tmp_path
    assert Article.objects.get(language="en", slug="signs").status == Status.DRAFT
    assert Article.objects.get(language="en", slug="owl-care").status == Status.PUBLISHED


@pytest.mark.django_db
def test_a_slug_written_in_the_admin_is_not_taken_over_by_a_file(tmp_path) -> None:
    Article.objects.create(slug="owl-care", title="Ours", body="Written in the admin.")
    report = sync_library(read_library(_library(tmp_path)))
    assert report.conflicts == ["article 'owl-care': the slug belongs to a record written in the admin"]
    assert Article.objects.get(language="en", slug="owl-care").body == "Written in the admin."


@pytest.mark.django_db
def test_tips_and_glossary_files_take_defaults_from_their_first_block(tmp_path) -> None:
    shutil.copy(CONTENT_DIR / "tips.md", tmp_path / "tips.md")
    shutil.copy(CONTENT_DIR / "glossary.md", tmp_path / "glossary.md")
    sync_library(read_library(tmp_path))
    tip = Tip.objects.get(language="en", slug="say-yes")
    assert tip.status == Status.PUBLISHED and str(tip.reviewed_on) == "2026-11-27" and tip.source
    assert tip.order == 20
    assert GlossaryTerm.objects.get(language="en", slug="eeg").forms() == ["EEG", "electroencephalogram", "video EEG"]
    assert GlossaryTerm.objects.get(language="en", slug="seizure").autolink is False


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("title: x\n---\nbody", "line 1: expected '---' to open a header"),
        ("---\nTitle Case: x\n---\nbody", "line 2: expected 'key: value'"),
        ("---\ntitle: a\ntitle: b\n---\nbody", "'title' is given twice"),
        ("---\ntitle: a\n", "the header is never closed"),
    ],
)
def test_malformed_blocks_are_refused_with_file_and_line(text, message) -> None:
    with pytest.raises(ContentError, match=message):
        parse_blocks(text, "x.md")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("order: 5", "order: five"), "'order' must be a whole number"),
        (("reviewed: 2026-01-31", "reviewed: last week"), "'reviewed' must be a date"),
        (("status: published", "status: live"), "status must be one of"),
        (("slug: owl-care", "slug: Owl care!"), "slug 'Owl care!' may hold only"),
        (("summary:", "sumary:"), "unknown key(s) sumary"),
        (("title: Owl care\n", ""), "'title' is required"),
        (("Owls like quiet.\n", ""), "the article has no text"),
    ],
)
def test_a_bad_article_file_fails_the_load_with_a_clear_message(tmp_path, change, message) -> None:
    directory = _library(tmp_path, ARTICLE.replace(*change))
    with pytest.raises(ContentError) as caught:
        read_library(directory)
    assert message in str(caught.value) and "owl.md" in str(caught.value)


def test_two_files_with_one_slug_are_refused(tmp_path) -> None:
    directory = _library(tmp_path)
    (directory / "articles" / "owl-again.md").write_text(ARTICLE, encoding="utf-8")
    with pytest.raises(ContentError, match="slug 'owl-care' is also used"):
        read_library(directory)


@pytest.mark.django_db
def test_command_turns_a_content_error_into_a_command_error(monkeypatch) -> None:
    def broken() -> None:
        raise ContentError("articles/x.md, line 3: broken")

    monkeypatch.setattr("education.management.commands.load_education.read_libraries", broken)
    with pytest.raises(CommandError, match="line 3: broken"):
        call_command("load_education")
