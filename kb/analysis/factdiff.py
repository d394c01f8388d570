"""Comparing facts: value normalisation, word-level statement diffs, and a verdict on how
two or more facts relate (same attribute and value, same attribute, or unrelated)."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from kb.entries.models import Fact

_FOLD = str.maketrans(
    {"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-"}
)


def normalise(value: str | None) -> str:
    """The form of a value used to decide whether values differ (case, spacing, quotes)."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", value).casefold().translate(_FOLD)
    return " ".join(text.split()).strip(" .,;:")


@dataclass(frozen=True)
class DiffOp:
    """One step of a word-level diff: equal, delete, insert or replace."""

    op: str
    left: str
    right: str


@dataclass(frozen=True)
class StatementDiff:
    left: str
    right: str
    ops: tuple[DiffOp, ...]


@dataclass(frozen=True)
class Verdict:
    code: str  # same-value | different-values | unrelated
    text: str


def word_diff(left: str, right: str) -> tuple[DiffOp, ...]:
    a, b = left.split(), right.split()
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    return tuple(
        DiffOp(op, " ".join(a[i1:i2]), " ".join(b[j1:j2]))
        for op, i1, i2, j1, j2 in matcher.get_opcodes()
    )


def verdict(facts: Sequence[Fact]) -> Verdict:
    attributes = [f.attribute for f in facts]
    if None in attributes:
        bare = ", ".join(f.id for f in facts if f.attribute is None)
        return Verdict("unrelated", f"unrelated: no attribute/value on {bare}")
    if len(set(attributes)) > 1:
        names = ", ".join(dict.fromkeys(a for a in attributes if a))
        return Verdict("unrelated", f"unrelated: different attributes ({names})")
    name = attributes[0]
    if len({normalise(f.value) for f in facts}) == 1:
        return Verdict("same-value", f"same attribute ({name}) and same value")
    return Verdict("different-values", f"same attribute ({name}) with different values")
