"""JSON Schemas of the user file kinds, generated from the models (the single source of truth)."""

from __future__ import annotations

import json

from evaluator.models import MODEL_BY_KIND

KINDS = tuple(MODEL_BY_KIND)


def json_schema(kind: str) -> str:
    schema = MODEL_BY_KIND[kind].model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema.setdefault("title", f"stackfit {kind} file")
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"
