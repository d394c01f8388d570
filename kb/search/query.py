"""Running a query, from the string typed to the Whoosh query searched: one pipeline.

`parse(text)` runs the stages in order; each is one function below, in the same order:

1. check the text as typed (kb.search.limits.check_text);
2. build the query: plain words directly (`_plain_words`, the common case, without importing
   Whoosh's parser), anything else with Whoosh's parser set up for kb (`_parser`: phrases,
   AND/OR/NOT, parentheses, `*`/`?` wildcards, `term~` fuzzy terms, `^` boosts, field
   prefixes from kb.index.fields.USER_FIELDS);
3. shape it: `a b NOT c` excludes c from "a or b" (`_exclusions`), a quoted phrase in a
   keyword field is the whole keyword (`_whole_keywords`), fuzzy terms keep their first
   letter (`_fuzzy_prefix`);
4. check the query (kb.search.limits.check_query);
5. the tiers: facts containing every word rank before the others (`_all_words`).

Once the index is open, `prepare(parsed, reader)` is the last stage: wildcards and fuzzy terms
are compared with the words of the facts as written (not their stems), checked (how many words
one stands for) and replaced by those words, each searched as if typed (`_patterns`). The
limits are constants and pure checks in kb.search.limits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from kb.core.errors import QueryError
from kb.entries.filters import Resolved
from kb.index.fields import (
    DEFAULT_FIELDS,
    FIELD_ALIASES,
    KEBAB_FIELDS,
    SECTION_FIELDS,
    STEMMED_FIELDS,
    TEXT_FIELD,
    USER_FIELDS,
    WORDS_FIELD,
    query_schema,
    schema,
)
from kb.index.text import SECTION_STRIDE, fold
from kb.search.limits import check_expansions, check_query, check_text, leaves
from kb.search.thesaurus import (
    FILLER,
    FILLER_WEIGHT,
    RELATED_WEIGHT,
    SAME_WEIGHT,
    Match,
    Token,
    matches,
    tokens,
)


class Parsed:
    """A query parsed and checked. (A plain class: a NamedTuple with annotations would cost
    every search the compilation of each annotation.)"""

    __slots__ = ("all_words", "checked", "query", "text")

    def __init__(self, text: str, query: Any, all_words: Any, checked: Any = None) -> None:
        self.text = text
        self.query = query  # the whole query (a whoosh.query.Query)
        self.all_words = all_words  # facts matching every word: ranked first (None: no tier)
        self.checked = checked  # the query as checked (stage 4), which stage 6 shapes again


def _without_question_mark(text: str) -> str:
    """`text` without the question marks ending it after a word: a question, not a wildcard
    (`safe?` would be "safer"). (String tests, not a regular expression compiled every search.)"""
    if not text.endswith("?"):
        return text
    before = text.rstrip("?").rstrip()
    return before if before and (before[-1].isalnum() or before[-1] == "_") else text


def parse(text: str) -> Parsed:
    """Parse and check a query (stages 1 to 5); QueryError (exit 2) for anything refused."""
    text = _without_question_mark(text.strip())  # `is spravato safe?` asks about "safe"
    check_text(text)  # 1
    query = _build(text)  # 2
    query = _fuzzy_prefix(_whole_keywords(_exclusions(query)))  # 3
    check_query(query)  # 4
    return Parsed(text, *_shape(query, text), checked=query)  # 5


def prepare(parsed: Parsed, reader: Any, thesaurus: Sequence[Any] = ()) -> Parsed:
    """Stage 6, once the index is open: the query shaped again with the KB's thesaurus
    (kb.search.thesaurus, kept in the index manifest), then wildcards and fuzzy terms checked
    and replaced by the words they stand for (kb.search.limits.check_expansions, `_patterns`)."""
    query, every = parsed.query, parsed.all_words
    found = tokens(parsed.text) if thesaurus else []
    found_matches = list(matches(found, thesaurus)) if thesaurus else []
    if found_matches or every is not None:
        count = max(reader.doc_count(), 1)

        def share(word: Any) -> float:
            """The share of facts that contain a word (its most frequent field)."""
            terms = [(q.fieldname, q.text) for q in leaves(word) if hasattr(q, "text")]
            return max((reader.doc_frequency(f, t) for f, t in terms), default=0) / count

        query, every = _shape(parsed.checked, parsed.text, found_matches, found, share)
    check_expansions(query, reader)
    query = _sections(_patterns(query, reader))
    every = _sections(_patterns(every, reader)) if every is not None else None
    return Parsed(parsed.text, query, every, parsed.checked)


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


_OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "REQUIRE"})  # OperatorsPlugin


def _plain_words(text: str) -> Any | None:
    """The query the parser would build for `text` when it is nothing but plain words (the
    common case), built without importing and setting up whoosh.qparser; else None.
    tests/unit/test_query_plain.py checks the two agree."""
    words = text.split()  # ASCII letters and digits between white space (no regex to compile)
    if not words or text[0].isspace() or text[-1].isspace():
        return None
    if not all(w.isascii() and w.isalnum() for w in words) or not _OPERATORS.isdisjoint(words):
        return None
    from whoosh.query import NullQuery, Or, Term

    fields = schema()
    groups = []
    end = 0
    for word in words:
        start = text.index(word, end)  # where it was typed
        end = start + len(word)
        terms = []
        for name, boost in DEFAULT_FIELDS.items():
            tokens = list(fields[name].process_text(word, mode="query"))
            if len(tokens) > 1:
                return None  # the parser would make a phrase or group of it
            for token in tokens:
                term = Term(name, token, boost=boost)  # where it was typed: kb.search.spelling
                term.startchar, term.endchar = start, end  # type: ignore[assignment]
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
    from whoosh.query import MultiTerm

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
        list(DEFAULT_FIELDS), query_schema(), fieldboosts=DEFAULT_FIELDS, group=AnyWordsGroup
    )
    analysed = parser.term_query

    def term_query(fieldname: str, text: str, termclass: Any, *args: Any, **kwargs: Any) -> Any:
        """A wildcard or fuzzy term of a stemmed field keeps the word as typed (folded, never
        stemmed): `_patterns` compares it with the words as written, which the stem of
        `ket?mine` ("ket?min") would not match."""
        if fieldname in STEMMED_FIELDS and issubclass(termclass, MultiTerm):
            boost = args[0] if args else kwargs.get("boost", 1.0)
            return termclass(fieldname, fold(text), boost=boost)
        return analysed(fieldname, text, termclass, *args, **kwargs)

    parser.term_query = term_query  # type: ignore[method-assign]
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

    if isinstance(query, AndNot):
        from kb.search.matchers import excluding_class

        return excluding_class()(_exclusions(query.a), _exclusions(query.b))
    if isinstance(query, (Or, And)):
        parts = [_exclusions(q) for q in query.subqueries]
        excluded = [q.query for q in parts if isinstance(q, Not)]
        kept = [q for q in parts if not isinstance(q, Not)]
        if excluded and kept:
            from kb.search.matchers import excluding_class

            base = kept[0] if len(kept) == 1 else type(query)(kept, boost=query.boost)
            return excluding_class()(base, excluded[0] if len(excluded) == 1 else Or(excluded))
        if excluded and isinstance(query, Or):
            return Not(Or(excluded))
        return type(query)(parts, boost=query.boost)
    if isinstance(query, CompoundQuery):
        return query.apply(_exclusions)
    return query


def _whole_keywords(query: Any) -> Any:
    """A quoted phrase in a field of kebab-case keywords (`tag:"nasal spray"`) is the whole
    keyword (`nasal-spray`)."""
    from whoosh.query import Phrase, Term

    if isinstance(query, Phrase) and query.fieldname in KEBAB_FIELDS:
        term = Term(query.fieldname, "-".join(query.words), boost=query.boost)
        term.startchar, term.endchar = query.startchar, query.endchar
        return term
    if query.is_leaf():
        return query
    return query.apply(_whole_keywords)


def _fuzzy_prefix(query: Any) -> Any:
    """Fuzzy terms keep their first letter (`esketamin~` never scans every word)."""
    from whoosh.query import FuzzyTerm

    for leaf in leaves(query):
        if isinstance(leaf, FuzzyTerm):
            leaf.prefixlength = max(leaf.prefixlength, 1)
    return query


def _patterns(query: Any, reader: Any) -> Any:
    """Wildcard and fuzzy terms of stemmed fields replaced by the words they match as written
    (in the words field), each searched in the term's field as a typed word would be: `medicat*`
    finds "medication" and "medications" (whose stem is "medic"), not every stem that starts
    with "medicat". Other fields (keywords, ids) hold whole values: their patterns stay."""
    from whoosh.query import MultiTerm, NullQuery, Or, Term

    fields = schema()
    found: dict[tuple[Any, ...], list[str]] = {}

    def replace(node: Any) -> Any:
        if not node.is_leaf():
            return node.apply(replace)
        if not isinstance(node, MultiTerm):
            return node
        pattern: Any = _copy(node)  # Prefix, Wildcard or FuzzyTerm
        if pattern.fieldname not in STEMMED_FIELDS:
            return node
        field, boost = pattern.fieldname, pattern.boost
        key = (type(node), pattern.text, getattr(node, "maxdist", 0))
        if key not in found:
            pattern.fieldname, pattern.text = WORDS_FIELD, fold(pattern.text)
            found[key] = _pattern_words(pattern, reader)
        stems = sorted({stem for word in found[key] for stem in fields[field].process_text(word)})
        terms = []
        for stem in stems:
            term = Term(field, stem, boost=boost)
            term.startchar, term.endchar = node.startchar, node.endchar
            terms.append(term)
        if not terms:
            return NullQuery
        return terms[0] if len(terms) == 1 else Or(terms)

    replaced = replace(query)
    return query if replaced == query else replaced.normalize()


def _pattern_words(pattern: Any, reader: Any) -> list[str]:
    """The words as written that a pattern of the words field matches. A fuzzy term counts
    swapping two neighbouring letters as one edit, as a typist would (`bladdre~1` finds
    "bladder"); Whoosh's own counts it as two."""
    from whoosh.query import FuzzyTerm

    words = {_text(t) for t in pattern._btexts(reader)}
    if isinstance(pattern, FuzzyTerm):
        text = pattern.text
        for i in range(max(pattern.prefixlength, 0), len(text) - 1):
            if text[i] == text[i + 1]:
                continue
            swapped = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
            if pattern.maxdist > 1:
                near = _copy(pattern)
                near.text, near.maxdist = swapped, pattern.maxdist - 1
                words.update(_text(t) for t in near._btexts(reader))
            elif (WORDS_FIELD, swapped) in reader:
                words.add(swapped)
    return sorted(words)


