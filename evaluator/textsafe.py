"""Text from files, made safe for where it lands: one line in a terminal or CI log, inert in
Markdown. Names, ids and file names come from pull requests; a newline in a stack name must not
forge an error line or a heading, and '@org/admins' must not notify anyone."""

from __future__ import annotations

import re

_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _visible(char: str) -> str:
    if char in _ESCAPES:
        return _ESCAPES[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


# Control characters (Unicode category Cc), the line and paragraph separators, and the
# bidirectional overrides that can make text display in another order than it reads.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029" + "".join(sorted(_BIDI)) + "]")


def one_line(text: str) -> str:
    """``text`` with every line break, control character and bidirectional override shown as
    an escape (``\\n``, ``\\x1b``, ``\\u202e``): what was one value stays one line."""
    return _UNSAFE.sub(lambda m: _visible(m.group()), text)


def log_line(line: str) -> str:
    """A line for stderr: one line, and never a GitHub Actions workflow command (``::error``),
    which a runner obeys only at the start of a line."""
    line = one_line(line)
    return "./" + line if line.startswith("::") else line


_MD_SPECIAL = re.compile(r"([\\`*\[\]|~])")


def md_text(text: str) -> str:
    """``text`` as inert inline Markdown (also inside a table cell): one line, no HTML (``<`` is
    an entity), no links, images, code or emphasis markers (backslash-escaped), no table cell
    breaks, and no @mentions (a zero-width space after each ``@``, as GitHub's own bots do)."""
    text = _MD_SPECIAL.sub(r"\\\1", one_line(text))
    return text.replace("<", "&lt;").replace("@", "@&#8203;")


def md_code(text: str) -> str:
    """``text`` inside a code span: one line, and no backtick to close the span early."""
    return "`" + one_line(text).replace("`", "'") + "`"
