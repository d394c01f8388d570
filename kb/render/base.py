"""Output formats, the output context, and text safety shared by every renderer."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Mapping
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TextIO

from kb.core.errors import UsageError

if TYPE_CHECKING:
    from rich.console import Console


class Format(StrEnum):
    rich = "rich"
    plain = "plain"
    json = "json"
    jsonl = "jsonl"
    ids = "ids"
    csv = "csv"
    tsv = "tsv"
    toml = "toml"
    github = "github"


# C0/C1 controls (except tab/newline), DEL and bidi overrides: never sent to a terminal.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


STATUS_STYLE = {"established": "green", "contested": "bold yellow", "refuted": "bold red"}
RELIABILITY_STYLE = {"high": "green", "medium": "yellow", "low": "red", "very-low": "bold red"}


DISPLAY_STYLE = {"contested": "bold yellow", "refuted": "bold red"}


def status_shown(status: str, display: str | None = None) -> str:
    """How a status is shown: "refuted", "contested" or "plain". `display` is what kb.toml
    declares (records carry it as `status_display`); without it, the statuses named refuted
    and contested are shown so (kb.toml's default)."""
    if display:
        return display
    return status if status in DISPLAY_STYLE else "plain"


def status_label(status: str, display: str | None = None) -> str:
    """How a status is shown next to a statement (the doubtful ones loudly)."""
    return status.upper() if status_shown(status, display) != "plain" else status


def status_style(status: str, display: str | None = None) -> str:
    shown = status_shown(status, display)
    return DISPLAY_STYLE.get(shown, "") if shown != "plain" else STATUS_STYLE.get(status, "")


def reliability_label(record: Mapping[str, Any]) -> tuple[str, str]:
    """How a fact's reliability is shown in rich output, and its style: its best source's
    level, or `only LEVEL` (loud) when it rests only on weak sources (kb.entries.reliability)."""
    best = record.get("best_reliability")
    if record.get("weakly_sourced"):
        return (f"only {best}" if best else "no known source"), "bold red"
    return (best or "unknown"), RELIABILITY_STYLE.get(best or "", "")


def cell_len(text: str) -> int:
    """The columns a text takes on a terminal (wide characters count twice)."""
    from rich.cells import cell_len as measure

    return measure(safe(text))


def safe(text: object) -> str:
    """Text with control characters and escape sequences made visible (\\x1b) instead of live."""
    return _UNSAFE.sub(lambda m: repr(m.group())[1:-1], str(text))


def one_line(text: object) -> str:
    """Text for a line of its own (a message, a `path:line:col` report): safe, and a newline
    (which a file name may contain) shown as \\n, so that one problem is always one line."""
    return safe(text).replace("\n", "\\n")


def cell(text: object) -> str:
    """A value for one tab-separated field: safe, on one line, no tabs."""
    return " ".join(safe(text).replace("\t", " ").split())


class Output:
    """Where and how to write: the data stream, whether to colour, and for rich the width and
    the terminal's colours. The CLI decides all of it (kb.cli.config); rich is told exactly,
    so that it reads nothing from the environment itself.

    (A plain class: `dataclasses` would cost `kb search` ~7 ms of imports.)"""

    def __init__(
        self,
        stream: TextIO | None = None,
        color: bool = False,
        width: int | None = None,
        color_system: str = "standard",
    ) -> None:
        self.stream = stream if stream is not None else sys.stdout
        self.color = color
        self.width = width if width is not None else 80
        self.color_system = color_system
        self._console: Console | None = None

    def write(self, text: str = "") -> None:
        self.stream.write(text + "\n")

    def row(self, *values: object) -> None:
        self.write("\t".join(cell(v) for v in values))

    def json(self, data: Any) -> None:
        import json  # only the json formats need it (kb search is start-up bound)

        self.write(json.dumps(data, ensure_ascii=False, indent=2, default=str))

    def jsonl(self, items: Iterable[Any]) -> None:
        import json

        for item in items:
            self.write(json.dumps(item, ensure_ascii=False, default=str))

    @property
    def console(self) -> Console:
        """A rich console on the data stream (rich is imported only when asked for)."""
        if self._console is None:
            from rich.console import Console

            class KbConsole(Console):
                def on_broken_pipe(self) -> None:
                    """The reader went away: kb's way (exit 0, kb.cli.errors), not rich's
                    (exit 1)."""
                    self.quiet = True
                    raise BrokenPipeError

            self._console = KbConsole(
                file=self.stream,
                force_terminal=self.color,  # escape codes only when colouring
                force_interactive=False,
                color_system=self.color_system if self.color else None,  # type: ignore[arg-type]
                no_color=not self.color,
                highlight=False,
                markup=False,
                emoji=False,
                width=self.width,
                height=25,
                soft_wrap=False,
            )
        return self._console


def default_format(stream: TextIO | None = None) -> Format:
    target = stream or sys.stdout
    return Format.rich if target.isatty() else Format.plain


def pick(
    renderers: Mapping[Format, Callable[..., None]], fmt: Format, command: str
) -> Callable[..., None]:
    """The renderer for a format, or a usage error listing the formats this command offers."""
    if fmt not in renderers:
        offered = ", ".join(f.value for f in renderers)
        raise UsageError(f"{command} does not support --format {fmt.value}; choose from: {offered}")
    return renderers[fmt]
