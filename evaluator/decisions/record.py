"""The decision record as data: MADR front matter plus stackfit's machine-readable block.

The Markdown around it is for people (``render``); this model is what ``check`` trusts. Field
names here are part of the record format: add fields freely, bump ``FORMAT_VERSION`` when one is
renamed or removed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from evaluator.decisions.snapshot import Evidence, ScoreRow, StackSnapshot

FORMAT_VERSION = 1
BUILTIN_PREFIX = "stackfit:"
"""Inputs shipped inside stackfit (the example stacks) are named ``stackfit:stacks/<file>``."""

RECORD_NAME = re.compile(r"^(\d{4})-([a-z0-9-]+)\.md$")


class Status(StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    SUPERSEDED = "superseded"
    DEPRECATED = "deprecated"


ACTIVE = frozenset({Status.PROPOSED, Status.ACCEPTED})


class RecordModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class InputFile(RecordModel):
    path: str
    sha256: str


class StackInput(RecordModel):
    name: str
    path: str
    sha256: str


class CatalogInputs(RecordModel):
    dirs: tuple[str, ...] = ()
    taxonomy: str
    tools: dict[str, str]


class RecordInputs(RecordModel):
    requirements: InputFile
    stacks: tuple[StackInput, ...]
    catalog: CatalogInputs


class Machine(RecordModel):
    """stackfit's own block in the front matter."""

    format: int
    version: str
    title: str
    question: str
    as_of: dt.date
    chosen: str
    top_ranked: str
    because: str | None = None
    inputs: RecordInputs
    scores: tuple[ScoreRow, ...]


class FrontMatter(RecordModel):
    status: Status
    date: dt.date
    decision_makers: tuple[str, ...] = Field(default=(), alias="decision-makers")
    consulted: tuple[str, ...] = ()
    informed: tuple[str, ...] = ()
    supersedes: str | None = None
    superseded_by: str | None = Field(default=None, alias="superseded-by")
    stackfit: Machine


class Record(RecordModel):
    """A parsed record: its file name, its front matter and the evidence block."""

    file: str
    front: FrontMatter
    evidence: dict[str, Evidence]

    @property
    def number(self) -> int:
        match = RECORD_NAME.match(self.file)
        return int(match.group(1)) if match else 0

    @property
    def machine(self) -> Machine:
        return self.front.stackfit

    def snapshots(self) -> dict[str, StackSnapshot]:
        """The recorded stacks by name, with the path each was read from."""
        paths = {s.name: s.path for s in self.machine.inputs.stacks}
        return {
            row.stack: StackSnapshot(
                path=paths.get(row.stack),
                row=row,
                evidence=self.evidence.get(row.stack, Evidence()),
            )
            for row in self.machine.scores
        }

    def chosen_path(self) -> str | None:
        for s in self.machine.inputs.stacks:
            if s.name == self.machine.chosen:
                return s.path
        return None


def slugify(title: str, limit: int = 60) -> str:
    """A file-name slug: lowercase ASCII words joined by '-' (``decision`` when none are left).

    Accents are dropped (``Sélection`` -> ``selection``). Letters with no ASCII form (``データ
    基盤の選定``) cannot be spelled, so a short hash of the title is added whenever any were
    dropped: two different Japanese titles must not both become ``decision``, since the slug
    is the question a new record supersedes."""
    folded = "".join(
        c for c in unicodedata.normalize("NFKD", title) if not unicodedata.combining(c)
    ).lower()
    words = re.findall(r"[a-z0-9]+", folded)
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > limit:
            break
        slug = candidate
    slug = slug or (words[0][:limit] if words else "decision")
    if any(c.isalnum() and not c.isascii() for c in folded):
        digest = hashlib.sha256(title.strip().encode("utf-8")).hexdigest()[:8]
        slug = f"{slug[: limit - 9].rstrip('-')}-{digest}"
    return slug


def record_name(number: int, slug: str) -> str:
    return f"{number:04d}-{slug}.md"
