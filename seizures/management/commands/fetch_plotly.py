"""`python manage.py fetch_plotly [--check]`: the plotly.js the chart pages load, from the npm
registry, checked.

The pages draw bars, lines, markers and a heatmap: plotly.js's own cartesian partial bundle
holds those (a third of the full bundle the plotly package ships). It is kept in
seizures/static/seizures/vendor/ with its licence, so a fresh checkout needs no network; this
command fetches the pinned release again (to update: change VERSION and both hashes, run it,
run the tests), refusing a tarball or a file whose SHA-256 is not the one recorded here.
`--check` only checks the file in place.
"""

from __future__ import annotations

import hashlib
import io
import tarfile
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

PACKAGE = "plotly.js-cartesian-dist-min"
# The plotly.js the Python plotly package was built with (a test keeps the two the same).
VERSION = "4.1.1"
TARBALL = f"https://registry.npmjs.org/{PACKAGE}/-/{PACKAGE}-{VERSION}.tgz"
TARBALL_SHA256 = "c5f9a84666b97e571a04de689e09319869e60900e265c89eac2f71d0b5a0de88"
FILE_SHA256 = "79542150855a52c567260e3137095dbe2b744e6d702a5cabe67da246942fba7a"
VENDOR = Path(settings.BASE_DIR) / "seizures" / "static" / "seizures" / "vendor"
BUNDLE = VENDOR / "plotly-cartesian.min.js"
LICENCE = VENDOR / "plotly.js-LICENSE.txt"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Command(BaseCommand):
    help = "Fetch the pinned plotly.js cartesian bundle from the npm registry (or --check the one in place)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--check", action="store_true", help="only check the file in place")

    def handle(self, *args, check: bool, **options) -> None:
        if check:
            if not BUNDLE.is_file() or sha256(BUNDLE.read_bytes()) != FILE_SHA256:
                raise CommandError(f"{BUNDLE} is missing or not plotly.js {VERSION}: run manage.py fetch_plotly")
            self.stdout.write(f"{BUNDLE.name}: plotly.js {VERSION}, as recorded")
            return
        with urllib.request.urlopen(TARBALL, timeout=60) as answer:  # noqa: S310 (a fixed https URL)
            tarball = answer.read()
        if sha256(tarball) != TARBALL_SHA256:
            raise CommandError(f"{TARBALL} is not the tarball recorded (SHA-256 differs); nothing written")
        with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
            bundle = archive.extractfile("package/plotly-cartesian.min.js").read()
            licence = archive.extractfile("package/LICENSE").read()
        if sha256(bundle) != FILE_SHA256:
            raise CommandError("the bundle in the tarball is not the one recorded; nothing written")
        BUNDLE.write_bytes(bundle)
        LICENCE.write_bytes(licence)
        self.stdout.write(f"Wrote {BUNDLE} (plotly.js {VERSION}) and its licence")