def _text(term: Any) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else term


COMMON = 0.15  # a word in this share of the facts or more ranks, but is not required


class _Word:
    """A word (or phrase) typed without a field: Whoosh's query for it in the default fields.
    (A plain class: a NamedTuple class costs every search ~0.15 ms to create.)"""

    __slots__ = ("end", "filler", "query", "start")

    def __init__(self, query: Any, start: int, end: int, filler: bool) -> None:
        self.query, self.start, self.end, self.filler = query, start, end, filler


def _shape(
    query: Any,
    text: str,
    found: Sequence[Match] = (),
    words_typed: Sequence[Token] = (),
    share: Callable[[Any], float] | None = None,
) -> tuple[Any, Any | None]:
    """Stage 5: the query searched and the tier ranked first (facts with every word), from
    words grouped without operators (`a b field:c`):

    - a field term narrows (`subject:esketamine bladder`: esketamine facts, ranked by
      "bladder"); field terms alone are all required;
    - filler words (kb.search.thesaurus.FILLER) weigh little and are not required;
    - thesaurus matches (stage 6) add their words with a lower weight; a fact with one of them
      counts as having the words matched;
    - every other word is required in the first tier.

    Returns the query and the first tier's (None when there is none)."""
    from whoosh.query import And, AndNot

    excluded = None
    if isinstance(query, AndNot):  # an Excluding (stage 3)
        query, excluded = query.a, query.b
    children = list(query.subqueries) if isinstance(query, _any_words()) else [query]
    filters, words, groups = [], [], []
    for child in children:
        kind = _kind(child)
        if kind == "filter":
            filters.append(child)
        elif kind == "word":
            start, end = child_span(child)
            filler = _is_term(child) and fold(text[start:end].strip('"')) in FILLER
            words.append(_Word(child, start, end, filler))
        else:
            groups.append(child)
    if words and all(word.filler for word in words) and not groups and not found:
        words = [_Word(w.query, w.start, w.end, False) for w in words]  # only filler: as typed
    usable = [m for m in found if _covers_words(m, words, words_typed)]

    ranked = [_weighed(w.query, FILLER_WEIGHT) if w.filler else w.query for w in words]
    required: list[Any] = []
    context: list[Any] = []  # what would be required but for being common
    covered_spans = []
    for match in usable:
        covered = [w for w in words if match.start <= w.start and w.end <= match.end]
        content = [w.query for w in covered if not w.filler]
        ranked = [q for q in ranked if not any(q is w.query for w in covered)]
        typed_stems = {leaf.text for q in content for leaf in leaves(q) if hasattr(leaf, "text")}
        same = _expansions(match.same, SAME_WEIGHT, typed_stems)
        related = _expansions(match.related, RELATED_WEIGHT, typed_stems)
        meaning = ([_any(content)] if content else []) + same + related
        if meaning:
            ranked.append(_best(meaning))
        if content and share is not None and all(share(q) >= COMMON for q in content):
            context.append(_any([_all(content), *same]))  # common words: ranked, not required
        elif content or same:
            required.append(_any(([_all(content)] if content else []) + same))
        elif related:  # a question's words ("how much", "where"): what they ask about
            required.append(_any(related))
        covered_spans.append((match.start, match.end))
    ranked += groups
    required += groups
    uncovered = [
        w.query
        for w in words
        if not w.filler and not any(s <= w.start and w.end <= e for s, e in covered_spans)
    ]
    distinct = [q for q in uncovered if share is None or share(q) < COMMON]
    context += [q for q in uncovered if q not in distinct]
    required += distinct if distinct or required else context
    every = None
    plain = len(ranked) == len(required) and all(
        a is b for a, b in zip(ranked, required, strict=True)
    )
    # Whether the ranked query finds facts the required parts do not (without it, one
    # required part is every match: no first tier to search).
    loose = bool(context) or any(w.filler for w in words) or any(m.related for m in usable)
    if plain and len(required) > 1:
        every = And(required)  # words only: facts with all of them, scored by them
    elif required and not plain and (len(required) > 1 or loose):
        from kb.search.matchers import requiring_class

        every = requiring_class()(_any(ranked), _all(required))  # scored by filler, thesaurus
    if ranked:
        searched = _any(ranked)
        if filters:
            from kb.search.matchers import requiring_class

            require = requiring_class()
            searched = require(searched, _all(filters))
            every = require(every, _all(filters)) if every is not None else None
    else:
        searched = _all(filters)
    if excluded is not None:
        from kb.search.matchers import excluding_class

        excluding = excluding_class()
        searched = excluding(searched, excluded)
        every = excluding(every, excluded) if every is not None else None
    return searched, every


