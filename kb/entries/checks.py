"""Per-entry structural checks, driven entirely by the declarations in kb.entries.schema.

These need nothing but the entry itself; cross-file rules live in kb.validate.validator.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kb.core.suggest import did_you_mean
from kb.entries.schema import CONTROL_PATTERN, FIELDS_BY_KIND, ID_PATTERN, URL_PATTERN, Field
from kb.entries.tomlpos import KeyPath

_CONTROL = re.compile(CONTROL_PATTERN)
_CONTROL_NAMES = {"\x1b": "ESC (escape sequence)", "\x00": "NUL", "\r": "carriage return"}


@dataclass(frozen=True)
class Issue:
    """A structural problem located by key path (turned into a positioned Problem later)."""

    path: KeyPath
    code: str
    message: str


def control_char(text: str) -> str | None:
    """Describe the first control character in text, or None."""
    found = _CONTROL.search(text)
    if not found:
        return None
    char = found.group()
    return _CONTROL_NAMES.get(char, f"U+{ord(char):04X}")


def check_entry(kind: str, data: dict[str, Any], stem: str | None = None) -> list[Issue]:
    """Every structural issue of one entry of `kind` (fact, source, subject or kb)."""
    issues: list[Issue] = []
    _check_table(FIELDS_BY_KIND[kind], data, (), issues)
    if kind != "kb":
        issues.extend(_check_identity(data, stem))
    if kind == "fact":
        issues.extend(_check_fact_rules(data))
    return issues


# The checks below run for every value of every file of a big KB: they append to one list
# instead of chaining generators, and look compiled patterns and key tables up once.
_KNOWN: dict[int, dict[str, Field]] = {}
_PATTERNS: dict[str, re.Pattern[str]] = {}


def _known(fields: tuple[Field, ...]) -> dict[str, Field]:
    known = _KNOWN.get(id(fields))
    if known is None:
        known = _KNOWN[id(fields)] = {f.name: f for f in fields}
    return known


def _check_table(
    fields: tuple[Field, ...], data: dict[str, Any], at: KeyPath, out: list[Issue]
) -> None:
    known = _known(fields)
    for key in data:
        if key not in known:
            hint = did_you_mean(key, list(known), limit=1)
            allowed = ", ".join(known)
            out.append(Issue((*at, key), "KB010", f"unknown key {key!r}{hint}; allowed: {allowed}"))
    for spec in fields:
        if spec.name not in data:
            if spec.required:
                code = "KB021" if spec.type == "table-array" else "KB011"
                out.append(Issue(at, code, f"missing required field {spec.name!r}"))
            continue
        _check_value(spec, data[spec.name], (*at, spec.name), out)


def _type_name(value: object) -> str:
    names = {
        str: "string",
        int: "integer",
        float: "float",
        bool: "boolean",
        list: "array",
        dict: "table",
        dt.datetime: "datetime",
        dt.date: "date",
        dt.time: "time",
    }
    return names.get(type(value), type(value).__name__)


def _check_value(spec: Field, value: Any, at: KeyPath, out: list[Issue]) -> None:
    if spec.type == "string":
        if isinstance(value, str):
            _check_string(spec, value, at, out)
        else:
            out.append(
                Issue(at, "KB012", f"{spec.name!r} must be a string, not {_type_name(value)}")
            )
    elif spec.type == "date":
        if type(value) is not dt.date:
            out.append(
                Issue(
                    at,
                    "KB020",
                    f"{spec.name!r} must be a TOML date like 2024-05-01, "
                    f"not {_type_name(value)} {value!r}",
                )
            )
    elif not isinstance(value, list):
        out.append(Issue(at, "KB012", f"{spec.name!r} must be an array, not {_type_name(value)}"))
    else:
        _check_array(spec, value, at, out)


def _check_array(spec: Field, value: list[Any], at: KeyPath, out: list[Issue]) -> None:
    if spec.min_items and len(value) < spec.min_items:
        code = "KB021" if spec.type == "table-array" else "KB017"
        out.append(Issue(at, code, f"{spec.name!r} needs at least {spec.min_items} item(s)"))
    if spec.type != "table-array":
        _check_string_items(spec, value, at, out)
        return
    for index, item in enumerate(value):
        if isinstance(item, dict):
            _check_table(spec.item_fields, item, (at[-1], index), out)
        else:
            out.append(Issue(at, "KB012", f"{spec.name!r} items must be tables"))


def _check_string_items(spec: Field, value: list[Any], at: KeyPath, out: list[Issue]) -> None:
    seen: set[str] = set()
    for item in value:
        if not isinstance(item, str):
            message = f"{spec.name!r} items must be strings, not {_type_name(item)}"
            out.append(Issue(at, "KB012", message))
            continue
        if item in seen:
            out.append(Issue(at, "KB024", f"{spec.name!r} lists {item!r} twice"))
        seen.add(item)
        _check_string(spec, item, at, out)


def _check_string(spec: Field, value: str, at: KeyPath, out: list[Issue]) -> None:
    if _CONTROL.search(value):
        bad = control_char(value)
        out.append(Issue(at, "KB018", f"{spec.name!r} contains a control character ({bad})"))
        return
    length = len(value)
    if spec.min_length is not None and length < spec.min_length:
        message = f"{spec.name!r} is {length} characters; minimum is {spec.min_length}"
        out.append(Issue(at, "KB017", message))
    if spec.max_length is not None and length > spec.max_length:
        message = f"{spec.name!r} is {length} characters; maximum is {spec.max_length}"
        out.append(Issue(at, "KB017", message))
    if spec.pattern and not _pattern(spec.pattern).fullmatch(value):
        out.append(_pattern_issue(spec, value, at))


def _pattern(pattern: str) -> re.Pattern[str]:
    compiled = _PATTERNS.get(pattern)
    if compiled is None:
        compiled = _PATTERNS[pattern] = re.compile(pattern)
    return compiled


def _pattern_issue(spec: Field, value: str, at: KeyPath) -> Issue:
    if spec.pattern == URL_PATTERN:
        return Issue(
            at, "KB019", f"{spec.name!r} must be an http:// or https:// URL, not {value!r}"
        )
    if spec.name == "id":
        return Issue(at, "KB013", f"id {value!r} is not kebab-case ([a-z0-9]+(-[a-z0-9]+)*)")
    return Issue(at, "KB016", f"{spec.name!r} value {value!r} does not match {spec.pattern}")


def _check_identity(data: dict[str, Any], stem: str | None) -> Iterator[Issue]:
    entry_id = data.get("id")
    if stem is None or not isinstance(entry_id, str) or entry_id == stem:
        return
    if re.fullmatch(ID_PATTERN, entry_id):
        yield Issue(
            ("id",), "KB014", f"id {entry_id!r} does not match the file name {stem + '.toml'!r}"
        )


def _check_fact_rules(data: dict[str, Any]) -> Iterator[Issue]:
    if ("attribute" in data) != ("value" in data):
        present = "attribute" if "attribute" in data else "value"
        missing = "value" if present == "attribute" else "attribute"
        yield Issue((present,), "KB022", f"{present!r} is given without {missing!r}")
    related = data.get("related")
    if isinstance(related, list) and data.get("id") in related:
        yield Issue(("related",), "KB032", "a fact cannot be related to itself")
