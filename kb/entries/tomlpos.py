"""Positions of keys in a TOML document, so schema problems point at the offending key.

tomllib returns plain dicts without positions, so this scans the text once (only when there is
a problem to report). It understands what entry files use: top-level keys, [table] and
[[array-of-tables]] headers, and multi-line strings and arrays (whose contents it skips).
"""

from __future__ import annotations

import re

_KEY = re.compile(r"""^(\s*)("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)\s*=""")
_HEADER = re.compile(r"""^\s*(\[\[?)\s*([A-Za-z0-9_.-]+)\s*\]\]?""")
KeyPath = tuple[str | int, ...]


def _bare(key: str) -> str:
    return key[1:-1] if key[:1] in "\"'" else key


class Positions:
    """Maps key paths such as ("statement",) or ("provenance", 1, "quote") to (line, column)."""

    def __init__(self, text: str) -> None:
        self._where: dict[KeyPath, tuple[int, int]] = {}
        self._scan(text)

    def _scan(self, text: str) -> None:
        table: KeyPath = ()
        counts: dict[str, int] = {}
        in_multiline: str | None = None
        for number, line in enumerate(text.splitlines(), start=1):
            if in_multiline:
                if line.count(in_multiline) % 2 == 1:
                    in_multiline = None
                continue
            header = _HEADER.match(line)
            if header and not _KEY.match(line):
                name = header.group(2)
                if header.group(1) == "[[":
                    index = counts.get(name, -1) + 1
                    counts[name] = index
                    table = (name, index)
                    self._where.setdefault((name,), (number, line.index("[") + 1))
                else:
                    table = (name,)
                self._where.setdefault(table, (number, line.index("[") + 1))
                continue
            match = _KEY.match(line)
            if match:
                path = (*table, _bare(match.group(2)))
                self._where.setdefault(path, (number, len(match.group(1)) + 1))
                rest = line[match.end() :]
                for quote in ('"""', "'''"):
                    if rest.count(quote) % 2 == 1:
                        in_multiline = quote

    def find(self, path: KeyPath) -> tuple[int, int]:
        """Position of the key, else of the closest enclosing key or table, else 1:1."""
        for end in range(len(path), 0, -1):
            found = self._where.get(tuple(path[:end]))
            if found:
                return found
        return (1, 1)
