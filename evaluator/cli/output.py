"""How every command reports: user errors on stderr with exit 2, reports to stdout or a file."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, TypeVar

import typer

from evaluator.errors import InputError, InputErrors

P = ParamSpec("P")
R = TypeVar("R")

EXIT_OK = 0
EXIT_CHECK_FAILED = 1
EXIT_BAD_INPUT = 2


def handles_user_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn invalid input into a clean message and exit 2; anything else is a bug and says so."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except InputErrors as exc:
            errors = exc.errors
        except OSError as exc:
            # A file that cannot be read or written (refused, missing, no permission) is a
            # problem with the input or the environment, reported like one: never a traceback.
            where = str(exc.filename) if exc.filename is not None else "stackfit"
            reason = CANNOT_USE.format(reason=exc.strerror or exc)
            errors = (InputError(where, None, None, "", reason),)
        for error in errors:
            typer.echo(str(error), err=True)
        count = len(errors)
        typer.echo(f"{count} error{'s' if count != 1 else ''}; nothing was evaluated.", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None

    return wrapper


CANNOT_WRITE = "cannot write the file: {reason}"
CANNOT_USE = "cannot read or write the file: {reason}"
EXISTS = "already exists; add --force to replace it"


def write_file(path: Path, text: str, *, exclusive: bool = False) -> None:
    """Write a file the user named (see ``fsutil.atomic_write_text`` for what is refused);
    anything that stops it is an input error (exit 2), never a traceback."""
    from evaluator.fsutil import atomic_write_text

    try:
        atomic_write_text(path, text, exclusive=exclusive)
    except FileExistsError:
        raise InputErrors([InputError(str(path), None, None, "", EXISTS)]) from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        message = CANNOT_WRITE.format(reason=reason)
        raise InputErrors([InputError(str(path), None, None, "", message)]) from None


def emit(text: str, output: Path | None) -> None:
    """Write a report to a file (atomically) or to stdout."""
    if output is None:
        sys.stdout.write(text)
        return
    write_file(output, text)
    typer.echo(f"wrote {output}", err=True)
