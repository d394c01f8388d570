"""What a query may not be: the limits as constants, and pure checks that raise QueryError
(exit 2) with what to do instead. Nothing here builds or changes a query; kb.search.query runs
the checks at its stages, in this order:

1. `check_text`: the string as typed (length, nesting, `word~99`, `subject:` with no value);
2. `check_query`: the parsed query (something to look for, no wildcard that scans every term,
   fuzzy distances, the number of terms, not only exclusions);
3. `check_expansions`: against the index, how many words a wildcard or fuzzy term stands for.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from kb.core.errors import QueryError
from kb.index.fields import FIELD_ALIASES, USER_FIELDS

MAX_CHARS = 500  # characters in a query
MAX_TERMS = 32  # words, phrase words and patterns in a query
MAX_DEPTH = 8  # nested parentheses
MAX_FUZZY = 2  # edit distance of `term~N`
MIN_LITERAL = 2  # characters before the first wildcard
MAX_EXPANSIONS = 200  # index terms one wildcard or fuzzy term may stand for, per field


# ---- 1. the text as typed ------------------------------------------------------------------


def check_text(text: str) -> None:
    """Checks on the query string (stripped), before parsing."""
    if not text:
        raise QueryError("empty query (to list facts without searching, use kb list)")
    if len(text) > MAX_CHARS:
        raise QueryError(f"query is {len(text)} characters long; the limit is {MAX_CHARS}")
    if _depth(text) > MAX_DEPTH:
        raise QueryError(f"query nests parentheses more than {MAX_DEPTH} deep")
    _check_typed(_unquoted(text))


# Compiled on first use (re's cache): most queries have no `~` and no `:`.
_FUZZY = r'(?<![\\"])(?P<word>[^\s"~()]+)~(?P<distance>[0-9]+)'
_EMPTY_FIELD = r"(?:^|(?<=[\s(]))(?P<field>[A-Za-z_]\w*):(?=[\s)]|$)\s*(?P<next>\w*)"


def _unquoted(text: str) -> str:
    """The query with the inside of every quoted phrase blanked (same length and offsets)."""
    if '"' not in text:
        return text
    return re.sub(r'"[^"]*("|$)', lambda m: '"' + " " * (len(m.group()) - 1), text)


def _check_typed(text: str) -> None:
    """Mistakes best reported as typed: the parser would read `word~99` as `word~9` and `99`,
    and `subject:` with nothing after it as a word."""
    for match in re.finditer(_FUZZY, text) if "~" in text else ():
        distance = int(match["distance"])
        if distance > MAX_FUZZY:
            raise QueryError(
                f"fuzzy distance {distance} in {match.group()!r} is too large; "
                f"use ~1 or ~{MAX_FUZZY}"
            )
    for empty in re.finditer(_EMPTY_FIELD, text) if ":" in text else ():
        name = empty["field"]
        if name.lower() in USER_FIELDS or name.lower() in FIELD_ALIASES:
            example = f"{name}:{empty['next'] or 'word'}"
            raise QueryError(f"{name}: needs a value right after the colon, as in {example}")


def _depth(text: str) -> int:
    depth = deepest = 0
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif not quoted and char == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif not quoted and char == ")":
            depth = max(0, depth - 1)
    return deepest


# ---- 2. the parsed query -------------------------------------------------------------------


def check_query(query: Any) -> None:
    """Checks on the parsed query (exclusions already grouped as AndNot)."""
    from whoosh.query import NullQuery

    if query is NullQuery:
        raise QueryError(
            "nothing to search for: the query has only common words (such as 'the') or punctuation"
        )
    _check_leaves(query)
    _check_size(query)
    if not _positive(query):
        raise QueryError("the query only excludes (NOT ...); add a word to search for")


def _check_leaves(query: Any) -> None:
    from whoosh.query import Every, FuzzyTerm, MultiTerm, Prefix, Wildcard

    for leaf in leaves(query):
        shown = _shown(leaf)
        if isinstance(leaf, Every) or (
            isinstance(leaf, (Prefix, Wildcard)) and not leaf.text.strip("*?:")
        ):
            raise QueryError(f"{shown!r} alone would match every fact; to list facts, use kb list")
        if isinstance(leaf, (Prefix, Wildcard)):
            leading = len(leaf.text) - len(leaf.text.lstrip("*?"))
            if leading:
                raise QueryError(
                    f"leading wildcards are not supported ({shown!r}); start "
                    f"with at least {MIN_LITERAL} letters"
                )
            head = (
                len(leaf.text)
                if isinstance(leaf, Prefix)
                else min(i for i, c in enumerate(leaf.text + "*") if c in "*?")
            )
            if head < MIN_LITERAL:
                raise QueryError(
                    f"{shown!r} is too broad: put at least {MIN_LITERAL} letters before a wildcard"
                )
        elif isinstance(leaf, FuzzyTerm):
            if leaf.maxdist > MAX_FUZZY:
                raise QueryError(
                    f"fuzzy distance {leaf.maxdist} in {leaf.text}~"
                    f"{leaf.maxdist} is too large; use ~1 or ~{MAX_FUZZY}"
                )
        elif isinstance(leaf, MultiTerm):
            raise QueryError(f"unsupported query: {leaf}")


def _shown(leaf: Any) -> str:
    """A leaf as typed (a Prefix query keeps its text without the `*`; Every has none)."""
    from whoosh.query import Prefix

    text = getattr(leaf, "text", None)
    if text is None:
        return "*"
    return f"{text}*" if isinstance(leaf, Prefix) else str(text)


def _check_size(query: Any) -> None:
    spans = set()
    for leaf in leaves(query):
        words = getattr(leaf, "words", None)
        start = getattr(leaf, "startchar", None)
        spans.add((start, getattr(leaf, "endchar", None), len(words) if words else 1))
    terms = sum(size for _, _, size in spans)
    if terms > MAX_TERMS:
        raise QueryError(f"query has {terms} terms; the limit is {MAX_TERMS}")


def _positive(query: Any) -> bool:
    """Whether the query matches by what it contains, not only by what it lacks."""
    from whoosh.query import And, AndNot, Not, Or

    if isinstance(query, Not):
        return False
    if isinstance(query, AndNot):
        return _positive(query.a)
    if isinstance(query, Or):
        return all(_positive(q) for q in query.subqueries)
    if isinstance(query, And):
        return any(_positive(q) for q in query.subqueries)
    return True


def leaves(query: Any) -> Iterator[Any]:
    if query.is_leaf():
        yield query
    else:
        for child in query.children():
            yield from leaves(child)


# ---- 3. against the index ------------------------------------------------------------------


def check_expansions(query: Any, reader: Any) -> None:
    """Refuse a wildcard or fuzzy term that stands for too many index terms."""
    from itertools import islice

    from whoosh.query import MultiTerm

    for leaf in leaves(query):
        if not isinstance(leaf, MultiTerm):
            continue
        field, text = getattr(leaf, "fieldname", None), getattr(leaf, "text", "")
        if field in reader.schema:
            found = sum(1 for _ in islice(leaf._btexts(reader), MAX_EXPANSIONS + 1))
            if found > MAX_EXPANSIONS:
                raise QueryError(
                    f"{text!r} matches more than {MAX_EXPANSIONS} different "
                    "words; make it more specific"
                )
