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


# The one rule for what output never carries as it is (every format, every stream): the
# characters of Unicode's control (Cc, but tab and newline), format (Cf: zero-width, bidi
# controls...), line and paragraph separator (Zl, Zp) and surrogate (Cs) categories. Bytes of
# a file name that are not UTF-8 reach kb as lone surrogates (U+DC80-U+DCFF), C1 controls
# included. tests/unit/render/test_safe.py checks this list against the Unicode database.
UNSAFE_CHARACTERS = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2"
    "\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ud800-\udfff\ufeff"
    "\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
_unsafe: re.Pattern[str] | None = None


def _unsafe_pattern() -> re.Pattern[str]:
    """The pattern of UNSAFE_CHARACTERS, compiled on first use (~0.5 ms: most output never
    needs it, see `safe`)."""
    global _unsafe
    if _unsafe is None:
        _unsafe = re.compile(f"[{UNSAFE_CHARACTERS}]")
    return _unsafe


def _shown(char: str) -> str:
    """How an unsafe character is shown: \\x1b, \\u200b; a byte that was not UTF-8 as itself
    (\\x9b)."""
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"
    return repr(char)[1:-1] if code < 0xD800 or code > 0xDFFF else f"\\u{code:04x}"


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
    text = str(text)
    if text.isprintable():  # no character of those categories (nor tab or newline): as it is
        return text
    return _unsafe_pattern().sub(lambda m: _shown(m.group()), text)


def json_safe(text: str) -> str:
    """JSON text (from json.dumps, ensure_ascii=False) with every unsafe character written as a
    JSON escape (\\u009b): the same data, nothing live for a terminal that shows it. (Outside
    strings JSON has only ASCII, so the replacement is always inside a string.)"""
    if text.isprintable():
        return text
    return _unsafe_pattern().sub(lambda m: _json_escape(ord(m.group())), text)


def _json_escape(code: int) -> str:
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000  # a UTF-16 surrogate pair, as JSON spells characters beyond U+FFFF
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


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
        """One line of output (every format but rich), made safe (`safe`) whatever the
        renderer did: no control character reaches the terminal from any format."""
        self.stream.write(safe(text) + "\n")

    def row(self, *values: object) -> None:
        self.write("\t".join(cell(v) for v in values))

    def json(self, data: Any) -> None:
        import json  # only the json formats need it (kb search is start-up bound)

        self.write(json_safe(json.dumps(data, ensure_ascii=False, indent=2, default=str)))

    def jsonl(self, items: Iterable[Any]) -> None:
        import json

        for item in items:
            self.write(json_safe(json.dumps(item, ensure_ascii=False, default=str)))

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
            # rich ends the process with exit 1 when the reader closes the pipe: let the
            # command's error mapping end it quietly instead (exit 0, docs/cli.md).
            self._console.on_broken_pipe = _pipe_closed  # type: ignore[method-assign]
        return self._console


def _pipe_closed() -> None:
    raise BrokenPipeError(32, "Broken pipe")


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
