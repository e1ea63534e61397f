from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from evaluator.fsutil import atomic_write_text


def test_replaces_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "report.md"
    atomic_write_text(target, "one\n")
    atomic_write_text(target, "two\n")
    assert target.read_text() == "two\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.md"]


def test_exclusive_never_replaces_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "0001-x.md"
    atomic_write_text(target, "first\n", exclusive=True)
    with pytest.raises(FileExistsError):
        atomic_write_text(target, "second\n", exclusive=True)
    assert target.read_text() == "first\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["0001-x.md"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.md"
    target.write_text("old\n")

    def disk_full(fd: int, data: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", disk_full)
    with pytest.raises(OSError, match="No space"):
        atomic_write_text(target, "new\n")
    monkeypatch.undo()
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.md"]
