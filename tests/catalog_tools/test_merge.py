"""How imported landscape items are matched to tools the catalog already has."""

from __future__ import annotations

from evaluator.catalog_tools.landscape import LandscapeItem
from evaluator.catalog_tools.merge import _Index


def item(name: str, homepage: str | None, repo: str | None) -> LandscapeItem:
    return LandscapeItem(
        name=name,
        homepage=homepage,
        repo=repo,
        description="",
        license_text=None,
        vendor=None,
        line=1,
    )


def index_with_iceberg() -> _Index:
    index = _Index({}, {}, {}, {}, {}, {})
    index.add(
        "iceberg",
        "Apache Iceberg",
        "https://github.com/apache/iceberg",
        "https://iceberg.apache.org/",
    )
    return index


def test_a_shared_homepage_with_different_repositories_is_two_tools() -> None:
    """Origin: lfai-landscape.yml (a6d92b0) lists CouchDB with homepage https://iceberg.apache.org/."""
    couch = item("CouchDB", "https://iceberg.apache.org/", "https://github.com/apache/couchdb")
    assert index_with_iceberg().match(couch, "couchdb") is None


def test_a_shared_homepage_without_a_repository_is_the_same_tool() -> None:
    same = index_with_iceberg().match(
        item("Iceberg", "https://iceberg.apache.org/", None), "iceberg-x"
    )
    assert same is not None
    assert (same.tool, same.reason) == ("iceberg", "homepage")
