""" "Did you mean": a corrected query built from the words the index actually contains.

Each word of the query found in none of the fields it searches is replaced by the closest
indexed term of those fields (Damerau-Levenshtein distance 1, or 2 for words of five letters or
more; same first letter), the more frequent one on a tie. Free-text fields hold stems, so the
replacement is the word as written in a fact that contains the stem ("esketamine", not
"esketamin"). Only runs when a query found nothing.
"""

from __future__ import annotations

import json
from typing import Any

from kb.index.fields import STEMMED_FIELDS, schema, text_fields

MIN_LENGTH = 3


def _spans(query: Any) -> dict[tuple[int, int], list[tuple[str, str]]]:
    """Positive leaf terms by their place in the query string: {(start, end): [(field, text)]}."""
    from whoosh.query import AndNot, Not, Phrase, Term

    found: dict[tuple[int, int], list[tuple[str, str]]] = {}

    def walk(node: Any) -> None:
        if isinstance(node, Not):
            return
        if isinstance(node, AndNot):
            walk(node.a)
        elif isinstance(node, Term):
            start, end = getattr(node, "startchar", None), getattr(node, "endchar", None)
            if start is not None and end is not None:
                found.setdefault((start, end), []).append((node.fieldname, node.text))
        elif isinstance(node, Phrase):
            ranges: list[tuple[Any, Any]] = getattr(node, "char_ranges", None) or []
            for word, (start, end) in zip(node.words, ranges, strict=False):
                if start is not None and end is not None:
                    found.setdefault((start, end), []).append((node.fieldname, word))
        elif not node.is_leaf():
            for child in node.children():
                walk(child)

    walk(query)
    return found


def closest(reader: Any, terms: list[tuple[str, str]]) -> tuple[str, str] | None:
    """The indexed (field, term) nearest to any of the (field, term) pairs, or None."""
    from whoosh.support.levenshtein import damerau_levenshtein

    best: tuple[int, int, str, str] | None = None
    for field, text in terms:
        if len(text) < MIN_LENGTH or field not in reader.schema:
            continue
        maxdist = 1 if len(text) < 5 else 2
        for term in reader.terms_within(field, text, maxdist, prefix=1):
            if term == text:
                continue
            key = (damerau_levenshtein(text, term), -reader.doc_frequency(field, term), term, field)
            best = key if best is None or key < best else best
    return None if best is None else (best[3], best[2])


def surface(reader: Any, field: str, term: str) -> str | None:
    """A stemmed term as a word: how a fact that contains it writes it (lower case)."""
    if field not in STEMMED_FIELDS:
        return term
    postings = reader.postings(field, term)
    if not postings.is_active():
        return None
    stored = json.loads(reader.stored_fields(postings.id())["data"])
    text = text_fields(stored)[field]
    analyzer: Any = schema()[field].analyzer
    for token in analyzer(text, chars=True, removestops=False, mode="index"):
        if token.text == term:
            return text[token.startchar : token.endchar].lower()
    return None


def suggest(text: str, query: Any, reader: Any) -> str | None:
    """The query string with unknown words corrected, or None when there is nothing to fix."""
    replacements: list[tuple[int, int, str]] = []
    for (start, end), terms in _spans(query).items():
        if any((field, term) in reader for field, term in terms if field in reader.schema):
            continue
        found = closest(reader, terms)
        word = surface(reader, *found) if found else None
        if word is None:
            continue
        original = text[start:end]
        quoted = original.startswith('"') and original.endswith('"') and len(original) > 1
        replacements.append((start, end, f'"{word}"' if quoted or " " in word else word))
    if not replacements:
        return None
    corrected = text
    for start, end, word in sorted(replacements, reverse=True):
        corrected = corrected[:start] + word + corrected[end:]
    return corrected if corrected != text else None
