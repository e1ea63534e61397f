"""JSON for other tools. The shape is documented in docs/json.md; `format_version` changes only
when a field is renamed or removed."""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any

from evaluator.scoring.results import Comparison, StackEvaluation

if TYPE_CHECKING:
    from evaluator.robustness import Robustness

FORMAT_VERSION = 2


def _rounded(value: Any) -> Any:
    # Two decimals keep the output byte-identical across platforms' float printing. NaN and
    # infinities are not JSON (Python would print NaN, which other tools refuse): null instead.
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        r = round(value, 2)
        return 0.0 if r == 0 else r
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    return value


def _json(data: Any) -> str:
    """allow_nan=False: a non-finite number that slipped past ``_rounded`` is a bug to raise,
    never invalid JSON printed with exit 0."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n"


UNIT_KEYS = ("units", "divergent")
"""Keys only requirements with business units fill: left out when empty, so output for
requirements without units is the same as before units existed."""


def _without_empty_units(data: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in data.items() if not (k in UNIT_KEYS and not v)}
    if "stacks" in out:
        out["stacks"] = [
            {**r, "evaluation": _without_empty_units(r["evaluation"])} for r in out["stacks"]
        ]
    return out


def dumps(data: dict[str, Any]) -> str:
    return _json(_rounded(data))


def comparison(c: Comparison, /, robustness: Robustness | None = None) -> str:
    data = _without_empty_units(
        {"format_version": FORMAT_VERSION, "kind": "comparison", **c.model_dump(mode="json")}
    )
    if robustness is None:
        return dumps(data)
    # Added after the two-decimal rounding: the section rounds its own numbers to four decimals,
    # and its counts are exact integers, so it is reproducible to the digit.
    rounded = _rounded(data)
    rounded["robustness"] = robustness.as_json()
    return _json(rounded)


def evaluation(e: StackEvaluation) -> str:
    return dumps(
        _without_empty_units(
            {"format_version": FORMAT_VERSION, "kind": "evaluation", **e.model_dump(mode="json")}
        )
    )
