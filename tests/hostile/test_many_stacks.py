"""A pull request can add thousands of stack files; `compare` refuses past a bound before
reading any, instead of spending minutes and gigabytes (issue #16: 10,000 stacks took 80 s and
628 MB)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from evaluator.cli.main import app
from evaluator.loading import files

RUNNER = CliRunner()


def test_too_many_files_are_refused_before_any_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(files, "MAX_FILES", 5)
    read: list[int] = []
    original = files.load_many
    monkeypatch.setattr(
        files, "load_many", lambda paths: read.append(len(paths)) or original(paths)
    )
    folder = tmp_path / "stacks"
    folder.mkdir()
    for i in range(6):
        (folder / f"s{i}.yaml").write_text(
            f"kind: stack\nversion: 1\nname: s{i}\ntools: [kafka]\n", encoding="utf-8"
        )
    result = RUNNER.invoke(app, ["compare", str(folder), "--as-of", "2026-11-26"])
    assert result.exit_code == 2
    assert "6 files to read, more than the 5 one comparison takes" in result.stderr
    assert read == []  # refused on the count alone
