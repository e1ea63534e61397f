"""Where the data shipped with stackfit lives, in a checkout and in an installed wheel.

The wheel carries copies of the top-level ``catalog/`` and ``stacks/`` folders under
``evaluator/_shipped/`` (see ``force-include`` in pyproject.toml); a source checkout has only the
top-level folders. Looking for the packaged copy first makes both work without configuration.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _shipped(name: str) -> Path:
    packaged = _PACKAGE / "_shipped" / name
    return packaged if packaged.is_dir() else _PACKAGE.parent / name


def builtin_catalog_dir() -> Path:
    """The built-in catalog folder (taxonomy plus tool files)."""
    return _shipped("catalog")


def builtin_stacks_dir() -> Path:
    """The example stacks shipped with stackfit."""
    return _shipped("stacks")
