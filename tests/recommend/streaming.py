"""Set search.STREAM_MIN for a test: 0 makes every stage read its refined relaxation's order,
as long candidate lists do (random test catalogs are too small to reach the default)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from evaluator.recommend import search

DEFAULT = search.STREAM_MIN
SETTINGS_TO_TRY = (DEFAULT, 0)


@contextlib.contextmanager
def stream_min(value: int) -> Iterator[None]:
    old = search.STREAM_MIN
    search.STREAM_MIN = value
    try:
        yield
    finally:
        search.STREAM_MIN = old
