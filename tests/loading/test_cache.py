"""The parse cache returns exactly what parsing returns, and never gets in the way."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from evaluator.errors import InputErrors
from evaluator.loading import cache, yamlsafe
from evaluator.loading.yamlsafe import read_yaml


def big_yaml(tmp_path: Path, extra: str = "") -> Path:
    lines = ["kind: catalog", "version: 1", "tools:"]
    for i in range(900):
        lines += [
            f"  - id: tool-{i}",
            f"    as_of: 2026-11-{1 + i % 28:02d}",
            f"    name: 'Tool {i}'",
        ]
    path = tmp_path / "big.yaml"
    path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    assert path.stat().st_size > cache.MIN_BYTES
    return path


def test_a_second_read_comes_from_the_cache_and_is_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STACKFIT_CACHE_DIR", str(tmp_path / "cache"))
    path = big_yaml(tmp_path)
    first = read_yaml(path, "big.yaml")

    def no_parsing(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(yamlsafe, "parse_yaml", no_parsing)
    second = read_yaml(path, "big.yaml")
    assert second.data == first.data
    assert second.data["tools"][3]["as_of"] == dt.date(2026, 11, 4)
    assert dict(second.positions.keys) == dict(first.positions.keys)
    assert dict(second.positions.values) == dict(first.positions.values)
    assert second.positions.locate(("tools", 3, "name")) == (15, 11)


def test_changed_bytes_are_parsed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STACKFIT_CACHE_DIR", str(tmp_path / "cache"))
    read_yaml(big_yaml(tmp_path), "big.yaml")
    with pytest.raises(InputErrors, match="duplicate"):
        read_yaml(big_yaml(tmp_path, "kind: catalog\n"), "big.yaml")


def test_a_corrupt_cache_file_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "cache"
    monkeypatch.setenv("STACKFIT_CACHE_DIR", str(folder))
    path = big_yaml(tmp_path)
    first = read_yaml(path, "big.yaml")
    for stored in folder.iterdir():
        stored.write_text("{not json", encoding="utf-8")
    assert read_yaml(path, "big.yaml").data == first.data


def test_an_unwritable_cache_and_the_off_switch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("STACKFIT_CACHE_DIR", str(blocker / "cache"))  # cannot be created
    path = big_yaml(tmp_path)
    assert read_yaml(path, "big.yaml").data["kind"] == "catalog"
    monkeypatch.setenv("STACKFIT_NO_CACHE", "1")
    assert cache.cache_dir() is None
    assert read_yaml(path, "big.yaml").data["version"] == 1