def _kind(query: Any) -> str:
    """ "filter" (a field term: every leaf in one field, not a word of the default fields),
    "word" (one word or phrase typed without a field) or "group" (anything else)."""
    fields = {leaf.fieldname for leaf in leaves(query) if getattr(leaf, "fieldname", None)}
    if len(fields) == 1 and not (fields <= DEFAULT_FIELDS.keys() and len(DEFAULT_FIELDS) == 1):
        return "filter"
    if fields and fields <= DEFAULT_FIELDS.keys():
        spans = {
            (getattr(q, "startchar", None), getattr(q, "endchar", None)) for q in leaves(query)
        }
        if len(spans) == 1 and None not in next(iter(spans)):
            return "word"
    return "group"


def child_span(query: Any) -> tuple[int, int]:
    """Where a word was typed (every leaf of a word has the same place)."""
    leaf = next(leaves(query))
    return leaf.startchar, leaf.endchar


def _is_term(query: Any) -> bool:
    from whoosh.query import Term

    return all(isinstance(leaf, Term) for leaf in leaves(query))


def _covers_words(match: Match, words: Sequence[_Word], typed: Sequence[Token]) -> bool:
    """Whether a thesaurus match lies on words typed without a field or operator: each of its
    tokens is one of those words, or a stop word typed in lower case."""
    inside = [t for t in typed if match.start <= t.start and t.end <= match.end]
    return bool(inside) and all(
        any(w.start <= t.start and t.end <= w.end for w in words)
        or (t.stopped and not any(c.isupper() for c in t.key))
        for t in inside
    )


