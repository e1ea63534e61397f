"""The ``stackfit`` command. Only parsing and printing live here; see ``evaluator.app`` for the work."""

from evaluator.cli.main import app, main

__all__ = ["app", "main"]
