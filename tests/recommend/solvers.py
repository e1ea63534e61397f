"""Choose how the search solves stage relaxations, for a test.

The search solves a relaxation with array operations or, when it is small, in plain Python
(search.DENSE_CALL sets the crossing point). Random test catalogs are small, so by default
nearly every relaxation would go to plain Python: the exactness tests run under both solvers.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator

from evaluator.recommend import search

SOLVERS = ("sparse", "dense")


@contextlib.contextmanager
def solver(name: str) -> Iterator[None]:
    old = search.DENSE_CALL
    search.DENSE_CALL = math.inf if name == "sparse" else -1.0
    try:
        yield
    finally:
        search.DENSE_CALL = old
