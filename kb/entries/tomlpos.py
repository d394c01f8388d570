"""Positions of keys in a TOML document, so schema problems point at the offending key.

tomllib returns plain dicts without positions, so this scans the text once (only when there is
a problem to report). It understands what entry files use: top-level keys, [table] and
[[array-of-tables]] headers, values spanning lines (multi-line strings, arrays and inline
tables, whose contents are skipped), and comments. Strings are followed character by
character — basic strings with their escapes, literal strings, both multi-line kinds — so
that quotes inside a value (three double quotes inside a literal string, an escaped quote in a
basic string) never throw the positions of later keys off.
"""

from __future__ import annotations

import re

_KEY = re.compile(r"""^(\s*)("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)\s*=""")
_HEADER = re.compile(r"""^\s*(\[\[?)\s*([A-Za-z0-9_.-]+)\s*\]\]?""")
KeyPath = tuple[str | int, ...]


def _bare(key: str) -> str:
    return key[1:-1] if key[:1] in "\"'" else key


class _Value:
    """Where the scan is inside a value: an open string's delimiter and how many arrays or
    inline tables are open."""

    def __init__(self) -> None:
        self.string: str | None = None
        self.depth = 0

    @property
    def closed(self) -> bool:
        return self.string is None and self.depth == 0

    def read(self, line: str, start: int) -> None:
        """Follow the value through one line, from `start`."""
        i, end = start, len(line)
        while i < end:
            if self.string is None:
                i = self._outside(line, i)
                if i < 0:
                    break  # a comment: the rest of the line
            elif self.string[0] == '"':
                i = self._basic(line, i)
            else:
                i = self._literal(line, i)
        if self.string in ('"', "'"):  # a one-line string cannot go on (invalid TOML anyway)
            self.string = None

    def _outside(self, line: str, i: int) -> int:
        char = line[i]
        if char == "#":
            return -1
        if char in "\"'":
            triple = line.startswith(char * 3, i)
            self.string = char * 3 if triple else char
            return i + (3 if triple else 1)
        if char in "[{":
            self.depth += 1
        elif char in "]}":
            self.depth = max(0, self.depth - 1)
        return i + 1

    def _basic(self, line: str, i: int) -> int:
        if line[i] == "\\":
            return i + 2
        if self.string == '"""' and line.startswith('"""', i):
            return self._close(line, i, '"')
        if self.string == '"' and line[i] == '"':
            self.string = None
        return i + 1

    def _literal(self, line: str, i: int) -> int:
        if self.string == "'''" and line.startswith("'''", i):
            return self._close(line, i, "'")
        if self.string == "'" and line[i] == "'":
            self.string = None
        return i + 1

    def _close(self, line: str, i: int, quote: str) -> int:
        """End a multi-line string: up to two more quotes belong to its content."""
        j = i + 3
        while j < len(line) and line[j] == quote and j - i < 5:
            j += 1
        self.string = None
        return j


class Positions:
    """Maps key paths such as ("statement",) or ("provenance", 1, "quote") to (line, column)."""

    def __init__(self, text: str) -> None:
        self._where: dict[KeyPath, tuple[int, int]] = {}
        self._scan(text)

    def _scan(self, text: str) -> None:
        table: KeyPath = ()
        counts: dict[str, int] = {}
        value = _Value()
        for number, line in enumerate(text.splitlines(), start=1):
            if not value.closed:
                value.read(line, 0)
                continue
            match = _KEY.match(line)
            header = _HEADER.match(line)
            if header and not match:
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
            if match:
                path = (*table, _bare(match.group(2)))
                self._where.setdefault(path, (number, len(match.group(1)) + 1))
                value.read(line, match.end())

    def find(self, path: KeyPath) -> tuple[int, int]:
        """Position of the key, else of the closest enclosing key or table, else 1:1."""
        for end in range(len(path), 0, -1):
            found = self._where.get(tuple(path[:end]))
            if found:
                return found
        return (1, 1)
