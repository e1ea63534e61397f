"""User-input errors as data.

Every problem found in a user's files becomes one ``InputError`` so that all of them can be
collected, sorted and shown together (``file:line:col: key.path: message``) instead of stopping at
the first one. Bugs in stackfit itself are ordinary exceptions and never take this shape.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from evaluator.textsafe import log_line


@dataclass(frozen=True, order=True)
class InputError:
    """One problem in one file, at a 1-based line and column when known."""

    file: str
    line: int | None
    column: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        parts = [where]
        if self.path:
            parts.append(self.path)
        parts.append(self.message)
        # One error is one line, whatever the file, key or id holds (a newline in a file name
        # could forge another error, or a CI '::error' command).
        return log_line(": ".join(parts))

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Order by file then position; dataclass ordering would fail on ``None`` positions."""
        return (self.file, self.line or 0, self.column or 0, self.path, self.message)


def sort_errors(errors: Iterable[InputError]) -> tuple[InputError, ...]:
    """Sorted and without exact repeats, so output is stable whatever order checks ran in."""
    return tuple(sorted(set(errors), key=InputError.sort_key))


class InputErrors(Exception):
    """Raised with every problem found at once; ``str()`` gives one error per line."""

    def __init__(self, errors: Iterable[InputError]) -> None:
        self.errors: tuple[InputError, ...] = sort_errors(errors)
        super().__init__("\n".join(str(e) for e in self.errors))

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)