def _copy(query: Any) -> Any:
    """A shallow copy of a query object (the `copy` module would cost every search 1.3 ms of
    imports: it loads `weakref`)."""
    clone = object.__new__(type(query))
    clone.__dict__.update(query.__dict__)
    return clone


def _weighed(query: Any, weight: float) -> Any:
    weighed = _copy(query)
    weighed.boost = query.boost * weight
    return weighed


def _expansions(texts: Sequence[str], weight: float, typed: set[str]) -> list[Any]:
    """Thesaurus words or phrases (their stems, space-separated: kb.index.fields.
    thesaurus_record) as queries over the default fields, weighing `weight` of a typed word;
    those that come to the stems typed (`addicted` for `addiction`) are left out."""
    from whoosh.query import Or, Phrase, Term

    found, seen = [], set()
    for text in texts:
        stems = tuple(text.split(" "))
        if stems in seen or (len(stems) == 1 and stems[0] in typed):
            continue
        seen.add(stems)
        found.append(
            Or(
                [
                    Term(name, stems[0], boost=boost * weight)
                    if len(stems) == 1
                    else Phrase(name, list(stems), boost=boost * weight)
                    for name, boost in DEFAULT_FIELDS.items()
                ]
            )
        )
    return found


def _best(parts: Sequence[Any]) -> Any:
    """Facts matching any of the parts, scored by the best one (one meaning counts once)."""
    from kb.search.matchers import best_class

    return parts[0] if len(parts) == 1 else best_class()(list(parts))


