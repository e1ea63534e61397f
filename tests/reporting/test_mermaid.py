"""Mermaid flowcharts: labels from files stay inert, and every diagram we write parses with
Mermaid's own parser (under node, when it is installed: see .ci/run)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from evaluator.reporting.flow import Edge, Flow
from evaluator.reporting.mermaid import flowchart, label

HERE = Path(__file__).parent
GOLDEN_MARKDOWN = [
    *sorted((HERE / "golden").glob("*.md")),
    *sorted((HERE.parent / "golden" / "situations").glob("*.md")),
    HERE.parent / "decisions" / "golden" / "record.md",
]
NODE_DIR = Path(os.environ.get("STACKFIT_NODE_DIR", Path(tempfile.gettempdir()) / "stackfit-node"))
FENCE = re.compile(r"^```mermaid\n(.*?)^```$", re.MULTILINE | re.DOTALL)

HOSTILE = 'x"] --> evil["<img src=x onerror=alert(1)>"]|`#1;{}\n%% end'


def hostile_flow() -> Flow:
    a, b, c = "a-tool", "b-tool", "idle-tool"
    return Flow(
        tools=(a, b, c),
        serves={a: (HOSTILE,), b: ("bi", "training", "warehouse", "lineage"), c: ()},
        idle=(c,),
        internal={b: 2},
        edges=(
            Edge(a, b, "custom", ((HOSTILE, "bi"),), ("audit", "lineage"), True, 5.0),
            Edge(b, a, "standard", (("bi", "x"),), (), False, 2.0),
        ),
        islands=((a,), (b,)),
    )


def diagrams() -> list[tuple[str, str]]:
    found = [
        (f"{path.name}#{i}", text)
        for path in GOLDEN_MARKDOWN
        for i, text in enumerate(FENCE.findall(path.read_text(encoding="utf-8")), start=1)
    ]
    return [*found, ("hostile", flowchart(hostile_flow()))]


def test_goldens_hold_diagrams() -> None:
    assert len(diagrams()) >= 8


def test_labels_are_inert() -> None:
    text = label(HOSTILE)
    for char in '"[]<>|`{}\n':
        assert char not in text
    assert all(re.match(r"#(\d+|quot|lt|gt);", text[i:]) for i, c in enumerate(text) if c == "#")


def test_hostile_names_stay_inside_their_nodes() -> None:
    chart = flowchart(hostile_flow())
    lines = chart.splitlines()
    # The newline in the name made no line of its own: the name is in its node's line only.
    assert sum("evil" in line for line in lines) == 1
    assert all(line.count('"') in (0, 2) for line in lines)
    assert "subgraph island1" in chart
    assert "subgraph island2" in chart
    assert "class n3 idle" in chart
    assert '-.->|"custom; team handoff; breaks lineage, audit"|' in chart


def test_same_tool_handoffs_are_counted_in_the_node_not_drawn() -> None:
    chart = flowchart(hostile_flow())
    assert "2 handoffs inside" in chart
    assert not re.search(r"n2 -[.-]*>.*n2$", chart, re.MULTILINE)


def test_every_diagram_parses_with_mermaid(tmp_path: Path) -> None:
    missing = (
        "node is not installed"
        if shutil.which("node") is None
        else f"mermaid is not installed in {NODE_DIR} (.ci/run installs it)"
        if not (NODE_DIR / "node_modules" / "mermaid").is_dir()
        else None
    )
    if missing is not None:
        if os.environ.get("STACKFIT_REQUIRE_MERMAID", "") not in ("", "0"):
            pytest.fail(f"the Mermaid parser is required (STACKFIT_REQUIRE_MERMAID): {missing}")
        pytest.skip(missing)
    files = []
    for i, (name, text) in enumerate(diagrams()):
        path = tmp_path / f"{i:02d}-{name.replace('#', '-')}.mmd"
        path.write_text(text, encoding="utf-8")
        files.append(str(path))
    broken = tmp_path / "zz-broken.mmd"
    broken.write_text('flowchart LR\n  n1["a"] -->|"x| n2\n', encoding="utf-8")
    done = subprocess.run(
        ["node", str(HERE / "mermaid_parse.mjs"), *files, str(broken)],
        capture_output=True,
        text=True,
        env={**os.environ, "STACKFIT_NODE_DIR": str(NODE_DIR)},
        timeout=300,
        check=False,
    )
    lines = done.stdout.splitlines()
    assert len(lines) == len(files) + 1, done.stderr
    assert lines[-1].startswith(f"ERR {broken}"), "the parser must reject a broken diagram"
    assert all(line.startswith("ok ") and line.endswith("flowchart-v2") for line in lines[:-1]), (
        "\n".join(lines)
    )
