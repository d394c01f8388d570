"""Running a query, from the string typed to the Whoosh query searched: one pipeline.

`parse(text)` runs the stages in order; each is one function below, in the same order:

1. check the text as typed (kb.search.limits.check_text);
2. build the query: plain words directly (`_plain_words`, the common case, without importing
   Whoosh's parser), anything else with Whoosh's parser set up for kb (`_parser`: phrases,
   AND/OR/NOT, parentheses, `*`/`?` wildcards, `term~` fuzzy terms, `^` boosts, field
   prefixes from kb.index.fields.USER_FIELDS);
3. shape it: `a b NOT c` excludes c from "a or b" (`_exclusions`), fuzzy terms keep their first
   letter (`_fuzzy_prefix`);
4. check the query (kb.search.limits.check_query);
5. the tiers: facts containing every word rank before the others (`_all_words`).

Once the index is open, `check_against(parsed, reader)` is the last stage (how many words a
wildcard stands for). The limits are constants and pure checks in kb.search.limits.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, NamedTuple

from kb.core.errors import QueryError
from kb.entries.filters import Resolved
from kb.index.fields import DEFAULT_FIELDS, FIELD_ALIASES, USER_FIELDS, schema
from kb.search.limits import check_expansions, check_query, check_text, leaves
from kb.search.matchers import excluding_class


class Parsed(NamedTuple):
    text: str
    query: Any  # the whole query (a whoosh.query.Query)
    all_words: Any | None  # facts matching every word: ranked before the others


def parse(text: str) -> Parsed:
    """Parse and check a query (stages 1 to 5); QueryError (exit 2) for anything refused."""
    text = text.strip()
    check_text(text)  # 1
    query = _build(text)  # 2
    query = _fuzzy_prefix(_exclusions(query))  # 3
    check_query(query)  # 4
    return Parsed(text, query, _all_words(query))  # 5


def check_against(parsed: Parsed, reader: Any) -> None:
    """The last stage, once the index is open: limits that depend on the words it holds."""
    check_expansions(parsed.query, reader)


def _build(text: str) -> Any:
    try:
        query = _plain_words(text)
        return query if query is not None else _parser().parse(text)
    except QueryError:
        raise
    except RecursionError:
        raise QueryError("query is too deeply nested") from None
    except Exception as error:  # the parser is lenient; anything it still rejects is bad input
        raise QueryError(f"cannot parse the query: {error}") from None


_PLAIN = re.compile(r"[A-Za-z0-9]+(?:\s+[A-Za-z0-9]+)*")
_OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "REQUIRE"})  # OperatorsPlugin


def _plain_words(text: str) -> Any | None:
    """The query the parser would build for `text` when it is nothing but plain words (the
    common case), built without importing and setting up whoosh.qparser; else None.
    tests/unit/test_query_plain.py checks the two agree."""
    if not _PLAIN.fullmatch(text) or not _OPERATORS.isdisjoint(text.split()):
        return None
    from whoosh.query import NullQuery, Or, Term

    fields = schema()
    groups = []
    for word in re.finditer(r"\S+", text):
        terms = []
        for name, boost in DEFAULT_FIELDS.items():
            tokens = list(fields[name].process_text(word.group(), mode="query"))
            if len(tokens) > 1:
                return None  # the parser would make a phrase or group of it
            for token in tokens:
                term = Term(name, token, boost=boost)  # where it was typed: kb.search.spelling
                term.startchar, term.endchar = word.span()  # type: ignore[assignment]
                terms.append(term)
        groups.append(Or(terms) if terms else NullQuery)
    return _any_words()(groups).normalize()


@lru_cache(maxsize=1)
def _any_words() -> Any:
    from whoosh.query import Or

    class AnyWords(Or):
        """Words grouped without an operator."""

    return AnyWords


def any_words_class() -> Any:
    """The query class of words grouped without an operator."""
    return _any_words()


def valid_fields() -> str:
    return ", ".join(USER_FIELDS)


@lru_cache(maxsize=1)
def _parser() -> Any:
    from whoosh import qparser
    from whoosh.qparser import syntax

    class AnyWordsGroup(syntax.OrGroup):
        qclass = _any_words()

    class CheckFields(qparser.Plugin):
        """Field names: lower case, aliases resolved, unknown ones refused."""

        def filters(self, parser: Any) -> list[Any]:
            return [(self.check, 90)]

        def check(self, parser: Any, group: Any) -> Any:
            for node in group:
                if isinstance(node, syntax.GroupNode):
                    self.check(parser, node)
                elif isinstance(node, syntax.FieldnameNode):
                    name = node.fieldname.lower()
                    name = FIELD_ALIASES.get(name, name)
                    if name not in USER_FIELDS:
                        raise QueryError(
                            f"unknown field {node.fieldname!r} in the query; valid fields: "
                            f"{valid_fields()} (put text containing ':' in quotes)"
                        )
                    node.fieldname = USER_FIELDS[name]
            return group

    parser = qparser.MultifieldParser(
        list(DEFAULT_FIELDS), schema(), fieldboosts=DEFAULT_FIELDS, group=AnyWordsGroup
    )
    parser.remove_plugin_class(qparser.RangePlugin)
    parser.remove_plugin_class(qparser.EveryPlugin)
    parser.replace_plugin(
        qparser.FieldsPlugin(r"(?P<text>[A-Za-z_]\w*|[*]):", remove_unknown=False)
    )
    parser.add_plugin(qparser.FuzzyTermPlugin())
    parser.add_plugin(CheckFields())
    return parser


def _exclusions(query: Any) -> Any:
    """`a b NOT c` and `a OR NOT c` mean: a or b, but not c (Whoosh would read `OR all but c`);
    `a AND NOT c` and `a ANDNOT c` mean a but not c. Every exclusion becomes an `Excluding`
    query (kb.search.matchers: Whoosh's own AndNot matcher lets excluded facts through)."""
    from whoosh.query import And, AndNot, CompoundQuery, Not, Or

    excluding = excluding_class()
    if isinstance(query, AndNot):
        return excluding(_exclusions(query.a), _exclusions(query.b))
    if isinstance(query, (Or, And)):
        parts = [_exclusions(q) for q in query.subqueries]
        excluded = [q.query for q in parts if isinstance(q, Not)]
        kept = [q for q in parts if not isinstance(q, Not)]
        if excluded and kept:
            base = kept[0] if len(kept) == 1 else type(query)(kept, boost=query.boost)
            return excluding(base, excluded[0] if len(excluded) == 1 else Or(excluded))
        if excluded and isinstance(query, Or):
            return Not(Or(excluded))
        return type(query)(parts, boost=query.boost)
    if isinstance(query, CompoundQuery):
        return query.apply(_exclusions)
    return query


def _fuzzy_prefix(query: Any) -> Any:
    """Fuzzy terms keep their first letter (`esketamin~` never scans every word)."""
    from whoosh.query import FuzzyTerm

    for leaf in leaves(query):
        if isinstance(leaf, FuzzyTerm):
            leaf.prefixlength = max(leaf.prefixlength, 1)
    return query


def _all_words(query: Any) -> Any | None:
    """The query for facts containing every word, when words were grouped without operators."""
    from whoosh.query import And, AndNot

    words_class = any_words_class()
    if isinstance(query, AndNot) and isinstance(query.a, words_class):
        every = _all_words(query.a)
        return AndNot(every, query.b) if every is not None else None
    if isinstance(query, words_class) and len(query.subqueries) > 1:
        return And(query.subqueries)
    return None


def positive_terms(query: Any, reader: Any) -> dict[str, set[str]]:
    """The index terms (wildcards expanded) the query looks for, by field: what to highlight.
    Excluded terms (NOT) are left out."""
    from whoosh.query import AndNot, Not

    found: dict[str, set[str]] = {}

    def walk(node: Any) -> None:
        if isinstance(node, Not):
            return
        if isinstance(node, AndNot):
            walk(node.a)
            return
        if not node.is_leaf():
            for child in node.children():
                walk(child)
            return
        for field, term in node.existing_terms(reader, phrases=True, expand=True):
            text = term.decode("utf-8") if isinstance(term, bytes) else str(term)
            found.setdefault(field, set()).add(text)

    walk(query)
    return found


def filter_query(filters: Resolved) -> Any | None:
    """Resolved filters as one query: every filter given, each any of its values."""
    from whoosh.query import And, Or, Term

    clauses = []
    for field, values in (
        ("subject_id", filters.subject),
        ("topic", {v.lower() for v in filters.topic}),
        ("tag", filters.tag),
        ("source_id", filters.source),
        ("status", {v.lower() for v in filters.status}),
    ):
        terms = [Term(field, value) for value in sorted(values)]
        if terms:
            clauses.append(terms[0] if len(terms) == 1 else Or(terms))
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else And(clauses)
