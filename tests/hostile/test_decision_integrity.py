"""Decision records stay consistent under parallel runs, non-Latin titles and duplicates."""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import threading
from pathlib import Path

import pytest

from evaluator.decisions import service
from evaluator.decisions.record import RECORD_NAME
from evaluator.decisions.service import DecideRequest
from tests.decisions.test_workflow_cli import DECIDE, RECORD, invoke, repo

__all__ = ["repo"]

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
DAY = dt.date(2026, 11, 26)


def test_parallel_decides_get_distinct_numbers(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """10 parallel runs with different titles wrote 0007 three times. Here every run is held
    until all have read the folder (or, when a lock keeps them apart, until that wait gives
    up), which is the worst interleaving, made certain instead of left to the scheduler."""
    runs = 5
    barrier = threading.Barrier(runs)
    read = service.read_records

    def read_then_wait(folder: Path) -> list[object]:
        records = read(folder)
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=0.3)
        return records  # type: ignore[return-value]

    monkeypatch.setattr(service, "read_records", read_then_wait)
    failures: list[BaseException] = []

    def decide(i: int) -> None:
        try:
            service.decide(
                DecideRequest(
                    title=f"Question number {i}",
                    choose="Databricks end to end",
                    paths=[repo / "stacks"],
                    requirements=None,
                    catalog_dirs=[],
                    folder=repo / "decisions",
                    as_of=DAY,
                    date=DAY,
                )
            )
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)

    threads = [threading.Thread(target=decide, args=(i,)) for i in range(runs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures
    names = sorted(p.name for p in (repo / "decisions").iterdir())
    numbers = [name[:4] for name in names]
    assert numbers == [f"{n:04d}" for n in range(1, runs + 1)], names
    assert all(RECORD_NAME.match(name) for name in names)  # and no temporary files


def test_non_latin_titles_are_different_questions(repo: Path) -> None:
    base = DECIDE[:1] + DECIDE[3:]  # without --title
    assert invoke(*base, "--title", "データ基盤の選定")[0] == 0
    code, out, err = invoke(*base, "--title", "機械学習基盤の選定")
    assert code == 0, err
    assert "superseded" not in out
    names = sorted(p.name for p in Path("decisions").iterdir())
    assert len(names) == 2
    assert names[0][5:] != names[1][5:]
    code, out, err = invoke(*base, "--title", "データ基盤の選定")
    assert code == 0, err
    assert f"marked decisions/{names[0]} as superseded" in out


def test_supersedes_refuses_an_ambiguous_number(repo: Path) -> None:
    assert invoke(*DECIDE)[0] == 0
    twin = Path("decisions/0001-another-question.md")
    twin.write_text(RECORD.read_text())
    code, _, err = invoke(*DECIDE, "--supersedes", "1")
    assert code == 2
    assert "2 decision records are numbered 1 (0001-another-question.md, 0001-choose" in err
    assert sorted(p.name for p in Path("decisions").iterdir()) == [
        "0001-another-question.md",
        "0001-choose-the-ml-data-platform.md",
    ]


def test_a_failed_decide_leaves_no_folder(repo: Path) -> None:
    code, _, _ = invoke(*DECIDE[:4], "No such stack", *DECIDE[5:])
    assert code == 2
    assert not Path("decisions").exists()
