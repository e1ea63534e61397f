"""`-o` and `recommend --save` write only where they should.

Each attack destroyed something: a device or FIFO at the path was replaced by a regular file, a
symbolic link was replaced instead of refused, permissions dropped to 0600, an edited
recommended-1.yaml was overwritten, and `-o DIR` or an unwritable target ended in a traceback.
Devices are made with mknod inside the test's own folder: never aim these at /dev.
"""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evaluator import fsutil
from evaluator.cli import app
from evaluator.fsutil import RefusedFile, atomic_write_text

RUNNER = CliRunner()
COMPARE = ["compare", "--as-of", "2026-11-26", "--format", "json"]


def run(*args: str) -> tuple[int, str]:
    result = RUNNER.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stderr


def refused(target: Path, why: str) -> None:
    code, err = run(*COMPARE, "-o", str(target))
    assert code == 2, err
    assert f"{target}: cannot write the file: {why}" in err
    assert "Traceback" not in err


def test_a_fifo_is_refused_and_kept(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    refused(fifo, "it is a named pipe (FIFO), not a regular file")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


@pytest.mark.skipif(os.geteuid() != 0, reason="mknod of a device needs root")
def test_a_device_node_is_refused_and_kept(tmp_path: Path) -> None:
    """The device is a null device made here, in the test's folder (as root, the old code
    replaced the real /dev/null with a 0600 regular file)."""
    node = tmp_path / "null"
    os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    refused(node, "it is a device, not a regular file")
    assert stat.S_ISCHR(node.lstat().st_mode)


def test_a_folder_is_refused(tmp_path: Path) -> None:
    refused(tmp_path, "it is a folder, not a regular file")


def test_a_symbolic_link_is_neither_followed_nor_replaced(tmp_path: Path) -> None:
    precious = tmp_path / "authorized_keys"
    precious.write_text("ssh-ed25519 AAAA\n")
    link = tmp_path / "report.json"
    link.symlink_to(precious)
    refused(link, "it is a symbolic link; name the file it points to")
    assert link.is_symlink()
    assert precious.read_text() == "ssh-ed25519 AAAA\n"


def test_an_unwritable_place_is_an_input_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    code, err = run(*COMPARE, "-o", str(blocker / "report.json"))
    assert code == 2, err
    assert f"{blocker / 'report.json'}: cannot write the file: " in err


def test_an_existing_file_keeps_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old")
    target.chmod(0o644)
    code, err = run(*COMPARE, "-o", str(target))
    assert code == 0, err
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert target.read_text().startswith("{")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]  # no debris


def test_a_new_file_gets_the_umask_mode(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        atomic_write_text(tmp_path / "new.txt", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o640


def test_a_write_killed_midway_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """kill -9 during a write left `.NNNN-x.md.*.tmp` files that `git add` would commit. Here
    the write is stopped at its last moment, when the data is written and synced, and the
    folder must hold nothing new: a kill at that point would leave nothing either."""
    if fsutil._anonymous(tmp_path, 0o600) is None:
        pytest.skip("no O_TMPFILE here; the named temporary file is removed on exceptions only")
    seen: list[list[str]] = []
    real_fsync = os.fsync

    def fsync_then_look(fd: int) -> None:
        real_fsync(fd)
        seen.append(sorted(p.name for p in tmp_path.iterdir()))

    monkeypatch.setattr(os, "fsync", fsync_then_look)
    atomic_write_text(tmp_path / "0001-x.md", "text")
    atomic_write_text(tmp_path / "0001-x.md", "again")
    atomic_write_text(tmp_path / "0002-y.md", "text", exclusive=True)
    assert seen == [[], ["0001-x.md"], ["0001-x.md"]]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["0001-x.md", "0002-y.md"]


def test_exclusive_never_replaces(tmp_path: Path) -> None:
    target = tmp_path / "0001-x.md"
    target.write_text("mine")
    with pytest.raises(FileExistsError):
        atomic_write_text(target, "theirs", exclusive=True)
    assert target.read_text() == "mine"
    with pytest.raises(RefusedFile):
        atomic_write_text(tmp_path, "x")


def test_save_refuses_to_overwrite_unless_forced(tmp_path: Path) -> None:
    save = [
        "recommend",
        "--as-of",
        "2026-11-26",
        "--top",
        "2",
        "--node-limit",
        "300",
        "--time-limit",
        "600",
    ]
    save += ["--save", str(tmp_path)]
    code, err = run(*save)
    assert code == 0, err
    edited = tmp_path / "recommended-2.yaml"
    edited.write_text(edited.read_text() + "# my edit\n")
    code, err = run(*save)
    assert code == 2, err
    assert f"{tmp_path / 'recommended-1.yaml'}: already exists; add --force" in err
    assert edited.read_text().endswith("# my edit\n")
    code, err = run(*save, "--force")
    assert code == 0, err
    assert not edited.read_text().endswith("# my edit\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "recommended-1.yaml",
        "recommended-2.yaml",
    ]


def test_landscape_import_into_a_fifo_is_refused_not_waited_on(tmp_path: Path) -> None:
    """`catalog import landscape -o DIR` read an existing import file whole; a FIFO there hung."""
    landscape = Path(__file__).parent.parent / "catalog_tools" / "landscape" / "lfai-excerpt.yml"
    out = tmp_path / "org"
    out.mkdir()
    os.mkfifo(out / "imported-lfai-excerpt.yaml")
    done: list[tuple[int, str]] = []

    def run() -> None:
        result = RUNNER.invoke(
            app, ["catalog", "import", "landscape", str(landscape), "-o", str(out)]
        )
        done.append((result.exit_code, result.stderr))

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=60)  # a hang detector, not a speed bound
    assert done, "the import hung on a FIFO"
    code, err = done[0]
    assert code == 2, err
    assert "imported-lfai-excerpt.yaml: cannot read or write the file: it is a named pipe" in err
    assert stat.S_ISFIFO((out / "imported-lfai-excerpt.yaml").lstat().st_mode)
