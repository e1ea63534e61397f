"""The HTML report: everything the JSON says is on the page, nothing from a file becomes markup,
the page asks for nothing over the network, and a real browser (headless Chromium) opens it with
no console message and no request."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest

from evaluator import app as core
from evaluator import robustness as rb
from evaluator.reporting import Format, html, render_comparison
from evaluator.scoring.results import Comparison

AS_OF = dt.date(2026, 11, 26)
ROOT = Path(__file__).resolve().parents[2]


@cache
def shipped() -> tuple[Comparison, core.Inputs]:
    inputs = core.load_inputs([ROOT / "stacks"])
    return core.compare_inputs(inputs, today=AS_OF), inputs


@cache
def page() -> str:
    comparison, inputs = shipped()
    robust = rb.analyse(comparison, samples=2_000, seed=rb.DEFAULT_SEED, fragile_below=0.5)
    return html.render(comparison, inputs.catalog, robust, version="test")


class _Text(HTMLParser):
    """The page's text, split by the article it is in (one per stack)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: dict[str, list[str]] = {"": []}
        self.article = ""
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article":
            self.article = dict(attrs).get("id") or ""
            self.parts[self.article] = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.article = ""

    def handle_data(self, data: str) -> None:
        self.parts[self.article].append(data)
        if self.article:
            self.parts[""].append(data)


def texts(markup: str) -> dict[str, str]:
    parser = _Text()
    parser.feed(markup)
    return {k: " ".join(" ".join(v).split()) for k, v in parser.parts.items()}


def _norm(text: str) -> str:
    return " ".join(text.split())


def one_decimal(value: float) -> str:
    from evaluator.reporting.common import num

    return num(value)


def test_every_stack_score_and_reason_of_the_json_is_on_the_page() -> None:
    comparison, _ = shipped()
    data = json.loads(render_comparison(comparison, Format.JSON))
    parts = texts(page())
    whole = parts[""]
    for a in data["assumptions"]:
        assert _norm(a) in whole
    for i, (ranked, live) in enumerate(zip(data["stacks"], comparison.stacks, strict=True), 1):
        e = ranked["evaluation"]
        text = parts[f"stack-{i}"]
        assert text.startswith(f"{ranked['rank']}. {e['name']}")
        assert e["name"] in whole
        for key in ("fit", "glue", "lock_in", "cost", "overall"):
            for c in e[key]["contributions"]:
                assert _norm(c["reason"]) in text, (e["name"], key, c["reason"])
                assert c["key"] in text
            # Numbers as the page prints them (one decimal), from the unrounded values: the
            # JSON's two decimals rounded again could differ in the last digit.
            score = getattr(live.evaluation, key)
            assert f"{key.replace('_', '-')}: {one_decimal(score.value)}".lower() in text.lower()
            for c in score.contributions:
                assert one_decimal(c.points) in text
        assert one_decimal(live.evaluation.glue_person_days) in text
        for v in (*e["violations"], *e.get("pending", [])):
            assert _norm(v["message"]) in text
        for fact in e.get("unverified", []):
            assert _norm(fact) in text
        for risk in e.get("risks", []):
            assert _norm(risk["message"]) in text
        for note in e["notes"]:
            assert _norm(note) in text
        for tool in e["tools"]:
            assert tool in text


def test_the_capability_matrix_names_every_owner_and_idle_tool() -> None:
    comparison, _ = shipped()
    matrix = page().split('<section id="matrix">')[1].split("</section>")[0]
    for r in comparison.stacks:
        for tool in {t for t in r.evaluation.owners.values() if t}:
            assert f">{tool} <" in matrix
        for tool in r.evaluation.idle:
            assert tool in matrix


def test_same_inputs_give_the_same_bytes() -> None:
    comparison, inputs = shipped()
    robust = rb.analyse(comparison, samples=2_000, seed=rb.DEFAULT_SEED, fragile_below=0.5)
    assert html.render(comparison, inputs.catalog, robust, version="test") == page()


def test_the_page_loads_nothing() -> None:
    markup = page()
    for banned in ("<script", "<link", "<img", "<iframe", "<object", "<embed", "@import", "src="):
        assert banned not in markup.lower()
    assert "url(http" not in markup
    # Every link is in-page or one the reader clicks (a price source), never loaded by itself.
    for tag, href in re.findall(r"<(\w+)[^>]*\shref=\"([^\"]*)\"", markup):
        assert tag == "a", (tag, href)
        assert href.startswith(("#", "https://", "http://")), href
    # The only URLs in SVG are the SVG namespace and local markers.
    for url in re.findall(r"url\(([^)]*)\)", markup):
        assert url.startswith("#"), url


HOSTILE = "<script>alert(1)</script>\"'&\u202e\n<img src=x onerror=alert(2)>"


def test_names_reasons_and_sources_from_files_stay_text() -> None:
    comparison, inputs = shipped()
    first = comparison.stacks[0]
    e = first.evaluation
    fit = e.fit.model_copy(
        update={
            "contributions": (
                e.fit.contributions[0].model_copy(update={"reason": HOSTILE, "key": HOSTILE}),
                *e.fit.contributions[1:],
            )
        }
    )
    hostile_eval = e.model_copy(update={"name": HOSTILE, "fit": fit, "notes": (HOSTILE,)})
    hostile = comparison.model_copy(
        update={
            "requirements": HOSTILE,
            "assumptions": (HOSTILE,),
            "stacks": (
                first.model_copy(update={"evaluation": hostile_eval}),
                *comparison.stacks[1:],
            ),
        }
    )
    markup = html.render(hostile, inputs.catalog, None)
    assert "<script" not in markup
    assert "<img" not in markup
    assert "\u202e" not in markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup
    assert "\\u202e" in markup


