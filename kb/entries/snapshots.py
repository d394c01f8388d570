"""Source snapshots: locating the directory, checksums, and verbatim quote matching."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import NamedTuple

from kb.core.errors import UsageError
from kb.entries.models import Settings

# Typographic variants that count as the same character when matching a quote.
_QUOTE_MAP = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
    }
)


def normalise(text: str) -> str:
    """Collapse whitespace and straighten typographic quotes: all a quote may differ by.

    str.split() splits on exactly what the regex \\s+ matches (str.isspace), only faster."""
    return " ".join(text.translate(_QUOTE_MAP).split())


def snapshots_dir(root: Path, settings: Settings | None, given: Path | None) -> Path | None:
    """The snapshots directory: `given` (the CLI passes --snapshots, else $KB_SNAPSHOTS),
    else kb.toml's `snapshots` (relative to the KB). A given directory that does not exist
    is a usage error; a configured one that does not exist means snapshots are unavailable
    (None)."""
    if given is not None:
        if not given.is_dir():
            raise UsageError(f"snapshots: not a directory: {given}")
        return given
    if settings is not None and settings.snapshots:
        path = root / settings.snapshots
        return path if path.is_dir() else None
    return None


class SnapshotStore:
    """Reads each snapshot once; answers checksum and quote questions about it."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._raw: dict[str, bytes | None] = {}
        self._text: dict[str, str] = {}

    def raw(self, name: str) -> bytes | None:
        if name not in self._raw:
            path = self.directory / name
            # A plain file name, directly in the directory: `../x` must not climb out and back
            # in (`../snapshots/x`), nor reach another file that happens to resolve there.
            plain = name not in ("", ".", "..") and Path(name).name == name
            inside = plain and path.resolve().parent == self.directory.resolve()
            try:
                self._raw[name] = path.read_bytes() if inside and path.is_file() else None
            except OSError:
                self._raw[name] = None
        return self._raw[name]

    def sha256(self, name: str) -> str | None:
        data = self.raw(name)
        return hashlib.sha256(data).hexdigest() if data is not None else None

    def text(self, name: str) -> str | None:
        """The snapshot as text (undecodable bytes replaced), or None when it is missing."""
        data = self.raw(name)
        return data.decode("utf-8", errors="replace") if data is not None else None

    def normalised_text(self, name: str) -> str:
        """The snapshot's text, normalised (normalise())."""
        if name not in self._text:
            data = self.raw(name) or b""
            self._text[name] = normalise(data.decode("utf-8", errors="replace"))
        return self._text[name]

    def contains_normalised(self, name: str, quote: str) -> bool:
        """Whether the snapshot has the quote, which is already normalised (normalise())."""
        return quote in self.normalised_text(name)

    def mismatch(self, name: str, quote: str) -> Mismatch:
        """How a quote (normalised) departs from the snapshot (see `mismatch`)."""
        return mismatch(self.normalised_text(name), quote)


class Mismatch(NamedTuple):
    """How a quote differs from a snapshot (both normalised): the longest start of the quote
    that the snapshot has, the rest of the quote, and the snapshot's closest passage."""

    matched: str
    rest: str
    passage: str
    similarity: float  # 0-100, of the quote and the passage

    def explain(self, width: int = 40) -> str:
        """One line: where the quote departs from the snapshot, and the closest passage."""
        if self.matched:
            before = _tail(self.matched, width)
            where = f"it departs from the snapshot after {before!r}, at {_head(self.rest, width)!r}"
        else:
            where = "the snapshot does not have even its first word"
        if not self.passage:
            return where
        return f"{where}; closest passage ({self.similarity:.0f}% alike): {self.passage!r}"


def _head(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width].rsplit(" ", 1)[0] + "…"


def _tail(text: str, width: int) -> str:
    return text if len(text) <= width else "…" + text[-width:].split(" ", 1)[-1]


def mismatch(text: str, quote: str) -> Mismatch:
    """How `quote` departs from `text` (both normalised with normalise()). The closest passage
    is found by rapidfuzz (imported here: only when a quote was not found)."""
    low, high = 0, len(quote)
    while low < high:  # the longest start of the quote that the text has
        middle = (low + high + 1) // 2
        if quote[:middle] in text:
            low = middle
        else:
            high = middle - 1
    matched = quote[:low]
    if low < len(quote):  # whole words only: the departure is at a word
        matched = matched[: matched.rfind(" ") + 1] if " " in matched else ""
    passage, similarity = "", 0.0
    if text and quote:
        from rapidfuzz import fuzz

        found = fuzz.partial_ratio_alignment(quote, text)
        if found is not None and found.score > 0:
            start, end = found.dest_start, found.dest_end
            start = text.rfind(" ", 0, start) + 1
            stop = text.find(" ", end)
            passage = text[start : stop if stop != -1 else len(text)].strip()
            limit = len(quote) + 40
            passage = passage if len(passage) <= limit else _head(passage, limit)
            similarity = found.score
    return Mismatch(matched.rstrip(), quote[len(matched) :].lstrip(), passage, similarity)


CONTEXT_CHARS = 240  # of the snapshot shown on each side of a quote (kb show --context)
CONTEXT_LINES = 2  # ... and at most this many line breaks on each side


def find_quote(text: str, quote: str) -> tuple[int, int] | None:
    """Where a quote is in a snapshot's text, as [start, end) offsets into `text`, matching as
    `kb validate` does (whitespace collapsed, typographic quotes straightened); None if not."""
    wanted = normalise(quote)
    if not wanted:
        return None
    folded = text.translate(_QUOTE_MAP)
    chars: list[str] = []
    where: list[int] = []  # offset in `text` of each character of the normalised text
    blank = True  # at the start, or after whitespace already collapsed to one space
    for offset, char in enumerate(folded):
        if char.isspace():
            if not blank:
                chars.append(" ")
                where.append(offset)
                blank = True
            continue
        chars.append(char)
        where.append(offset)
        blank = False
    found = "".join(chars).find(wanted)
    if found < 0:
        return None
    return where[found], where[found + len(wanted) - 1] + 1


def passage(
    text: str, start: int, end: int, chars: int = CONTEXT_CHARS, lines: int = CONTEXT_LINES
) -> dict[str, object]:
    """The quote at [start, end) of a snapshot with up to `chars` characters and `lines` line
    breaks of text on each side, cut between words (`…` where cut):
    `{"line", "column", "before", "quote", "after"}`, the quote's start counted from 1."""
    low = max(0, start - chars)
    before = text[low:start]
    breaks = [i for i, char in enumerate(before) if char == "\n"]
    if len(breaks) > lines:
        before, low = before[breaks[-(lines + 1)] + 1 :], low + breaks[-(lines + 1)] + 1
    if low > 0 and text[low - 1] != "\n":  # cut in the middle of a line: drop a broken word
        spaces = [i for i in (before.find(" "), before.find("\n")) if i >= 0]
        before = "…" + (before[min(spaces) + 1 :] if spaces else before)
    high = min(len(text), end + chars)
    after = text[end:high]
    breaks = [i for i, char in enumerate(after) if char == "\n"]
    if len(breaks) > lines:
        after, high = after[: breaks[lines]], end + breaks[lines]
    if high < len(text) and text[high] != "\n":
        space = max(after.rfind(" "), after.rfind("\n"))
        after = (after[:space] if space > 0 else after) + "…"
    return {
        "line": text.count("\n", 0, start) + 1,
        "column": start - (text.rfind("\n", 0, start) + 1) + 1,
        "before": before.lstrip(" \t"),
        "quote": text[start:end],
        "after": after.rstrip(),
    }
