"""The names plotly.js writes on the date axes come from Django's translations."""

from __future__ import annotations

from django.utils import translation

from seizures.reports.plotly_locale import plotly_locale


def test_spanish_gets_django_s_spanish_names_sunday_first_and_its_date_order() -> None:
    with translation.override("es"):
        locale = plotly_locale()
    assert locale["name"] == "es"
    names = locale["format"]
    assert names["months"][0].casefold() == "enero" and names["shortMonths"][11] == "dic"
    assert names["days"][0].casefold() == "domingo" and names["shortDays"][1].casefold() == "lun"
    assert names["decimal"] == ","
    assert names["date"] == "%d/%m/%Y"


def test_english_keeps_plotly_s_own_names() -> None:
    with translation.override("en"):
        assert plotly_locale() is None


def test_a_language_the_site_does_not_offer_keeps_plotly_s_own_names() -> None:
    with translation.override("xx"):
        assert plotly_locale() is None


def test_a_regional_variant_reads_the_language_with_its_own_number_format() -> None:
    with translation.override("es-MX"):
        locale = plotly_locale()
    assert locale["name"] == "es"
    assert locale["format"]["decimal"] == "."  # Mexico writes 2.5, Spain 2,5
