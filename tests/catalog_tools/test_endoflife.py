"""endoflife.date product files (two real ones, copied unchanged) to a lifecycle section."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from evaluator.catalog_tools.endoflife import plan_lifecycle, read_products
from evaluator.catalog_tools.layers import load_layers
from evaluator.cli import app
from evaluator.models import CatalogFile
from tests.catalog_tools.helpers import SHARED_DATA

HERE = Path(__file__).resolve().parent / "endoflife"
AS_OF = dt.date(2026, 8, 22)


def test_cycles_dates_estimates_and_matching() -> None:
    products = read_products(HERE)
    report, entries = plan_lifecycle(products, load_layers(), source="excerpt", as_of=AS_OF)
    assert report.matched == [("amazon-msk", "aws-msk", "alias"), ("apache-spark", "spark", "purl")]
    spark = next(e for e in entries if e["tool"] == "spark")
    assert spark["source"] == "https://endoflife.date/apache-spark"
    assert spark["policy"] == "https://spark.apache.org/versioning-policy.html"
    cycles = {c["cycle"]: c for c in spark["cycles"]}
    assert cycles["3.4"] == {
        "cycle": "3.4",
        "released": dt.date(2023, 4, 7),
        "eol": dt.date(2024, 10, 21),
        "latest": "3.4.4",
    }
    assert cycles["3.5"]["lts"] is True
    assert cycles["4.0"]["estimated"] is True  # "eol: 2026-11-23 # estimated"
    msk = next(e for e in entries if e["tool"] == "aws-msk")
    assert any(c["eol"] is False for c in msk["cycles"])


def test_cli_writes_a_valid_catalog_file(tmp_path: Path) -> None:
    out = tmp_path / "lifecycle.yaml"
    result = CliRunner().invoke(
        app, ["catalog", "import", "endoflife", str(HERE), "-o", str(out), "--as-of", "2026-08-22"]
    )
    assert result.exit_code == 0, result.stderr
    rows = [line.split() for line in result.stdout.splitlines()]
    assert ["apache-spark", "spark", "purl"] in rows
    catalog = CatalogFile.model_validate(yaml.safe_load(out.read_text()))
    assert [e.tool for e in catalog.lifecycle] == ["aws-msk", "spark"]


@pytest.mark.skipif(not (SHARED_DATA / "endoflife").is_dir(), reason="needs the shared data")
def test_shipped_lifecycle_is_the_import_of_the_shared_data(tmp_path: Path) -> None:
    out = tmp_path / "lifecycle.yaml"
    args = ["catalog", "import", "endoflife", str(SHARED_DATA / "endoflife"), "-o", str(out)]
    result = CliRunner().invoke(app, [*args, "--as-of", "2026-08-22"])
    assert result.exit_code == 0, result.stderr
    shipped = Path(__file__).resolve().parents[2] / "catalog" / "lifecycle.yaml"
    assert out.read_text() == shipped.read_text()
