"""Source snapshots: locating the directory, checksums, and verbatim quote matching."""

from __future__ import annotations

import hashlib
from pathlib import Path

from kb.core.errors import UsageError
from kb.entries.models import Settings
from kb.entries.walk import real

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
            inside = plain and real(path).parent == real(self.directory)
            try:
                self._raw[name] = path.read_bytes() if inside and path.is_file() else None
            except OSError:
                self._raw[name] = None
        return self._raw[name]

    def sha256(self, name: str) -> str | None:
        data = self.raw(name)
        return hashlib.sha256(data).hexdigest() if data is not None else None

    def contains_normalised(self, name: str, quote: str) -> bool:
        """Whether the snapshot has the quote, which is already normalised (normalise())."""
        if name not in self._text:
            data = self.raw(name) or b""
            self._text[name] = normalise(data.decode("utf-8", errors="replace"))
        return quote in self._text[name]
