"""What property-based tests share: how many examples they try (all of them in `make test`, a
share, at least ten, in `make test-fast`, which sets FUZZ_SHARE), their settings, and the
shapes of arbitrary JSON a client might send."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st


def examples(full: int) -> int:
    return max(10, round(full * float(os.environ.get("FUZZ_SHARE", "1"))))


def fuzz(full: int) -> settings:
    """Settings for a test that tries `full` examples (its database fixtures are reset by
    the test itself, hence the health checks left out)."""
    return settings(
        max_examples=examples(full),
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


text = st.text(st.characters(blacklist_categories=["Cs"]), max_size=30)
scalars = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=False), text)
any_json = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4))
