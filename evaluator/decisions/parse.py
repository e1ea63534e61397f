"""Read a decision record back: the front matter (safe YAML, positioned errors) and the evidence.

A record arrives in pull requests like any other input, so it is parsed with the same hostile-
input YAML reader as stack files and every problem becomes an ``InputError``.
"""

from __future__ import annotations

import json
import re

from pydantic import ValidationError

from evaluator.decisions.record import FrontMatter, Record
from evaluator.decisions.render import EVIDENCE_FENCE
from evaluator.decisions.snapshot import Evidence
from evaluator.errors import InputError, InputErrors
from evaluator.loading import messages as msg
from evaluator.loading.schema import schema_errors
from evaluator.loading.yamlsafe import parse_yaml

_FRONT_END = re.compile(r"^---[ \t]*$", re.MULTILINE)


def split_front_matter(text: str, name: str) -> tuple[str, str]:
    """The front matter (including its opening ``---`` so positions match the file) and the body."""
    if not text.startswith("---"):
        raise InputErrors([InputError(name, 1, 1, "", msg.RECORD_NO_FRONT_MATTER)])
    first_newline = text.find("\n")
    end = _FRONT_END.search(text, first_newline + 1) if first_newline >= 0 else None
    if end is None:
        raise InputErrors([InputError(name, 1, 1, "", msg.RECORD_NO_FRONT_MATTER)])
    return text[: end.start()], text[end.end() :]


def parse_front_matter(text: str, name: str) -> FrontMatter:
    front, _ = split_front_matter(text, name)
    parsed = parse_yaml(front, name)
    try:
        return FrontMatter.model_validate(parsed.data)
    except ValidationError as exc:
        raise InputErrors(schema_errors(exc, FrontMatter, name, parsed.positions)) from None


def parse_evidence(body: str, name: str) -> dict[str, Evidence]:
    start = body.find(EVIDENCE_FENCE + "\n")
    if start < 0:
        return {}
    start += len(EVIDENCE_FENCE) + 1
    end = body.find("\n```", start)
    if end < 0:
        raise InputErrors([InputError(name, None, None, "", msg.RECORD_BAD_EVIDENCE)])
    try:
        data = json.loads(body[start:end])
        if not isinstance(data, dict):
            raise ValueError("not an object")
        return {str(k): Evidence.model_validate(v) for k, v in data.items()}
    except (ValueError, ValidationError, RecursionError):
        # RecursionError: JSON nested thousands deep (json and pydantic both recurse).
        raise InputErrors([InputError(name, None, None, "", msg.RECORD_BAD_EVIDENCE)]) from None


def parse_record(text: str, file: str, display_name: str | None = None) -> Record:
    """``file`` is the record's file name (``0001-slug.md``); errors name ``display_name``."""
    name = display_name or file
    front = parse_front_matter(text, name)
    _, body = split_front_matter(text, name)
    return Record(file=file, front=front, evidence=parse_evidence(body, name))


_STATUS = re.compile(r"^status:.*$", re.MULTILINE)
_SUPERSEDED_BY = re.compile(r"^superseded-by:.*\n", re.MULTILINE)


def mark_superseded(text: str, by: str, name: str) -> str:
    """The record's text with status ``superseded`` and a ``superseded-by`` link; nothing else
    changes, so prose a person added to the record is kept."""
    front, body = split_front_matter(text, name)
    front = _SUPERSEDED_BY.sub("", front)
    front, count = _STATUS.subn(
        f"status: superseded\nsuperseded-by: {json.dumps(by)}", front, count=1
    )
    if count != 1:
        raise InputErrors([InputError(name, None, None, "status", msg.RECORD_NO_STATUS)])
    return front + "---" + body
