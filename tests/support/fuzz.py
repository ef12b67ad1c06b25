"""How many examples a property-based test tries: all of them in `make test`, a share (at
least ten) in `make test-fast`, which sets FUZZ_SHARE."""

from __future__ import annotations

import os


def examples(full: int) -> int:
    return max(10, round(full * float(os.environ.get("FUZZ_SHARE", "1"))))
