"""The parse cache can never change a result: the same bytes give the same answer with the
cache on, off, stale, corrupted, replaced or poisoned."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tracemalloc
from pathlib import Path

import pytest

from evaluator.errors import InputErrors
from evaluator.loading import cache
from evaluator.loading.yamlsafe import read_yaml

PADDING = "# " + "padding " * 10 + "\n"


def big(tmp_path: Path, body: str, name: str = "big.yaml") -> Path:
    path = tmp_path / name
    text = body + PADDING * (cache.MIN_BYTES // len(PADDING) + 1)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv("STACKFIT_CACHE_DIR", str(where))
    return where


def entry(folder: Path) -> Path:
    (found,) = folder.glob("*.json")
    return found


def test_a_key_that_looks_like_the_date_marker_stays_text(folder: Path, tmp_path: Path) -> None:
    """`{"\\0date": ...}` came back from the cache as a date: exit 2, then exit 0."""
    path = big(tmp_path, 'until: {"\\0date": "2027-06-30"}\nwhen: 2026-11-26\n')
    first = read_yaml(path, "big.yaml")
    second = read_yaml(path, "big.yaml")
    assert first.data["until"] == {"\x00date": "2027-06-30"}
    assert second.data == first.data
    assert str(second.data["when"]) == "2026-11-26"


def test_the_value_limit_applies_to_cached_entries(folder: Path, tmp_path: Path) -> None:
    path = big(tmp_path, "a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n")
    read_yaml(path, "big.yaml")  # stored
    assert entry(folder).exists()
    with pytest.raises(InputErrors, match="expands to more than 10 values"):
        read_yaml(path, "big.yaml", max_nodes=10)


def test_an_edited_entry_is_not_trusted(folder: Path, tmp_path: Path) -> None:
    path = big(tmp_path, "description: the real text\n")
    fresh = read_yaml(path, "big.yaml").data
    stored = entry(folder)
    stored.write_text(stored.read_text().replace("the real text", "POISONED"))
    assert read_yaml(path, "big.yaml").data == fresh


@pytest.mark.parametrize("kind", ["fifo", "link-to-fifo", "zero-device"])
def test_an_entry_that_is_not_a_regular_file_is_ignored(
    folder: Path, tmp_path: Path, kind: str
) -> None:
    """A FIFO hung the run; a link to /dev/zero exhausted memory."""
    path = big(tmp_path, "a: 1\n")
    fresh = read_yaml(path, "big.yaml").data
    stored = entry(folder)
    stored.unlink()
    if kind == "fifo":
        os.mkfifo(stored)
    elif kind == "link-to-fifo":
        os.mkfifo(tmp_path / "pipe")
        stored.symlink_to(tmp_path / "pipe")
    else:
        if os.geteuid() != 0:
            pytest.skip("mknod of a device needs root")
        os.mknod(tmp_path / "zero", stat.S_IFCHR | 0o666, os.makedev(1, 5))
        stored.symlink_to(tmp_path / "zero")
    assert read_yaml(path, "big.yaml").data == fresh


def test_a_huge_entry_is_not_read(folder: Path, tmp_path: Path) -> None:
    """A 300 MB entry was read whole: memory, not time, is what is measured."""
    path = big(tmp_path, "a: 1\n")
    fresh = read_yaml(path, "big.yaml").data
    with entry(folder).open("r+b") as handle:
        handle.truncate(300 * 1024 * 1024)  # sparse
    tracemalloc.start()
    try:
        assert read_yaml(path, "big.yaml").data == fresh
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024


def test_a_folder_others_can_write_is_ignored(folder: Path, tmp_path: Path) -> None:
    """An entry with a correct checksum (anyone can compute one) is still not used when others
    could have written it."""
    path = big(tmp_path, "description: the real text\n")
    fresh = read_yaml(path, "big.yaml").data
    stored = entry(folder)
    head, body = stored.read_text().split("\n", 1)
    body = body.replace("the real text", "POISONED")
    header = json.loads(head)
    header["body"] = hashlib.sha256(body.encode()).hexdigest()
    stored.write_text(json.dumps(header) + "\n" + body)
    folder.chmod(0o777)
    assert read_yaml(path, "big.yaml").data == fresh
    for item in folder.iterdir():
        item.unlink()
    read_yaml(path, "big.yaml")
    assert list(folder.iterdir()) == []  # nothing is stored there either


def test_aliases_expanding_past_the_size_bound_are_not_stored(folder: Path, tmp_path: Path) -> None:
    """A 40 KB text repeated 1,000 times by an alias is 40 MB of JSON: parse it, never store it."""
    text = "x" * 40_000
    path = tmp_path / "aliases.yaml"
    path.write_text(f"a: &a '{text}'\nb: [{', '.join(['*a'] * 1000)}]\n")
    assert len(read_yaml(path, "aliases.yaml").data["b"]) == 1000
    assert not folder.exists() or list(folder.glob("*.json")) == []


CORPUS = sorted((Path(__file__).parent.parent / "inputs").rglob("*.yaml"))


def outcome(path: Path) -> object:
    from evaluator.loading.files import load_document

    try:
        doc = load_document(path, display_name="f.yaml")
    except InputErrors as exc:
        return [str(e) for e in exc.errors]
    return doc.model


def test_every_corpus_file_gives_the_same_answer_cached_or_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each pinned input, padded past the caching threshold: no cache, the first cached run
    (which stores) and the second (which reads the entry) must agree exactly."""
    folder = tmp_path / "cache"
    for i, source in enumerate(CORPUS):
        raw = source.read_bytes()
        if len(raw) > cache.MIN_BYTES:
            continue
        path = tmp_path / f"{i}.yaml"
        pad = b"\n" + b"# padding to be cached\n" * (cache.MIN_BYTES // 23 + 1)
        path.write_bytes(raw + (b"" if raw.endswith(b"\n") else b"\n") + pad[1:])
        monkeypatch.setenv("STACKFIT_NO_CACHE", "1")
        fresh = outcome(path)
        monkeypatch.delenv("STACKFIT_NO_CACHE")
        monkeypatch.setenv("STACKFIT_CACHE_DIR", str(folder))
        assert outcome(path) == fresh, source.name
        assert outcome(path) == fresh, source.name
