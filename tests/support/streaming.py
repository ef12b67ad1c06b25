"""Reading a streamed download to the end while measuring the memory it took."""

from __future__ import annotations

import tracemalloc


def size_and_peak(response) -> tuple[int, int]:
    """The bytes streamed, and the peak memory allocated while they were."""
    tracemalloc.start()
    try:
        size = sum(len(chunk) for chunk in response.streaming_content)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return size, peak
