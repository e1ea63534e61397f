"""`check` reads only what a decision record may name: files inside the repository.

A record arrives in a pull request; its paths are attacker-controlled. Each attack here made
`stackfit check` read (and print the start of) a file outside the repository, or walk the disk.
"""

from __future__ import annotations

import json
import os
import shutil
import tracemalloc
from pathlib import Path

import pytest

from tests.decisions.test_workflow_cli import DECIDE, RECORD, invoke, repo

__all__ = ["repo"]  # the fixture, re-exported for pytest

SECRET = "TOP-SECRET-do-not-print"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


@pytest.fixture
def decided(repo: Path) -> Path:
    code, _, err = invoke(*DECIDE)
    assert code == 0, err
    outside = repo.parent / "secret.yaml"
    outside.write_text(f"kind: stack\nversion: 1\nname: {SECRET}\ntools: [{SECRET}]\n")
    return repo


def point(root: Path, old: str, new: str) -> None:
    record = root / RECORD
    text = record.read_text(encoding="utf-8")
    assert old in text
    record.write_text(text.replace(old, new, 1), encoding="utf-8")


REQ = '"path": "stacks/requirements.yaml"'
STACK = '"path": "stacks/aws-native.yaml"'


@pytest.mark.parametrize(
    ("old", "new_path", "key"),
    [
        (REQ, "{outside}", "inputs.requirements.path"),
        (REQ, "../secret.yaml", "inputs.requirements.path"),
        (REQ, "stacks/../../secret.yaml", "inputs.requirements.path"),
        (STACK, "{outside}", "inputs.stacks[3].path"),
        (STACK, "../secret.yaml", "inputs.stacks[3].path"),
        (REQ, "stackfit:stacks/../../../../../../../../{outside}", "inputs.requirements.path"),
    ],
)
def test_paths_out_of_the_repository_are_refused(
    decided: Path, old: str, new_path: str, key: str
) -> None:
    outside = str(decided.parent / "secret.yaml")
    new_path = new_path.format(outside=outside.lstrip("/") if "stackfit:" in new_path else outside)
    point(decided, old, f'"path": {json.dumps(new_path)}')
    code, out, err = invoke("check")
    assert code == 2, out + err
    assert SECRET not in out + err
    assert f"0001-choose-the-ml-data-platform.md: {key}: " in err
    assert "leaves the repository" in err
    assert "Traceback" not in err


def test_a_symbolic_link_out_of_the_repository_is_refused(decided: Path) -> None:
    (decided / "stacks" / "link.yaml").symlink_to(decided.parent / "secret.yaml")
    point(decided, REQ, '"path": "stacks/link.yaml"')
    code, out, err = invoke("check")
    assert code == 2, out + err
    assert SECRET not in out + err
    assert "inputs.requirements.path: 'stacks/link.yaml' leaves the repository" in err


def test_a_fifo_named_by_a_record_is_refused_without_blocking(decided: Path) -> None:
    os.mkfifo(decided / "stacks" / "pipe.yaml")
    point(decided, REQ, '"path": "stacks/pipe.yaml"')
    code, _, err = invoke("check")
    assert code == 2
    assert "inputs.requirements.path: 'stacks/pipe.yaml' is not a regular file" in err


@pytest.mark.parametrize("folder", ["{parent}", "..", "/"])
def test_catalog_dirs_out_of_the_repository_are_refused(decided: Path, folder: str) -> None:
    """`dirs: ["/"]` walked the whole disk for 19 s, then ended in a traceback."""
    folder = folder.format(parent=decided.parent)
    point(decided, "dirs: []", f"dirs: [{json.dumps(folder)}]")
    code, out, err = invoke("check")
    assert code == 2, out + err
    assert SECRET not in out + err
    assert "inputs.catalog.dirs[0]: " in err
    assert "leaves the repository" in err


def test_a_catalog_dir_holding_a_link_out_is_refused(decided: Path) -> None:
    (decided / "org").mkdir()
    (decided / "org" / "tools.yaml").symlink_to(decided.parent / "secret.yaml")
    point(decided, "dirs: []", 'dirs: ["org"]')
    code, out, err = invoke("check")
    assert code == 2, out + err
    assert SECRET not in out + err
    assert "inputs.catalog.dirs[0]: 'tools.yaml' leaves the repository" in err


def test_records_that_are_links_out_fifos_or_huge_are_refused(decided: Path) -> None:
    folder = decided / "decisions"
    (folder / "0002-leak.md").symlink_to(decided.parent / "secret.yaml")
    os.mkfifo(folder / "0003-pipe.md")
    with (folder / "0004-huge.md").open("wb") as handle:
        handle.truncate(6 * 1024 * 1024)  # sparse: 6 MiB of size, nothing written
    code, out, err = invoke("check")
    assert code == 2, out + err
    assert SECRET not in out + err
    lines = err.splitlines()
    assert "decisions/0002-leak.md: cannot read the file: it is a symbolic link out of" in lines[0]
    assert lines[1] == (
        "decisions/0003-pipe.md: cannot read the file: it is a named pipe (FIFO), "
        "not a regular file"
    )
    assert lines[2] == "decisions/0004-huge.md: cannot read the file: larger than 5,242,880 bytes"


def test_diff_refuses_a_huge_blob_without_reading_it(repo: Path) -> None:
    """A hostile revision can hold a blob of gigabytes; it was read whole, then cut."""
    from evaluator.decisions import gitio
    from tests.decisions.test_workflow_cli import git

    def peak_of_diff() -> tuple[int, int, str, str]:
        tracemalloc.start()
        try:
            code, out, err = invoke("diff", "--base", "HEAD", "--as-of", "2026-11-26")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        return peak, code, out, err

    # The same command without the blob: what loading the catalog and scoring take by itself.
    baseline, _, _, _ = peak_of_diff()
    huge = repo / "stacks" / "huge.yaml"
    huge.write_bytes(b"kind: stack\n" + b"#" * (gitio.MAX_BLOB + 10))
    git(repo, "add", "stacks/huge.yaml")
    git(repo, "commit", "-qm", "huge")
    huge.unlink()
    peak, code, out, err = peak_of_diff()
    assert code == 2, out + err
    assert "stacks/huge.yaml: file is too large (5.0 MiB; the limit is 5 MiB)" in err
    # Reading the blob whole would add at least MAX_BLOB bytes to the peak.
    assert peak - baseline < gitio.MAX_BLOB // 2
