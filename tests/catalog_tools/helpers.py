"""Shared test data: the small fixture catalog, as data to mutate and write back."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
SMALL = HERE / "fixtures" / "small"
ORG = HERE / "fixtures" / "org"
LANDSCAPES = HERE / "landscape"
SHARED_DATA = Path("/work/shared/data")
TODAY = dt.date(2026, 11, 26)

_BASE: dict[str, Any] = yaml.safe_load((SMALL / "catalog.yaml").read_text(encoding="utf-8"))


def small_data() -> dict[str, Any]:
    return copy.deepcopy(_BASE)


def tool(data: dict[str, Any], tool_id: str) -> dict[str, Any]:
    return next(t for t in data["tools"] if t["id"] == tool_id)


def write_catalog(folder: Path, data: dict[str, Any], name: str = "catalog.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return folder
