"""Shared fixtures: the tests folder, and a small stable catalog to check inputs against.

Tests use their own catalog rather than the shipped one so that expected error texts (with their
"did you mean" suggestions) do not change whenever the shipped catalog grows.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from evaluator.catalog import Catalog, CatalogLayer, build_catalog, load_layer
from evaluator.loading.files import load_document

# Hypothesis profiles: "ci" keeps the README's test command within two minutes on two cores;
# "thorough" is the documented long run (HYPOTHESIS_PROFILE=thorough python -m pytest).
settings.register_profile("ci", max_examples=60)
settings.register_profile("thorough", max_examples=600)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

TESTS_DIR = Path(__file__).resolve().parent
INPUTS = TESTS_DIR / "inputs"
MINI_CATALOG_DIR = INPUTS / "valid" / "catalog"


def display(path: Path) -> str:
    """File names in expected output are relative to the tests folder, so they are stable."""
    return path.resolve().relative_to(TESTS_DIR).as_posix()


def count_calls(monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> list[int]:
    """Wrap ``owner.name`` so that the returned one-item list counts its calls. Tests of "fast"
    refusals measure work done this way: a wall-clock bound flakes on a loaded machine."""
    original = getattr(owner, name)
    calls = [0]

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def mini_layer() -> CatalogLayer:
    layer, errors = load_layer(MINI_CATALOG_DIR, "test")
    assert not errors, errors
    documents = tuple(
        load_document(doc.path, display_name=display(doc.path)) for doc in layer.documents
    )
    return CatalogLayer("test", documents)


@pytest.fixture(scope="session")
def mini_catalog() -> Catalog:
    return build_catalog([mini_layer()])


@pytest.fixture(autouse=True, scope="session")
def _private_parse_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Tests neither read nor fill the user's parse cache."""
    folder = tmp_path_factory.mktemp("stackfit-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("STACKFIT_CACHE_DIR", str(folder))
        patch.delenv("STACKFIT_NO_CACHE", raising=False)
        yield
