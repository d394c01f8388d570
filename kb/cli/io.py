"""Messages and output for every command, without typer (the search fast path uses them):
messages on stderr, and the output stream with the chosen format and colour."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TextIO

from kb.cli import config
from kb.render.base import Format, Output, default_format, one_line

if TYPE_CHECKING:
    from kb.cli.pager import PagerStream

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
        _reconfigure(sys.stdin, encoding="utf-8-sig", errors="surrogateescape")  # BOM: dropped
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
        # Lone surrogates (bytes of a file name that are not UTF-8) become \\udcXX: in JSON,
        # the escape of the same character.
        _reconfigure(sys.stdout, encoding="utf-8", errors="backslashreplace")
    return sys.stdout


def message(text: str, kind: str = "error") -> None:
    """A message for the user, on stderr, one line: `kb: KIND: TEXT` (`kb: TEXT` without a
    kind, for summaries)."""
    sys.stderr.write(f"kb: {kind}: {one_line(text)}\n" if kind else f"kb: {one_line(text)}\n")


def detail(text: str) -> None:
    """One item of a list under a message (a problem, a file), indented, on its own line."""
    sys.stderr.write(f"  {one_line(text)}\n")


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


MAX_SKIPPED_SHOWN = 5


def warn_skipped(problems: Iterable[object]) -> None:
    """One warning per entry that was skipped because it is invalid (its first problem and how
    many more it has, not one line per problem), at most MAX_SKIPPED_SHOWN of them: a file
    being written does not flood every command."""
    by_file: dict[str, list[object]] = {}
    for problem in problems:
        by_file.setdefault(str(getattr(problem, "path", problem)), []).append(problem)
    for shown, found in enumerate(by_file.values()):
        if shown == MAX_SKIPPED_SHOWN:
            rest = len(by_file) - shown
            message(f"and {rest} more invalid entries skipped (run kb validate)", "warning")
            break
        more = f"; {len(found) - 1} more problem(s)" if len(found) > 1 else ""
        message(f"skipped invalid entry: {found[0]}{more} (run kb validate)", "warning")


def output_for(
    fmt: str | None, no_color: bool, color_when: str | None = None, paging: bool = False
) -> tuple[Format, Output]:
    """The format (as given, else rich on a terminal and plain in a pipe) and the output:
    colour as kb.cli.config.color decides, laid out for the terminal's width, and through
    the pager (kb.cli.pager) when `paging` and stdout is a terminal."""
    stdout = sys.stdout
    terminal = stdout.isatty()
    chosen = Format(fmt) if fmt else default_format(stdout)
    stdout = data_stream(chosen)
    colour = config.color(no_color, color_when, terminal)
    stream: TextIO = stdout
    if paging and terminal:
        command = config.pager()
        if command is not None:
            from kb.cli.pager import PagerStream

            pager = PagerStream(command, config.pager_environment(), stdout)
            _pagers.append(pager)
            stream = pager  # type: ignore[assignment]
    return chosen, Output(
        stream=stream,
        color=colour,
        width=config.width(stdout) if chosen is Format.rich else None,
        color_system=config.color_system() if colour else "standard",
    )


_pagers: list[PagerStream] = []


def close_output() -> None:
    """Flush the output and wait for the pager, if one was started (idempotent)."""
    while _pagers:
        pager = _pagers.pop()
        pager.close()
