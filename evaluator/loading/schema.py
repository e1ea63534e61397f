"""Turn pydantic's validation errors into plain-worded ``InputError``s at the right line.

pydantic reports a ``loc`` (field names and list indices) and a machine ``type``; users need the
YAML line, the key path as they wrote it, and what to write instead. Knowing the model at each
``loc`` also lets us suggest the closest allowed key for a typo.
"""

from __future__ import annotations

import re
import types
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from evaluator.errors import InputError
from evaluator.loading import messages as msg
from evaluator.loading.yamlsafe import KeyPath, PositionMap
from evaluator.models import ID_PATTERN, TOOL_REF_PATTERN, VERSION_PATTERN, Tool

_EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "date_type": "a date (YYYY-MM-DD)",
    "date_parsing": "a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "a date (YYYY-MM-DD)",
    "date_from_datetime_inexact": "a date without a time (YYYY-MM-DD)",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "tuple_type": "a list",
    "list_type": "a list",
    "iterable_type": "a list",
}
_BOUNDS = {
    "greater_than_equal": ("ge", msg.TOO_SMALL),
    "greater_than": ("gt", msg.TOO_SMALL_STRICT),
    "less_than_equal": ("le", msg.TOO_BIG),
    "less_than": ("lt", msg.TOO_BIG_STRICT),
}
_URL_PATTERN = r"^https?://\S+$"
_LICENSE_PATTERN = str(Tool.model_fields["license"].metadata[0].pattern)
_PATTERN_MESSAGES = {
    ID_PATTERN: msg.BAD_ID,
    TOOL_REF_PATTERN: msg.BAD_TOOL_REF,
    VERSION_PATTERN: msg.BAD_VERSION,
    _URL_PATTERN: msg.BAD_URL,
    _LICENSE_PATTERN: msg.BAD_LICENSE,
}


def schema_errors(
    exc: ValidationError, model: type[BaseModel], file: str, positions: PositionMap
) -> list[InputError]:
    """One ``InputError`` per pydantic error, positioned and worded for a YAML author."""
    out = []
    hints = msg.Hints()
    for detail in exc.errors(include_url=False):
        loc = tuple(detail["loc"])
        at_key = bool(loc) and loc[-1] == "[key]"
        path: KeyPath = loc[:-1] if at_key else loc
        kind = detail["type"]
        at_key = at_key or kind == "extra_forbidden"
        message = _message(detail, model, path, hints)
        out.append(positions.error(file, path, message, at_key=at_key))
    return out


def _message(detail: ErrorDetails, model: type[BaseModel], path: KeyPath, hints: msg.Hints) -> str:
    kind, ctx, got = detail["type"], detail.get("ctx") or {}, detail.get("input")
    if kind == "extra_forbidden":
        return hints.unknown_key(str(path[-1]), allowed_keys(_type_at(model, path[:-1])))
    if kind == "missing":
        return msg.MISSING_KEY.format(key=path[-1])
    if kind in _EXPECTED:
        return _wrong_type(_EXPECTED[kind], got, _type_at(model, path))
    if kind in ("enum", "literal_error"):
        allowed = re.findall(r"'([^']*)'|(\d+)", str(ctx.get("expected", "")))
        return msg.NOT_ALLOWED.format(
            got=msg.show(got), allowed=msg.one_of(a or b for a, b in allowed)
        )
    if kind in _BOUNDS:
        key, template = _BOUNDS[kind]
        return template.format(limit=ctx.get(key), got=got)
    if kind == "too_short":
        if ctx.get("min_length") == 1:
            return msg.EMPTY_LIST
        return msg.TOO_FEW_ITEMS.format(limit=ctx.get("min_length"), got=ctx.get("actual_length"))
    if kind == "too_long":
        return msg.TOO_MANY_ITEMS.format(limit=ctx.get("max_length"), got=ctx.get("actual_length"))
    if kind == "string_too_long":
        length = len(got) if isinstance(got, str) else "?"
        return msg.TOO_LONG_TEXT.format(got=length, limit=ctx.get("max_length"))
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        template = _PATTERN_MESSAGES.get(pattern, msg.BAD_PATTERN)
        return template.format(got=msg.show(got), pattern=pattern)
    return msg.INVALID.format(message=detail["msg"].removeprefix("Value error, "))


def _wrong_type(expected: str, got: Any, target: Any) -> str:
    keys = allowed_keys(target)
    if expected == "a mapping" and keys:
        expected = f"a mapping with keys {', '.join(keys)}"
    message = msg.WRONG_TYPE.format(expected=expected, got=msg.describe(got))
    if expected == "text" and got is not None and not isinstance(got, list | dict):
        message += "; put it in quotes"
    return message


def allowed_keys(target: Any) -> list[str]:
    """The keys a YAML author may write for a model: aliases where the model has them."""
    if not (isinstance(target, type) and issubclass(target, BaseModel)):
        return []
    return sorted(f.alias or name for name, f in target.model_fields.items())


def _type_at(model: type[BaseModel], path: KeyPath) -> Any:
    """Follow ``path`` through the model's annotations; ``None`` when it leaves the schema."""
    current: Any = model
    for part in path:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            fields = {f.alias or n: f for n, f in current.model_fields.items()}
            field = fields.get(str(part)) or current.model_fields.get(str(part))
            if field is None:
                return None
            current = field.annotation
        elif get_origin(current) in (tuple, list) and isinstance(part, int):
            current = get_args(current)[0]
        elif get_origin(current) is dict:
            current = get_args(current)[1]
        else:
            return None
    return _unwrap(current)


def _unwrap(tp: Any) -> Any:
    """Strip ``Annotated`` and ``X | None`` so the interesting type is left."""
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
        elif origin in (Union, types.UnionType):
            rest = [a for a in get_args(tp) if a is not type(None)]
            if len(rest) != 1:
                return tp
            tp = rest[0]
        else:
            return tp
