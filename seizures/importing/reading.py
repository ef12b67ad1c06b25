"""A CSV file's bytes as a header and rows, or one clear reason why not."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _

MAX_BYTES = 50 * 1024 * 1024
MAX_COLUMNS = 200
# Excel writes a byte-order mark before UTF-8; the app's own export does too.
BOM = "\ufeff"


class BadFile(Exception):
    """The file cannot be imported; the message says why, in one sentence a parent can act on."""


@dataclass(frozen=True)
class Table:
    name: str
    sha256: str
    header: list[str]
    rows: list[list[str]]


def read_table(data: bytes, name: str) -> Table:
    if len(data) > MAX_BYTES:
        raise BadFile(_("The file is over 50 MB; split it into smaller files and import each."))
    if not data.strip():
        raise BadFile(_("The file is empty."))
    if b"\x00" in data[:4096]:
        raise BadFile(_("This is not a CSV file (it looks like a spreadsheet or another binary file): "
                        "save it as “CSV UTF-8” and try again."))  # fmt: skip
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise BadFile(_("The file is not in UTF-8: save it as “CSV UTF-8 (comma delimited)” and try again.")) from None
    text = text.removeprefix(BOM)
    # The header row tells the separator (spreadsheets in many languages use ";"); quoting is
    # the usual double quotes. csv.Sniffer guesses from the data too, and guesses wrong on notes.
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    try:
        lines = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise BadFile(_("This is not a readable CSV file (%(error)s).") % {"error": error}) from None
    lines = [line for line in lines if any(cell.strip() for cell in line)]
    if len(lines) < 2:
        raise BadFile(_("The file needs a header row and at least one seizure."))
    header = [cell.strip() for cell in lines[0]]
    if len(header) > MAX_COLUMNS or len(header) < 1 or not any(header):
        raise BadFile(_("The first row should name the columns."))
    if len(set(header)) != len(header):
        repeated = sorted({h for h in header if header.count(h) > 1})
        raise BadFile(_("Two columns have the same name: %(names)s.") % {"names": ", ".join(repeated)})
    return Table(name=name, sha256=hashlib.sha256(data).hexdigest(), header=header, rows=lines[1:])
