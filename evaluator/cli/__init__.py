"""The ``stackfit`` command. Only parsing and printing live here; see ``evaluator.app`` for the work."""

import gc

# A command runs for well under a second and builds mostly long-lived objects (modules, pydantic
# models, the catalog), which the default collector (every 700 allocations) walks again and again:
# about 4 % of a `compare`'s instructions. Collect rarely instead; reference counting still frees
# almost everything, and a cycle waits at most 50,000 allocations.
gc.freeze()
gc.set_threshold(50_000, 20, 20)

from evaluator.cli.main import app, main  # noqa: E402

__all__ = ["app", "main"]
