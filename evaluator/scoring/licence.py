"""SPDX licence expressions as the model reads them: ``A OR B`` is a choice (the licensee picks
one option), ``A AND B`` means every part applies, ``WITH`` adds an exception to the licence
before it. ``AND`` binds tighter than ``OR`` (SPDX 2.3, annex D); the catalog's pattern allows
no parentheses, so an expression is a list of options, each a set of licence ids."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from evaluator.scoring import params


@cache
def options(expression: str) -> tuple[frozenset[str], ...]:
    """The alternatives an expression offers, each the licence ids that all apply together
    (exceptions after ``WITH`` are dropped: they only add permissions)."""
    out = []
    for option in expression.split(" OR "):
        ids: set[str] = set()
        for part in option.split(" AND "):
            ids.add(part.split(" WITH ")[0].strip())
        out.append(frozenset(ids))
    return tuple(out)


def avoided(expression: str, banned: Iterable[str]) -> bool:
    """Whether every way of taking the tool includes an avoided licence."""
    ban = {b.casefold() for b in banned}
    if not ban:
        return False
    return all(any(i.casefold() in ban for i in opt) for opt in options(expression))


_RANKS = ("open", "source-available", "unknown", "proprietary")


def _rank(licence_id: str) -> int:
    lowered = licence_id.casefold()
    if lowered in ("unknown", "noassertion"):
        return 2
    if lowered == "proprietary":
        return 3
    if licence_id.removeprefix("LicenseRef-") in params.SOURCE_AVAILABLE_LICENSES:
        return 1
    return 0


@cache
def openness(expression: str) -> str:
    """The openness of the most open option (every licence of an option applies, so an option
    is as closed as its most closed part): ``open``, ``source-available``, ``unknown`` (not
    checked) or ``proprietary``."""
    return _RANKS[min(max(_rank(i) for i in opt) for opt in options(expression))]
