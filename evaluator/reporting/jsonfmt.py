"""JSON for other tools. The shape is documented in docs/json.md; `format_version` changes only
when a field is renamed or removed."""

from __future__ import annotations

import json
from typing import Any

from evaluator.scoring.results import Comparison, StackEvaluation

FORMAT_VERSION = 1


def _rounded(value: Any) -> Any:
    # Two decimals keep the output byte-identical across platforms' float printing.
    if isinstance(value, float):
        r = round(value, 2)
        return 0.0 if r == 0 else r
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    return value


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(_rounded(data), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def comparison(c: Comparison) -> str:
    return dumps(
        {"format_version": FORMAT_VERSION, "kind": "comparison", **c.model_dump(mode="json")}
    )


def evaluation(e: StackEvaluation) -> str:
    return dumps(
        {"format_version": FORMAT_VERSION, "kind": "evaluation", **e.model_dump(mode="json")}
    )
