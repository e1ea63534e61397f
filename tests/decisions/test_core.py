"""The pure core: slugs, fingerprints, record round trip, reason diffs and change classification."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from evaluator import app as core
from evaluator.decisions.changes import reason_changes
from evaluator.decisions.check import Current, Outcome, Policy, Rule, active, assess
from evaluator.decisions.fingerprint import model_fingerprint
from evaluator.decisions.parse import mark_superseded, parse_record
from evaluator.decisions.record import Record, slugify
from evaluator.decisions.snapshot import Evidence, ScoreRow, StackSnapshot, Term
from evaluator.errors import InputErrors
from evaluator.loading.files import as_requirements, load_document
from evaluator.resources import builtin_stacks_dir

DAY = dt.date(2026, 11, 26)


def test_slugify() -> None:
    assert slugify("Choose the ML data platform!") == "choose-the-ml-data-platform"
    assert slugify("Ünïcode — only") == "unicode-only"
    assert slugify("???") == "decision"
    # Titles with no ASCII spelling all became 'decision', so each new record superseded an
    # unrelated one: a hash of the title now tells them apart (and keeps equal titles equal).
    a, b = slugify("データ基盤の選定"), slugify("機械学習基盤の選定")
    assert a.startswith("decision-")
    assert b.startswith("decision-")
    assert a != b
    assert slugify("データ基盤の選定") == a
    assert slugify("Choose ML 基盤") != slugify("Choose ML 選定")
    assert len(slugify("word " * 40 + "基盤")) <= 60
    assert len(slugify("word " * 40)) <= 60


def test_fingerprint_ignores_formatting_but_not_content(tmp_path: Path) -> None:
    a = tmp_path / "a.yaml"
    b = tmp_path / "b.yaml"
    c = tmp_path / "c.yaml"
    a.write_text("kind: stack\nversion: 1\nname: S\ntools: [spark]\n")
    b.write_text("# a comment\nname: S\nversion: 1\nkind: stack\ntools:\n  - spark\n")
    c.write_text("kind: stack\nversion: 1\nname: S\ntools: [spark, trino]\n")
    fa, fb, fc = (model_fingerprint(load_document(p).model) for p in (a, b, c))
    assert fa == fb
    assert fa != fc
    assert len(fa) == 64


def _snap(
    name: str = "S",
    *,
    rank: int = 1,
    viable: bool = True,
    overall: float = 70.0,
    violations: tuple[str, ...] = (),
    fit_terms: dict[str, Term] | None = None,
) -> StackSnapshot:
    row = ScoreRow(
        stack=name,
        rank=rank,
        viable=viable,
        pareto=True,
        fit=70.0,
        glue=10.0,
        glue_days=5.0,
        lock_in=20.0,
        overall=overall,
    )
    terms = {"fit": fit_terms or {}}
    return StackSnapshot(
        path=f"stacks/{name}.yaml", row=row, evidence=Evidence(violations=violations, terms=terms)
    )


def test_reason_changes_name_gates_and_terms() -> None:
    old = _snap(
        fit_terms={
            "reuse.snowflake": Term(
                points=6.67, reason="reuses Snowflake (under contract until 2027-06-30)"
            )
        }
    )
    new = _snap(
        violations=("x is licensed BUSL-1.1, which is avoided",),
        fit_terms={
            "reuse.snowflake": Term(
                points=2.0, reason="reuses Snowflake (contract ended 2027-06-30)"
            ),
            "coverage.bi": Term(points=0.01, reason="noise"),
        },
    )
    lines = reason_changes(old, new)
    assert lines[0] == "now fails: x is licensed BUSL-1.1, which is avoided"
    assert lines[1].startswith("fit -4.7 reuse.snowflake: reuses Snowflake (under contract")
    assert "contract ended" in lines[1]
    assert len(lines) == 2  # the 0.01 term is noise
    assert reason_changes(new, old)[0].startswith("no longer fails:")


@pytest.fixture(scope="module")
def example_record(tmp_path_factory: pytest.TempPathFactory) -> tuple[Record, str]:
    from evaluator.decisions.record import Status
    from evaluator.decisions.service import DecideRequest, build_record

    folder = tmp_path_factory.mktemp("d") / "decisions"
    request = DecideRequest(
        title="Pick a platform",
        choose="Databricks end to end",
        paths=[builtin_stacks_dir()],
        requirements=None,
        catalog_dirs=[],
        folder=folder,
        as_of=DAY,
        date=DAY,
        status=Status.ACCEPTED,
    )
    _, _, text, record = build_record(request)
    return record, text


def test_record_round_trips(example_record: tuple[Record, str]) -> None:
    record, text = example_record
    again = parse_record(text, record.file)
    assert again == record
    m = record.machine
    assert m.chosen == m.top_ranked == "Databricks end to end"
    assert m.inputs.requirements.path == "stackfit:stacks/requirements.yaml"
    assert {s.path for s in m.inputs.stacks} >= {"stackfit:stacks/aws-native.yaml"}
    assert "databricks" in m.inputs.catalog.tools
    snaps = record.snapshots()
    assert snaps["Databricks end to end"].evidence.terms["fit"]
    for heading in (
        "## Context and Problem Statement",
        "## Decision Drivers",
        "## Considered Options",
        "## Decision Outcome",
        "### Consequences",
        "### Confirmation",
        "## Pros and Cons of the Options",
    ):
        assert f"\n{heading}\n" in text


def test_mark_superseded_changes_only_the_status(example_record: tuple[Record, str]) -> None:
    record, text = example_record
    marked = mark_superseded(text, "0002-x.md", "r.md")
    again = parse_record(marked, record.file)
    assert again.front.status == "superseded"
    assert again.front.superseded_by == "0002-x.md"
    assert marked.split("\n---\n", 1)[1] == text.split("\n---\n", 1)[1]
    assert mark_superseded(marked, "0003-y.md", "r.md").count("superseded-by") == 1


def test_bad_records_are_input_errors() -> None:
    with pytest.raises(InputErrors, match="front matter"):
        parse_record("# no front matter\n", "0001-x.md")
    with pytest.raises(InputErrors, match="status"):
        parse_record("---\nstatus: maybe\n---\n", "0001-x.md")


def test_deeply_nested_evidence_is_an_input_error(example_record: tuple[Record, str]) -> None:
    """JSON nested 100,000 deep in the evidence block was a RecursionError in `check`."""
    record, text = example_record
    front, body = text.split("\n---\n", 1)
    fence = "```json stackfit-evidence\n"
    head = body[: body.index(fence) + len(fence)]
    deep = head + "[" * 100_000 + "]" * 100_000 + "\n```\n"
    with pytest.raises(InputErrors, match="stackfit-evidence block"):
        parse_record(front + "\n---\n" + deep, record.file)
    deep_object = head + '{"x": ' * 100_000 + "1" + "}" * 100_000 + "\n```\n"
    with pytest.raises(InputErrors, match="stackfit-evidence block"):
        parse_record(front + "\n---\n" + deep_object, record.file)


def _current(record: Record, snaps: dict[str, StackSnapshot], **changes: object) -> Current:
    m = record.machine
    requirements = as_requirements(core.load_inputs([builtin_stacks_dir()]).requirements)
    values: dict[str, object] = {
        "requirements": requirements,
        "requirements_sha": m.inputs.requirements.sha256,
        "stack_shas": {s.path: s.sha256 for s in m.inputs.stacks},
        "catalog": m.inputs.catalog,
        "snapshots": {s.path or "": s for s in snaps.values()},
        "version": m.version,
        "as_of": DAY,
    }
    values.update(changes)
    return Current(**values)  # type: ignore[arg-type]


def test_assess_classifies_changes(example_record: tuple[Record, str]) -> None:
    record, _ = example_record
    then = record.snapshots()
    same = assess(record, _current(record, then), Policy())
    assert same.outcome is Outcome.UNCHANGED
    assert not same.failed

    moved = assess(record, _current(record, then, requirements_sha="0" * 64), Policy())
    assert moved.outcome is Outcome.HOLDS
    assert moved.changed_inputs == ("requirements stackfit:stacks/requirements.yaml changed",)

    chosen = then["Databricks end to end"]
    fallen = chosen.model_copy(
        update={
            "row": chosen.row.model_copy(update={"rank": 2, "viable": False, "overall": 60.0}),
            "evidence": chosen.evidence.model_copy(update={"violations": ("must-have bi: no",)}),
        }
    )
    now = dict(then)
    now["Databricks end to end"] = fallen
    result = assess(record, _current(record, now), Policy())
    assert result.outcome is Outcome.CHANGED
    assert result.failed
    kinds = {f.kind: f.blocking for f in result.findings}
    assert kinds[Rule.NOT_VIABLE] is True
    assert kinds[Rule.RANK] is False
    assert kinds[Rule.SCORE_DROP] is False
    strict = assess(record, _current(record, now), Policy(fail_on=frozenset(Rule), threshold=5))
    assert all(f.blocking for f in strict.findings if f.kind in set(Rule))


def test_assess_notices_contracts_that_ended(example_record: tuple[Record, str]) -> None:
    record, _ = example_record
    result = assess(
        record, _current(record, record.snapshots(), as_of=dt.date(2027, 7, 1)), Policy()
    )
    assert [f.kind for f in result.findings] == ["contract-ended"]
    assert result.outcome is Outcome.HOLDS


def test_superseded_by_link_retires_a_record(example_record: tuple[Record, str]) -> None:
    record, _ = example_record
    newer = record.model_copy(
        update={
            "file": "0002-pick-a-platform.md",
            "front": record.front.model_copy(update={"supersedes": record.file}),
        }
    )
    assert [r.file for r in active([record, newer])] == ["0002-pick-a-platform.md"]
