"""Golden-file assertions: compare output with a reviewed file, or rewrite it on request.

Run ``STACKFIT_UPDATE_GOLDEN=1 pytest`` to (re)write every golden file, then review the diff by
hand before committing; without the variable a missing or different file fails the test.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

UPDATE_ENV = "STACKFIT_UPDATE_GOLDEN"


def updating() -> bool:
    return os.environ.get(UPDATE_ENV, "") not in ("", "0")


def assert_golden(path: Path, actual: str) -> None:
    """``actual`` must equal the text of ``path`` (byte for byte, UTF-8)."""
    if updating():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != actual:
            path.write_text(actual, encoding="utf-8")
        return
    if not path.exists():
        pytest.fail(f"golden file {path} is missing; run with {UPDATE_ENV}=1 to create it")
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                fromfile=f"{path} (expected)",
                tofile="actual",
            )
        )
        pytest.fail(f"output differs from {path}; {UPDATE_ENV}=1 rewrites it\n{diff}")