def _all(parts: Sequence[Any]) -> Any:
    from whoosh.query import And

    return parts[0] if len(parts) == 1 else And(list(parts))


def _any(parts: Sequence[Any]) -> Any:
    return parts[0] if len(parts) == 1 else _any_words()(list(parts))


def _sections(query: Any) -> Any:
    """`statement:`, `value:` and `quote:` terms looked for in their section of the text field
    (kb.index.fields.SECTION_FIELDS, kb.search.matchers.section_class)."""
    if not any(getattr(leaf, "fieldname", None) in SECTION_FIELDS for leaf in leaves(query)):
        return query
    from kb.search.matchers import section_class

    section = section_class()

    def held(node: Any) -> Any:
        if not node.is_leaf():
            return node.apply(held)
        name = getattr(node, "fieldname", None)
        if name not in SECTION_FIELDS:
            return node
        inner = _copy(node)
        inner.fieldname = TEXT_FIELD
        start = SECTION_FIELDS[name] * SECTION_STRIDE
        return section(inner, start, start + SECTION_STRIDE, name)

    return held(query)


def positive_terms(query: Any, reader: Any) -> dict[str, set[str | tuple[str, ...]]]:
    """What to highlight, by field: the index terms the query looks for (wildcards expanded),
    and its phrases as tuples of terms (a phrase is highlighted where its words are in a row,
    not wherever one of them is). Excluded terms (NOT) are left out."""
    from whoosh.query import AndNot, Not, Phrase

    found: dict[str, set[str | tuple[str, ...]]] = {}

    def walk(node: Any) -> None:
        if isinstance(node, Not):
            return
        if isinstance(node, AndNot):
            walk(node.a)
            return
        if getattr(node, "section_of_text", False):  # a Section (without importing spans)
            for field, terms in positive_terms(node.q, reader).items():
                found.setdefault(node.name if field == TEXT_FIELD else field, set()).update(terms)
            return
        if isinstance(node, Phrase):
            found.setdefault(node.fieldname, set()).add(tuple(node.words))
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
    if filters.reliable_sources is not None:  # --min-reliability: a source at least that good
        # no source that good: a term no document has (whoosh drops a NullQuery from an And)
        reliable = sorted(filters.reliable_sources) or [" "]
        terms = [Term("source_id", value) for value in reliable]
        clauses.append(terms[0] if len(terms) == 1 else Or(terms))
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else And(clauses)
