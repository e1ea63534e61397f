"""Parse untrusted YAML into plain data plus the line and column of every value.

Why not ``yaml.safe_load``: it loses positions, it silently keeps the last of two duplicate keys,
and it expands aliases without limit (a few hundred bytes can become gigabytes). Here libyaml
composes a node graph (linear in the input, aliases stay shared) and we build the data ourselves,
counting every node we expand, so a hostile file is refused quickly and with bounded memory.
"""

from __future__ import annotations

import codecs
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from evaluator.errors import InputError, InputErrors
from evaluator.loading import messages as msg

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - only without libyaml
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_BYTES = 5 * 1024 * 1024
"""Largest file accepted; the whole shipped catalog is a few hundred KiB."""
MAX_NODES = 100_000
"""Most values a file may expand to, aliases counted each time they are used."""
MAX_DEPTH = 64
"""Deepest nesting accepted; our formats need fewer than 10 levels."""

KeyPath = tuple[str | int, ...]
Position = tuple[int, int]

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = frozenset(_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp"))
_SCALAR_WHAT = {
    _TAG + "int": "a whole number",
    _TAG + "float": "a number",
    _TAG + "timestamp": "a date",
    _TAG + "bool": "true or false",
}
_SCALAR_SPELLING = {
    _TAG + "int": "write digits, such as 42",
    _TAG + "float": "write a number, such as 0.5",
    _TAG + "timestamp": "write a date as YYYY-MM-DD",
    _TAG + "bool": "YAML booleans are true/false, yes/no or on/off",
}
_MERGE_TAG = _TAG + "merge"


def format_path(path: KeyPath) -> str:
    """``('tools', 3, 'capabilities')`` -> ``tools[3].capabilities``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


@dataclass(frozen=True)
class PositionMap:
    """1-based (line, column) of each key and each value, by key path."""

    keys: Mapping[KeyPath, Position]
    values: Mapping[KeyPath, Position]

    def locate(self, path: KeyPath, *, at_key: bool = False) -> Position | None:
        """Where to point for ``path``; a path that is not in the file (a missing key) points at
        the nearest enclosing entry, so the user lands where the key should be added."""
        if at_key and path in self.keys:
            return self.keys[path]
        if path in self.values:
            return self.values[path]
        for end in range(len(path) - 1, -1, -1):
            prefix = path[:end]
            found = self.keys.get(prefix) or self.values.get(prefix)
            if found:
                return found
        return None

    def error(self, file: str, path: KeyPath, message: str, *, at_key: bool = False) -> InputError:
        line, column = self.locate(path, at_key=at_key) or (None, None)
        return InputError(file, line, column, format_path(path), message)


@dataclass(frozen=True)
class ParsedYaml:
    data: dict[str, Any]
    positions: PositionMap
    nodes: int = 0
    """Values expanded while building (what ``max_nodes`` bounds); the cache checks it."""


def read_yaml(
    path: Path,
    display_name: str,
    *,
    max_bytes: int = MAX_BYTES,
    max_nodes: int = MAX_NODES,
) -> ParsedYaml:
    """Read and parse one file, raising ``InputErrors`` for anything but a YAML mapping."""
    from evaluator.fsutil import RefusedFile, read_regular

    try:
        raw = read_regular(path, max_bytes)
    except RefusedFile as exc:
        if exc.size is not None:
            raise _fail(display_name, _too_large(exc.size, max_bytes)) from None
        raise _fail(display_name, msg.CANNOT_READ.format(reason=exc.strerror)) from None
    except OSError as exc:
        raise _fail(display_name, msg.CANNOT_READ.format(reason=exc.strerror or exc)) from None
    from evaluator.loading import cache

    cached = cache.load(raw, max_nodes=max_nodes)
    if cached is not None:
        return cached
    parsed = parse_yaml(decode(raw, display_name), display_name, max_nodes=max_nodes)
    cache.store(raw, parsed)
    return parsed


def decode(raw: bytes, display_name: str) -> str:
    """UTF-8 text (a BOM is allowed) or an error; NUL bytes mean the file is not text at all."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _fail(display_name, msg.NOT_UTF8.format(byte=raw[0]))
    if b"\x00" in raw:
        raise _fail(display_name, msg.BINARY)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        line = raw.count(b"\n", 0, exc.start) + 1
        column = len(raw[line_start : exc.start].decode("utf-8", errors="replace")) + 1
        message = msg.NOT_UTF8.format(byte=raw[exc.start])
        raise InputErrors([InputError(display_name, line, column, "", message)]) from None


def parse_yaml(text: str, display_name: str, *, max_nodes: int = MAX_NODES) -> ParsedYaml:
    """Parse one YAML document that must be a mapping; all problems are raised together."""
    try:
        _check_depth(text, display_name)
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        if "nesting depth" in (exc.problem or ""):
            # libyaml 0.2.5+ (PyYAML 6.0.4 wheels) caps flow nesting itself while scanning ahead,
            # before the depth check sees the events: the same refusal, in our words.
            mark = exc.problem_mark
            line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
            message = msg.TOO_DEEP.format(limit=MAX_DEPTH)
            raise InputErrors([InputError(display_name, line, column, "", message)]) from None
        raise InputErrors([_syntax_error(exc, display_name)]) from None
    except yaml.reader.ReaderError as exc:
        raise InputErrors([_reader_error(exc, text, display_name)]) from None
    except RecursionError:  # pragma: no cover - pure-Python parser only; libyaml caps nesting
        raise _fail(display_name, msg.TOO_DEEP.format(limit=MAX_DEPTH)) from None
    if root is None or (isinstance(root, ScalarNode) and root.tag == _TAG + "null"):
        raise _fail(display_name, msg.EMPTY)
    builder = _Builder(display_name, max_nodes)
    try:
        data = builder.build(root, (), 0)
    except _Abort as abort:
        raise InputErrors([abort.error]) from None
    if not isinstance(root, MappingNode):
        line, column = _position(root)
        got = msg.describe(data)
        builder.errors.append(
            InputError(display_name, line, column, "", msg.TOP_NOT_MAPPING.format(got=got))
        )
    if builder.errors:
        raise InputErrors(builder.errors)
    assert isinstance(data, dict)
    return ParsedYaml(data, PositionMap(builder.keys, builder.values), builder.visits)


_OPEN = frozenset({yaml.MappingStartEvent, yaml.SequenceStartEvent})
_CLOSE = frozenset({yaml.MappingEndEvent, yaml.SequenceEndEvent})


def _check_depth(text: str, display_name: str) -> None:
    """Refuse deep nesting before composing: libyaml composes recursively in C, and some ten
    thousand nested '[' (one byte each) overflow the C stack and kill the process outright. The
    event stream is flat, so counting depth on it is safe; the builder's limit (MAX_DEPTH levels
    below the top mapping) is the same one, this only applies it earlier."""
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        kind = type(event)
        if kind in _OPEN:
            depth += 1
            if depth > MAX_DEPTH + 1:
                mark = event.start_mark
                line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
                message = msg.TOO_DEEP.format(limit=MAX_DEPTH)
                raise InputErrors([InputError(display_name, line, column, "", message)])
        elif kind in _CLOSE:
            depth -= 1


# ----------------------------------------------------------------------------- building


_STR_TAG = _TAG + "str"


class _Abort(Exception):
    """Stops building at once: continuing could take unbounded time or memory."""

    def __init__(self, error: InputError) -> None:
        super().__init__(str(error))
        self.error = error


class _Builder:
    """Turns composed nodes into dicts, lists and scalars, recording positions on the way."""

    def __init__(self, file: str, max_nodes: int) -> None:
        self.file = file
        self.max_nodes = max_nodes
        self.visits = 0
        self.keys: dict[KeyPath, Position] = {}
        self.values: dict[KeyPath, Position] = {}
        self.errors: list[InputError] = []
        self.constructor = SafeConstructor()

    def error(self, node: Node, path: KeyPath, message: str) -> InputError:
        line, column = _position(node)
        return InputError(self.file, line, column, format_path(path), message)

    def build(self, node: Node, path: KeyPath, depth: int) -> Any:
        self.visits += 1
        if self.visits > self.max_nodes:
            raise _Abort(self.error(node, (), msg.TOO_MANY_NODES.format(limit=self.max_nodes)))
        if depth > MAX_DEPTH:
            raise _Abort(self.error(node, (), msg.TOO_DEEP.format(limit=MAX_DEPTH)))
        self.values[path] = _position(node)
        if isinstance(node, ScalarNode):
            return self.scalar(node, path)
        if isinstance(node, SequenceNode) and node.tag == _TAG + "seq":
            return [self.build(child, (*path, i), depth + 1) for i, child in enumerate(node.value)]
        if isinstance(node, MappingNode) and node.tag == _TAG + "map":
            return self.mapping(node, path, depth)
        self.errors.append(self.error(node, path, _unsupported(node)))
        return None

    def scalar(self, node: ScalarNode, path: KeyPath) -> Any:
        if node.tag == _STR_TAG:
            return node.value  # what SafeConstructor would return; most values are strings
        if node.tag not in _SCALAR_TAGS:
            self.errors.append(self.error(node, path, _unsupported(node)))
            return None
        construct = SafeConstructor.yaml_constructors[node.tag]
        try:
            return construct(self.constructor, node)
        except (ValueError, OverflowError, yaml.YAMLError) as exc:
            reason = str(exc)
        except (KeyError, AttributeError, IndexError, TypeError):
            # PyYAML's constructors assume the resolver already matched the value's shape, which
            # an explicit tag skips: '!!bool maybe' is a KeyError there, '!!int' an IndexError.
            reason = _SCALAR_SPELLING.get(node.tag, "it is not written as one")
        what = _SCALAR_WHAT.get(node.tag, "a value")
        message = msg.BAD_SCALAR.format(value=msg.show(node.value), what=what, reason=reason)
        self.errors.append(self.error(node, path, message))
        return None

    def mapping(self, node: MappingNode, path: KeyPath, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        merges = [value for key, value in node.value if key.tag == _MERGE_TAG]
        # Earlier merge sources win over later ones, explicit keys over all of them (YAML 1.1).
        here = self.values[path]
        for source in reversed(self.merge_sources(merges, path)):
            # depth + 1: a mapping that merges itself (&r {<<: *r}) must reach the depth limit
            result.update(self.build(source, path, depth + 1))
        self.values[path] = here
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                continue
            key = self.key(key_node, path)
            if key is None:
                continue
            if key in first_line:
                message = msg.DUPLICATE_KEY.format(key=key, first_line=first_line[key])
                self.errors.append(self.error(key_node, (*path, key), message))
                continue
            first_line[key] = _position(key_node)[0]
            self.keys[(*path, key)] = _position(key_node)
            result[key] = self.build(value_node, (*path, key), depth + 1)
        return result

    def merge_sources(self, merges: list[Node], path: KeyPath) -> list[Node]:
        sources: list[Node] = []
        for value in merges:
            items = value.value if isinstance(value, SequenceNode) else [value]
            for item in items:
                if isinstance(item, MappingNode):
                    sources.append(item)
                else:
                    self.errors.append(self.error(item, path, msg.BAD_MERGE))
        return sources

    def key(self, node: Node, path: KeyPath) -> str | None:
        self.visits += 1
        if isinstance(node, ScalarNode):
            known = len(self.errors)
            key = self.scalar(node, path)
            if isinstance(key, str):
                return key
            if len(self.errors) > known:
                return None  # the scalar itself was unreadable, and that is already reported
            got = msg.describe(key)
        else:
            got = "a list" if isinstance(node, SequenceNode) else "a mapping"
        self.errors.append(self.error(node, path, msg.NON_STRING_KEY.format(got=got)))
        return None


# ----------------------------------------------------------------------------- errors


def _position(node: Node) -> Position:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _unsupported(node: Node) -> str:
    tag = str(node.tag)
    return msg.UNSUPPORTED_TAG.format(
        tag="!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag
    )


def _fail(display_name: str, message: str) -> InputErrors:
    return InputErrors([InputError(display_name, None, None, "", message)])


def _too_large(size: int, limit: int) -> str:
    return msg.TOO_LARGE.format(size=size / msg.MIB, limit=limit / msg.MIB)


def _syntax_error(exc: yaml.MarkedYAMLError, display_name: str) -> InputError:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
    context = exc.context or ""
    if context.startswith("expected a single document"):
        return InputError(display_name, line, column, "", msg.MORE_THAN_ONE_DOCUMENT)
    message = msg.YAML_SYNTAX.format(problem=exc.problem or context)
    if exc.problem and context and exc.context_mark and exc.context_mark.line + 1 != line:
        message += msg.YAML_CONTEXT.format(context=context, line=exc.context_mark.line + 1)
    return InputError(display_name, line, column, "", message)


def _reader_error(exc: yaml.reader.ReaderError, text: str, display_name: str) -> InputError:
    position = min(max(exc.position, 0), len(text))
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    char = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)
    message = msg.BAD_CHARACTER.format(reason=exc.reason, char=char)
    return InputError(display_name, line, column, "", message)
