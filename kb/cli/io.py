"""Messages and output for every command, without typer (the search fast path uses them):
messages on stderr, and the output stream with the chosen format and colour."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterable
from typing import Any, TextIO

from kb.cli.config import color
from kb.render.base import Format, Output, default_format, one_line

# Formats for people: written in the terminal's encoding, characters it lacks replaced (`?`).
# Every other format is data for programs, always written as UTF-8 whatever the locale or
# PYTHONIOENCODING say.
HUMAN_FORMATS = frozenset({Format.rich})


def _reconfigure(stream: Any, **settings: str) -> None:
    """Change a text stream's encoding or error handler (a no-op on streams that cannot)."""
    with contextlib.suppress(AttributeError, ValueError, OSError, LookupError):
        stream.reconfigure(**settings)


def prepare_streams() -> bool:
    """Make the standard streams safe before any command runs; False when stdout is closed.

    - A stream the shell closed (`<&-`, `2>&-`, `>&-`) is None in Python: stdin then reads as
      empty (like `</dev/null`: not a terminal, so nothing is asked), messages go nowhere, and
      a closed stdout is reported by the caller (data with nowhere to go is an error).
    - No encoding error can end a command: messages escape what stderr's encoding lacks
      (`\\u2013`), output for people replaces it (`?`), output for programs is UTF-8
      (`data_stream`), and stdin in a pipe is read as UTF-8 (what kb writes), bytes that are
      not kept as they are so that they show up escaped in messages.
    """
    if sys.stdin is None:
        sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 (for the whole process)
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 (same)
    _reconfigure(sys.stderr, errors="backslashreplace")
    if _isatty(sys.stdin):
        _reconfigure(sys.stdin, errors="surrogateescape")
    else:
        _reconfigure(sys.stdin, encoding="utf-8", errors="surrogateescape")
    if sys.stdout is None:
        return False
    _reconfigure(sys.stdout, errors="replace")
    return True


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def data_stream(fmt: Format | None = None) -> TextIO:
    """stdout, ready for output in `fmt`: UTF-8 for every format but those for people
    (None: data such as a path or an entry's TOML, UTF-8 too)."""
    if fmt not in HUMAN_FORMATS:
        # Lone surrogates (bytes of a file name that are not UTF-8) become \udcXX: in JSON,
        # the escape of the same character.
        _reconfigure(sys.stdout, encoding="utf-8", errors="backslashreplace")
    return sys.stdout


def message(text: str, kind: str = "error") -> None:
    """A message for the user, on stderr, one line: `kb: KIND: TEXT` (`kb: TEXT` without a
    kind, for summaries)."""
    sys.stderr.write(f"kb: {kind}: {one_line(text)}\n" if kind else f"kb: {one_line(text)}\n")


def notice(text: str) -> None:
    message(text, "notice")


def os_error(error: OSError, output: bool = False) -> int:
    """Report an operating-system error no command caught (such as writing to a full disk;
    `output`: while writing the output); the exit code for it."""
    where = f" ({error.filename})" if error.filename else " (writing the output)" if output else ""
    with contextlib.suppress(OSError):  # stderr is gone too
        message(f"{error.strerror or error}{where}")
    return 1


def silence_stdout() -> None:
    """The reader closed the pipe: send whatever is still buffered nowhere, so that Python's
    final flush does not fail (`kb list | head -1` ends quietly, exit 0)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def warn_skipped(problems: Iterable[object]) -> None:
    """One warning per entry that was skipped because it is invalid."""
    for problem in problems:
        message(f"skipped invalid entry: {problem} (run kb validate)", "warning")


def output_for(fmt: str | None, no_color: bool) -> tuple[Format, Output]:
    """The format (as given, else rich on a terminal and plain in a pipe) and the output."""
    chosen = Format(fmt) if fmt else default_format()
    return chosen, Output(stream=data_stream(chosen), color=color(no_color))
