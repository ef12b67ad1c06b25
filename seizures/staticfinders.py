"""Serves the plotly.js that the plotly package ships, and nothing else from that package.

`seizures/vendor/plotly.min.js` resolves to `plotly/package_data/plotly.min.js` in whichever
environment runs the app, so the browser always gets the plotly.js the Python package was
built against. collectstatic copies that one file (hashed and compressed by whitenoise, cached
for good), not the package's datasets or widget bundle.
"""

from __future__ import annotations

from pathlib import Path

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage

PLOTLY_PATH = "seizures/vendor/plotly.min.js"
_SOURCE = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"


class PlotlyFinder(BaseFinder):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=_SOURCE.parent)
        # collectstatic and whitenoise put a storage's files under its prefix.
        self.storage.prefix = str(Path(PLOTLY_PATH).parent)

    def check(self, **kwargs) -> list[Error]:
        if not _SOURCE.is_file():
            return [Error(f"plotly.min.js is missing from the plotly package ({_SOURCE})", id="seizures.E001")]
        return []

    def find(self, path: str, find_all: bool = False, **kwargs) -> str | list[str]:
        if path != PLOTLY_PATH or not _SOURCE.is_file():
            return []  # what Django's own finders answer for "not here"
        return [str(_SOURCE)] if find_all else str(_SOURCE)

    def list(self, ignore_patterns):
        if _SOURCE.is_file():
            yield _SOURCE.name, self.storage