def test_a_source_that_is_not_a_web_address_is_not_a_link() -> None:
    assert html._href("javascript:alert(1)") is None
    assert html._href("https://example.com/pricing") == "https://example.com/pricing"


# ----------------------------------------------------------------------------- in a browser

CHROMIUM = next(
    (shutil.which(n) for n in ("chromium", "chromium-browser") if shutil.which(n)), None
)


def open_in_chromium(path: Path, work: Path) -> tuple[str, list[str], list[str]]:
    """Load ``path`` in headless Chromium with every connection sent to a closed proxy port.
    Returns the DOM, the console messages, and the URLs the page asked the network for (from
    Chromium's own NetLog: requests whose top frame is the file, so browser housekeeping such as
    update checks does not count)."""
    net = work / "net.json"
    done = subprocess.run(
        [
            CHROMIUM or "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--enable-logging=stderr",
            "--v=0",
            "--proxy-server=127.0.0.1:9",
            f"--user-data-dir={work / 'profile'}",
            f"--log-net-log={net}",
            "--dump-dom",
            path.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    log = json.loads(net.read_text(encoding="utf-8"))
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    requests = [
        event["params"]["url"]
        for event in log["events"]
        if event["type"] == start
        and "file://" in str(event.get("params", {}).get("network_isolation_key", ""))
    ]
    return done.stdout, console, requests


def need_chromium() -> None:
    """Skip without Chromium, unless the run requires it (CI sets STACKFIT_REQUIRE_CHROMIUM=1)."""
    if CHROMIUM is None:
        if os.environ.get("STACKFIT_REQUIRE_CHROMIUM", "") not in ("", "0"):
            pytest.fail("chromium is required (STACKFIT_REQUIRE_CHROMIUM) but not installed")
        pytest.skip("chromium is not installed (.ci/run installs it)")


def test_chromium_opens_the_report_with_no_console_message_and_no_request(tmp_path: Path) -> None:
    need_chromium()
    report = tmp_path / "report.html"
    report.write_text(page(), encoding="utf-8")
    dom, console, requests = open_in_chromium(report, tmp_path / "a")
    assert "Stack comparison: Retail bank" in dom
    assert dom.count("<svg") == page().count("<svg") >= 7
    assert console == []
    assert requests == []


def test_the_browser_check_sees_a_request_and_a_console_error(tmp_path: Path) -> None:
    """The check above must be able to fail: a page that fetches an image and logs an error."""
    need_chromium()
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!DOCTYPE html><html><body><img src="http://stackfit.invalid/x.png">'
        '<script>console.error("boom")</script></body></html>',
        encoding="utf-8",
    )
    _, console, requests = open_in_chromium(bad, tmp_path / "b")
    assert any("boom" in line for line in console)
    assert requests == ["http://stackfit.invalid/x.png"]


def test_a_stack_pending_verification_says_so_and_names_the_facts() -> None:
    from evaluator.scoring.results import Violation

    comparison, inputs = shipped()
    first = comparison.stacks[0]
    pending = Violation(
        gate="sensitivity", subject="databricks", message="audit on databricks: unknown"
    )
    e = first.evaluation.model_copy(
        update={"pending": (pending,), "unverified": ("databricks governance.audit: unknown",)}
    )
    c = comparison.model_copy(
        update={"stacks": (first.model_copy(update={"evaluation": e}), *comparison.stacks[1:])}
    )
    text = texts(html.render(c, inputs.catalog, None))["stack-1"]
    assert "viable pending verification" in text
    assert "sensitivity (to verify): audit on databricks: unknown" in text
    assert "databricks governance.audit: unknown" in text


def _situations() -> list[tuple[Comparison, core.Inputs]]:
    out = [shipped()]
    for folder in sorted((ROOT / "stacks" / "situations").iterdir()):
        if folder.is_dir():
            inputs = core.load_inputs([folder])
            out.append((core.compare_inputs(inputs, today=AS_OF), inputs))
    return out


NODE_RECT = re.compile(
    r'<g class="node[^"]*">.*?<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"'
)


def test_diagram_boxes_never_overlap_and_stay_inside_the_picture() -> None:
    from evaluator.reporting.flow import flow_of
    from evaluator.reporting.html import svg

    checked = 0
    for comparison, inputs in _situations():
        order = {c.id: c.order or 0 for c in inputs.catalog.stages_in_order()}
        for r in comparison.stacks:
            flow = flow_of(r.evaluation)
            markup = svg.diagram(flow, order, {}, ident="t", title="t")
            w, h = (
                float(v) for v in re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', markup).groups()
            )
            boxes = [tuple(map(float, m)) for m in NODE_RECT.findall(markup)]
            assert len(boxes) == len(flow.tools)
            for i, (x, y, bw, bh) in enumerate(boxes):
                assert min(x, y) >= 0, (r.evaluation.name, x, y)
                assert (x + bw <= w, y + bh <= h) == (True, True), (r.evaluation.name, x, y)
                for x2, y2, bw2, bh2 in boxes[i + 1 :]:
                    apart = x + bw <= x2 or x2 + bw2 <= x or y + bh <= y2 or y2 + bh2 <= y
                    assert apart, (r.evaluation.name, (x, y), (x2, y2))
            checked += 1
    assert checked >= 12
