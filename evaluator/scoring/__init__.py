"""The scoring model: fit, glue cost and lock-in risk, each a sum of named contributions.
See docs/scoring.md for the formulas."""

from evaluator.scoring.context import Context, build_context
from evaluator.scoring.evaluate import compare, evaluate_stack, rank

__all__ = ["Context", "build_context", "compare", "evaluate_stack", "rank"]
