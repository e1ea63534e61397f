"""Fingerprints of the inputs a decision rests on.

Each input is fingerprinted by the sha256 of the canonical JSON of its validated model (sorted
keys, no whitespace), not of its bytes: re-indenting a file, reordering keys or editing a comment
changes nothing a score depends on, so it must not make a decision look stale. Fields left at
their defaults are left out, so a later stackfit that adds an optional field to a file format
(with a default that changes nothing) keeps every fingerprint as it was.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from evaluator.catalog import Catalog
from evaluator.models import Requirements, Stack


def canonical_json(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_of(data: Any) -> str:
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()


def model_fingerprint(model: BaseModel) -> str:
    return sha256_of(model.model_dump(mode="json", by_alias=True, exclude_defaults=True))


def taxonomy_fingerprint(catalog: Catalog) -> str:
    """Capabilities, formats, standards and regulations: the vocabulary every score uses."""
    sections: dict[str, Mapping[str, BaseModel]] = {
        "capabilities": catalog.capabilities,
        "formats": catalog.formats,
        "standards": catalog.standards,
        "regulations": catalog.regulations,
    }
    return sha256_of(
        {
            name: {
                k: v.model_dump(mode="json", by_alias=True, exclude_defaults=True)
                for k, v in sorted(entries.items())
            }
            for name, entries in sections.items()
        }
    )


def tools_involved(requirements: Requirements, stacks: list[Stack]) -> list[str]:
    """Tools of every considered stack, plus those the requirements name (existing, avoided)."""
    ids = {t for s in stacks for t in s.tools}
    ids |= {e.tool for e in requirements.existing}
    ids |= set(requirements.avoid.tools)
    return sorted(ids)


def tool_fingerprints(catalog: Catalog, ids: list[str]) -> dict[str, str]:
    """The fingerprint of each catalog entry; an id the catalog no longer has maps to ``absent``."""
    return {i: model_fingerprint(catalog.tools[i]) if i in catalog.tools else ABSENT for i in ids}


ABSENT = "absent"
