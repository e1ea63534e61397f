"""JSON Schemas of the user file kinds, generated from the models (the single source of truth).

Two documented short forms are read by before-validators, which pydantic's schema cannot see:
a bare number as a capability's weight (``transformation: 4``) and a bare tool id as a native
integration (``integrations: [spark]``). Without them in the schema, editors flagged valid
files ("4 is not of type 'object'"), so each is added beside the long form it stands for.
"""

from __future__ import annotations

import json
from typing import Any

from evaluator.models import MODEL_BY_KIND

KINDS = tuple(MODEL_BY_KIND)


def json_schema(kind: str) -> str:
    schema = MODEL_BY_KIND[kind].model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema.setdefault("title", f"stackfit {kind} file")
    if kind == "requirements":
        _short_form(schema, schema["properties"]["capabilities"], "Need", "weight")
    if kind == "catalog":
        integrations = schema["$defs"]["Tool"]["properties"]["integrations"]
        _short_form(schema, integrations, "Integration", "tool")
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def _short_form(schema: dict[str, Any], container: dict[str, Any], model: str, field: str) -> None:
    """Where ``container`` holds ``model`` objects (as items, or as mapping values), also
    accept a bare value of the model's ``field``, which the model reads as that field."""
    ref = {"$ref": f"#/$defs/{model}"}
    bare = dict(schema["$defs"][model]["properties"][field])
    bare.pop("default", None)
    bare["title"] = f"{bare.get('title', field)} (short form)"
    either = {"anyOf": [bare, ref]}
    for key in ("items", "additionalProperties"):
        if container.get(key) == ref:
            container[key] = either
    patterns = container.get("patternProperties", {})
    for name, item in patterns.items():
        if item == ref:
            patterns[name] = either
