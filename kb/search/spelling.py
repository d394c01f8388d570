""" "Did you mean": a corrected query built from the words the facts actually contain.

A word of the query is unknown when none of the fields it searches holds it. Each unknown word
is replaced by the closest word of the facts as written (the index's words field, never a
stem; for a field of whole values such as `subject:` or `tag:`, the closest value of that
field): Damerau-Levenshtein distance 1, or 2 for words of five letters or more, same first
letter; among equally close words the one in most facts. Every occurrence of a word is
corrected (`spravto spravto`).
"""

from __future__ import annotations

import re
from typing import Any

from kb.index.fields import STEMMED_FIELDS, WORDS_FIELD
from kb.index.text import fold
from kb.search.thesaurus import FILLER

MIN_LENGTH = 3
KEYWORDS = 3  # words at most, none of them filler, for a query to be corrected despite hits


def spans(query: Any) -> dict[tuple[int, int], list[tuple[str, str]]]:
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


def unknown(text: str, query: Any, reader: Any) -> dict[tuple[int, int], list[tuple[str, str]]]:
    """The words of the query (by place) that no fact holds in any field they search; filler
    words (`how`, `does`: kb.search.thesaurus) do not count."""
    found = {}
    for place, terms in spans(query).items():
        typed = text[place[0] : place[1]].strip('"')
        if not typed or fold(typed) in FILLER:
            continue
        if not any((field, term) in reader for field, term in terms if field in reader.schema):
            found[place] = terms
    return found


def keywords(text: str, query: Any) -> bool:
    """Whether the query is a few keywords (no filler words such as `how`, `does`), rather
    than a question or a sentence."""
    typed = [text[start:end].strip('"') for start, end in spans(query)]
    return len(typed) <= KEYWORDS and not any(fold(word) in FILLER for word in typed)


def closest(reader: Any, field: str, typed: str) -> str | None:
    """The word (or whole value, for a keyword field) nearest to `typed`, or None."""
    from whoosh.support.levenshtein import damerau_levenshtein

    lookup = WORDS_FIELD if field in STEMMED_FIELDS else field
    typed = fold(typed)
    if len(typed) < MIN_LENGTH or lookup not in reader.schema:
        return None
    maxdist = 1 if len(typed) < 5 else 2
    best: tuple[int, int, str] | None = None
    for word in reader.terms_within(lookup, typed, maxdist, prefix=1):
        if word == typed:
            continue
        key = (damerau_levenshtein(typed, word), -reader.doc_frequency(lookup, word), word)
        best = key if best is None or key < best else best
    return None if best is None else best[2]


def suggest(text: str, query: Any, reader: Any) -> str | None:
    """The query string with its unknown words corrected, or None when there is nothing to fix."""
    fixes: dict[str, str] = {}  # typed word (folded) -> the word to search instead
    places: list[tuple[int, int, str]] = []
    for (start, end), terms in sorted(unknown(text, query, reader).items()):
        typed = text[start:end]
        bare = typed.strip('"')
        if fold(bare) not in fixes:
            fields = dict.fromkeys(field for field, _ in terms)
            found = (closest(reader, field, bare) for field in fields)
            word = next((w for w in found if w is not None), None)
            if word is None:
                continue
            fixes[fold(bare)] = word
        word = fixes[fold(bare)]
        quoted = typed.startswith('"') and typed.endswith('"') and len(typed) > 1
        places.append((start, end, f'"{word}"' if quoted or " " in word else word))
    if not fixes:
        return None
    # The same word typed again: one query term (Whoosh drops repeated ones), corrected too.
    taken = [(start, end) for start, end, _ in places]
    for match in re.finditer(r"(?<![\w\-:])[\w\-]+(?![\w\-:])", text):
        word = fixes.get(fold(match.group()))
        if word is not None and not any(s < match.end() and match.start() < e for s, e in taken):
            places.append((match.start(), match.end(), f'"{word}"' if " " in word else word))
    corrected = text
    for start, end, word in sorted(places, reverse=True):
        corrected = corrected[:start] + word + corrected[end:]
    return corrected if corrected != text else None
