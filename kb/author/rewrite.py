"""Changing an entry file's references while keeping the rest of its text (comments, layout).

Each change is made on the text where it can be (a quoted id replaced, an array item or a
`[[provenance]]` table taken out, an id added to `related`), then checked: the edited text is
parsed and must give exactly the table wanted. When it does not (an unusual layout), the entry
is written anew from the table in schema order instead, which loses its comments but never its
content; `Rewritten.relaid` says so.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any, NamedTuple

from kb.author.create import render
from kb.core.errors import KbError
from kb.entries.loading import parse_text
from kb.entries.schema import FIELDS_BY_KIND


class Rewritten(NamedTuple):
    text: str
    relaid: bool  # True: written anew from its table (comments and layout lost)


def _parse(text: str) -> dict[str, Any] | None:
    data, _ = parse_text(text, "")
    return data


def in_schema_order(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    names = [spec.name for spec in FIELDS_BY_KIND[kind]]
    order = names + [key for key in data if key not in names]
    return {key: data[key] for key in order if key in data}


def rewrite(
    kind: str,
    text: str,
    change: Callable[[dict[str, Any]], None],
    edits: Callable[[str], str],
    where: str,
) -> Rewritten:
    """The text of an entry after `change` (which alters its table in place): `edits(text)` when
    that parses to the changed table, else the table written anew. KbError when the text does
    not parse (`where` names the file)."""
    data = _parse(text)
    if data is None:
        raise KbError(f"{where}: not valid TOML; fix it first (kb validate)")
    wanted = copy.deepcopy(data)
    change(wanted)
    try:
        edited = edits(text)
    except ValueError:
        edited = None
    if edited is not None and _parse(edited) == wanted:
        return Rewritten(edited, False)
    relaid = render(in_schema_order(kind, wanted))
    if _parse(relaid) != wanted:  # pragma: no cover - render writes what it is given
        raise KbError(f"{where}: cannot rewrite this entry; edit it by hand")
    return Rewritten(relaid, True)


def _quoted(entry_id: str) -> re.Pattern[str]:
    """`"id"` or `'id'`, as a whole TOML string."""
    return re.compile(r"""(["'])""" + re.escape(entry_id) + r"\1")


def replace_quoted(text: str, old: str, new: str) -> str:
    """Every TOML string `"old"` (or `'old'`) made `"new"`."""
    return _quoted(old).sub(lambda m: m.group(1) + new + m.group(1), text)


def _array_span(text: str, key: str) -> tuple[int, int] | None:
    """Where the value of the top-level array `key = [...]` is (from `[` to `]`), when it
    holds only strings (so no `]` inside it but its own)."""
    found = re.search(rf"(?m)^{re.escape(key)}\s*=\s*(\[)", text)
    if found is None:
        return None
    start = found.start(1)
    depth, index, quote = 0, start, ""
    while index < len(text):
        char = text[index]
        if quote:
            if char == "\\" and quote == '"':
                index += 1
            elif char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return start, index + 1
        index += 1
    return None


def drop_array_items(text: str, key: str, ids: set[str]) -> str:
    """The strings in `ids` taken out of the top-level array `key`; the whole line when the
    array is left empty."""
    span = _array_span(text, key)
    if span is None:
        raise ValueError(f"no {key} array")
    start, end = span
    inner = text[start + 1 : end - 1]
    items = [item.strip() for item in inner.split(",")]
    kept = [item for item in items if item and _unquote(item) not in ids]
    if not kept:
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        rest = text[:line_start] + (text[line_end + 1 :] if line_end != -1 else "")
        return re.sub(r"\n{3,}", "\n\n", rest)
    multiline = "\n" in inner
    body = "".join(f"\n  {item}," for item in kept) + "\n" if multiline else ", ".join(kept)
    return text[: start + 1] + body + text[end - 1 :]


def _unquote(item: str) -> str:
    return item[1:-1] if len(item) >= 2 and item[0] == item[-1] and item[0] in "\"'" else item


def add_array_items(text: str, key: str, ids: list[str], before_tables: bool = True) -> str:
    """Strings appended to the top-level array `key`, which is created (above the first
    table) when absent."""
    listed = ", ".join(f'"{entry_id}"' for entry_id in ids)
    span = _array_span(text, key)
    if span is not None:
        start, end = span
        inner = text[start + 1 : end - 1]
        if not inner.strip():
            return text[: start + 1] + listed + text[end - 1 :]
        if "\n" in inner:
            body = (
                inner.rstrip().rstrip(",")
                + ",\n"
                + "".join(f"  {i},\n" for i in listed.split(", "))
            )
            return text[: start + 1] + body + text[end - 1 :]
        return text[: end - 1].rstrip() + ", " + listed + text[end - 1 :]
    line = f"{key} = [{listed}]\n"
    header = re.search(r"(?m)^\s*\[", text) if before_tables else None
    if header is None:
        return text + ("" if text.endswith("\n") else "\n") + line
    before = text[: header.start()].rstrip("\n")
    return before + "\n" + line + "\n" + text[header.start() :]


def drop_tables(text: str, name: str, drop: Callable[[dict[str, Any]], bool]) -> str:
    """The `[[name]]` tables for which `drop(table)` is true taken out (with the blank lines
    before them)."""
    header = re.compile(rf"(?m)^[ \t]*\[\[\s*{re.escape(name)}\s*\]\][ \t]*$")
    any_header = re.compile(r"(?m)^[ \t]*\[")
    starts = [m.start() for m in header.finditer(text)]
    if not starts:
        raise ValueError(f"no [[{name}]] tables")
    pieces: list[str] = []
    cursor = 0
    for start in starts:
        following = any_header.search(
            text, text.find("\n", start) + 1 if "\n" in text[start:] else len(text)
        )
        end = following.start() if following is not None else len(text)
        block = text[start:end]
        table = _parse(block)
        items = table.get(name) if table is not None else None
        if not isinstance(items, list) or len(items) != 1:
            raise ValueError("a table that does not parse alone")
        pieces.append(text[cursor:start])
        if not drop(items[0]):
            pieces.append(block)
        elif pieces:
            pieces[-1] = pieces[-1].rstrip("\n") + "\n\n" if pieces[-1].strip() else pieces[-1]
        cursor = end
    pieces.append(text[cursor:])
    return re.sub(r"\n{3,}", "\n\n", "".join(pieces)).rstrip("\n") + "\n"
