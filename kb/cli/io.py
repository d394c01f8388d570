"""What every command needs that does not depend on typer: messages on stderr, the output
context, and the search command's body (shared by the typer command and the fast path)."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from kb.entries.filters import Filters
from kb.render.base import Format, Output, color_wanted, default_format, one_line, pick


def message(text: str, kind: str = "error") -> None:
    """A message for the user, on stderr."""
    sys.stderr.write(f"kb: {kind}: {one_line(text)}\n" if kind else f"kb: {one_line(text)}\n")


def os_error(error: OSError) -> int:
    """Report an operating-system error no command caught (such as writing to a full disk)."""
    where = f" ({error.filename})" if error.filename else " (writing the output)"
    with contextlib.suppress(OSError):  # stderr is gone too
        message(f"{error.strerror or error}{where}")
    return 1


def silence_stdout() -> None:
    """The reader closed the pipe: send whatever is still buffered nowhere, so that Python's
    final flush does not fail (`kb list | head -1` ends quietly, exit 0)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def notice(text: str) -> None:
    message(text, "notice")


def warn_skipped(problems: Iterable[object]) -> None:
    """One warning per entry that was skipped because it is invalid."""
    for problem in problems:
        message(f"skipped invalid entry: {problem} (run kb validate)", "warning")


def output_for(fmt: Format | None, no_color: bool) -> tuple[Format, Output]:
    chosen = fmt or default_format()
    return chosen, Output(stream=sys.stdout, color=color_wanted(no_color))


class SearchRequest(NamedTuple):
    """Everything `kb search` was asked, however it was parsed."""

    query: str
    filters: Filters = Filters()
    limit: int | None = 10
    fmt: Format | None = None
    kb_path: Path | None = None
    index_dir: str | None = None
    no_color: bool = False


def run_search(request: SearchRequest) -> int:
    """Search, render, and return the exit code (domain errors propagate to the caller)."""
    from kb.entries.locate import find_kb
    from kb.render.search import RENDERERS
    from kb.search.api import search

    chosen, out = output_for(request.fmt, request.no_color)
    render = pick(RENDERERS, chosen, "search")
    result = search(
        find_kb(request.kb_path),
        request.query,
        request.filters,
        limit=request.limit,
        index_dir=request.index_dir,
        highlight=chosen in (Format.rich, Format.json, Format.jsonl),
        count=chosen is Format.rich,
        records=chosen not in (Format.plain, Format.ids),
        notify=notice,
    )
    warn_skipped(result.problems)
    if result.corrected:
        notice(f"nothing matches {result.asked!r}; showing results for {result.query!r}")
    render(result, out)
    if result.hits:
        return 0
    from kb.core.suggest import hint

    message(
        f"no facts match {result.asked!r}{hint([result.suggestion] if result.suggestion else [])}",
        "",
    )
    return 1
