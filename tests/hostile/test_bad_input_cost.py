"""Bad input costs about linear work: measured as work done (calls, bytes), never as seconds."""

from __future__ import annotations

import os
import threading
import tracemalloc
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evaluator.catalog import Catalog
from evaluator.cli import app
from evaluator.errors import InputErrors
from evaluator.loading import messages
from evaluator.loading.files import load_document
from evaluator.resolve import check_stack
from tests.conftest import count_calls

RUNNER = CliRunner()


def test_many_unknown_ids_cost_a_bounded_number_of_suggestions(
    tmp_path: Path, mini_catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """60,000 unknown ids took 64 s: every "did you mean" costs about a millisecond."""
    ids = ", ".join(f"nosuch-{i}" for i in range(3000))
    path = tmp_path / "s.yaml"
    path.write_text(f"kind: stack\nversion: 1\nname: x\ntools: [snowflak, {ids}]\n")
    suggested = count_calls(monkeypatch, messages, "did_you_mean")
    errors = check_stack(load_document(path, display_name="s.yaml"), mini_catalog)
    assert len(errors) == 3001
    assert suggested[0] == messages.MAX_HINTS
    assert "did you mean 'snowflake'" in str(errors[0])  # the first ones still get a hint
    assert str(errors[-1]) == "s.yaml:4:37896: tools[3000]: unknown tool 'nosuch-2999'"


def test_many_unknown_keys_cost_a_bounded_number_of_suggestions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = "\n".join(f"key{i}: 1" for i in range(1000))
    path = tmp_path / "s.yaml"
    path.write_text(f"kind: stack\nversion: 1\nname: x\ntools: [a]\n{keys}\n")
    suggested = count_calls(monkeypatch, messages, "did_you_mean")
    with pytest.raises(InputErrors) as caught:
        load_document(path, display_name="s.yaml")
    assert len(caught.value.errors) == 1000
    assert suggested[0] == messages.MAX_HINTS


def test_a_fifo_named_as_input_is_refused_not_waited_on(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.yaml"
    os.mkfifo(pipe)
    done: list[tuple[int, str]] = []

    def run() -> None:
        result = RUNNER.invoke(app, ["validate", str(pipe)])
        done.append((result.exit_code, result.stderr))

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=60)  # a hang detector, not a speed bound: the old code never returned
    assert done, "validate hung on a FIFO"
    code, err = done[0]
    assert code == 2
    assert f"{pipe}: cannot read the file: it is a named pipe (FIFO), not a regular file" in err


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.write(b"kind: stack\n")
        handle.truncate(200 * 1024 * 1024)  # sparse: 200 MiB without writing them
    tracemalloc.start()
    try:
        with pytest.raises(InputErrors, match="file is too large"):
            load_document(path, display_name="huge.yaml")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1024 * 1024
