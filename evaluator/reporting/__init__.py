"""Output formats. Each module renders the same result objects; none computes anything."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from evaluator.reporting import jsonfmt, markdown, table
from evaluator.scoring.results import Comparison, StackEvaluation

if TYPE_CHECKING:
    from evaluator.robustness import Robustness


class Format(StrEnum):
    TABLE = "table"
    MARKDOWN = "markdown"
    JSON = "json"


class Renderer(Protocol):
    """What every format module provides (pip-audit style: one module per format)."""

    def comparison(self, c: Comparison, /, robustness: Robustness | None = None) -> str: ...
    def evaluation(self, e: StackEvaluation, /) -> str: ...


RENDERERS: dict[Format, Renderer] = {
    Format.TABLE: table,
    Format.MARKDOWN: markdown,
    Format.JSON: jsonfmt,
}


def render_comparison(
    comparison: Comparison, fmt: Format, robustness: Robustness | None = None
) -> str:
    """The comparison report; with ``robustness``, followed by (in JSON: with) that section."""
    return RENDERERS[fmt].comparison(comparison, robustness=robustness)


def render_evaluation(evaluation: StackEvaluation, fmt: Format) -> str:
    return RENDERERS[fmt].evaluation(evaluation)


__all__ = ["Format", "render_comparison", "render_evaluation"]
