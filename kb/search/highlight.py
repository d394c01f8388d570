"""Matched terms in a hit's statement and in a snippet of its best-matching quote.

A word matches when the field's analyser turns it into a term the query looks for, so
"damages" is highlighted for a search on "damage"; a phrase is highlighted where its words
stand in a row (stop words between them included: "harm the bladder"), and nowhere else.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from kb.index.fields import DEFAULT_FIELDS, TEXT_FIELD, schema

SNIPPET = 160  # characters of quote shown around the first match


class Highlight(NamedTuple):
    field: str  # "statement" or "quote"
    text: str  # the statement, or a snippet of the quote ("…" where cut)
    spans: tuple[tuple[int, int], ...]  # matched words: [start, end) offsets in `text`
    source: str | None = None  # for a quote: the source id

    def marked(self, before: str = "**", after: str = "**") -> str:
        parts, last = [], 0
        for start, end in self.spans:
            parts += [self.text[last:start], before, self.text[start:end], after]
            last = end
        return "".join([*parts, self.text[last:]])

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"field": self.field}
        if self.source is not None:
            data["source"] = self.source
        data.update(text=self.text, spans=[list(s) for s in self.spans], marked=self.marked())
        return data


Wanted = set[str | tuple[str, ...]]  # terms, and phrases as tuples of terms


def spans(text: str, field: str, wanted: Wanted) -> tuple[tuple[int, int], ...]:
    if not wanted:
        return ()
    analyzer: Any = schema()[TEXT_FIELD].analyzer  # the statement and quotes are text
    words = [  # (term, start, end) of each word that is not a stop word
        (t.text, t.startchar, t.endchar)
        for t in analyzer(text, chars=True, removestops=False, mode="index")
        if not t.stopped
    ]
    found = [(start, end) for term, start, end in words if term in wanted]
    for phrase in (w for w in wanted if isinstance(w, tuple)):
        size = len(phrase)
        for at in range(len(words) - size + 1):
            if tuple(term for term, _, _ in words[at : at + size]) == phrase:
                found.append((words[at][1], words[at + size - 1][2]))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


def _cut(
    text: str, found: tuple[tuple[int, int], ...], width: int
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """At most about `width` characters of text around the first match, cut between words."""
    if len(text) <= width:
        return text, found
    first = found[0][0] if found else 0
    start = max(0, min(first - width // 3, len(text) - width))
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > (found[0][1] if found else start) else end
    head = "…" if start else ""
    tail = "…" if end < len(text) else ""
    shift = len(head) - start
    kept = tuple((s + shift, e + shift) for s, e in found if s >= start and e <= end)
    return head + text[start:end] + tail, kept


def for_hit(
    record: Mapping[str, Any], terms: Mapping[str, Wanted], width: int = SNIPPET
) -> tuple[Highlight, Highlight | None]:
    """The highlighted statement, and a snippet of a quote: of the most reliable source whose
    quote matches, the one with most matches (the first quote when none matches; None when the
    fact has no quote). The provenance comes strongest source first (kb.entries.reliability),
    so that a hit quotes its best source."""
    every: Wanted = set().union(*(terms.get(field, set()) for field in DEFAULT_FIELDS))
    statement_terms: Wanted = terms.get("statement", set()) | every
    statement = Highlight(
        "statement", record["statement"], spans(record["statement"], "statement", statement_terms)
    )
    provenance: Sequence[Mapping[str, Any]] = record.get("provenance") or ()
    if not provenance:
        return statement, None
    quote_terms: Wanted = terms.get("quote", set()) | every
    scored = [
        (bool(found), -tier, len(found), -i, prov, found)
        for i, (tier, prov) in enumerate(zip(_tiers(provenance), provenance, strict=True))
        for found in [spans(prov["quote"], "quote", quote_terms)]
    ]
    *_, best, found = max(scored, key=lambda item: item[:4])
    text, kept = _cut(best["quote"], found, width)
    return statement, Highlight("quote", text, kept, best["source"])


def _tiers(provenance: Sequence[Mapping[str, Any]]) -> list[int]:
    """For provenance listed strongest source first: 0 for the items of the first reliability
    level, 1 for the next level, and so on."""
    tiers, tier, previous = [], 0, None
    for number, prov in enumerate(provenance):
        level = prov.get("reliability")
        if number and level != previous:
            tier += 1
        tiers.append(tier)
        previous = level
    return tiers
