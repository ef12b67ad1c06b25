"""Arbitrary input at search and at the fact-sheet importer: never a 500 or a traceback,
and a file that cannot be read changes nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from education.models import Article
from tests.support.fuzz import examples

pytestmark = pytest.mark.django_db
FUZZ = settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(q=st.text(st.characters(blacklist_categories=["Cs"]), max_size=300), htmx=st.booleans())
def test_search_never_fails(client, q, htmx) -> None:
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.get("/learn/search/", {"q": q}, **headers)
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("</head>")[-1]


@FUZZ
@given(content=st.one_of(st.binary(max_size=400), st.text(max_size=400).map(str.encode)))
def test_importer_never_crashes_on_arbitrary_files(tmp_path_factory, content) -> None:
    path = tmp_path_factory.mktemp("sheet") / "sheet.txt"
    path.write_bytes(content)
    before = set(Article.objects.values_list("pk", "slug"))
    try:
        call_command("import_factsheet", str(path), stdout=StringIO())
    except CommandError:
        assert set(Article.objects.values_list("pk", "slug")) == before
