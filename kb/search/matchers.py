"""Whoosh matchers kb cannot use as they are, and the query classes that use corrected ones.

`whoosh.matching.AndNotMatcher` (whoosh3 3.54.0, the same code as Whoosh 2.7) runs `a ANDNOT b`:

- when it starts, it only skips the first document of `a` if `b` is *on* that same document;
  when `b` starts on an earlier document and also contains `a`'s first one, that document is
  matched although `b` contains it;
- `skip_to` (inherited from BiMatcher) moves both matchers and never checks that the document
  it lands on is not one of `b`'s.

Collectors that read every match (`--all`, a large `--limit`, counting) hit the first bug: about
one random pair of words in nine returned one excluded fact. `Excluding` is `AndNot` with a
matcher that checks `b` wherever `a` starts or lands; tests/unit/search/test_exclusion.py
compares it with set difference over random pairs, at every limit.

`whoosh.matching.RequireMatcher` (`a REQUIRE b`: the documents of both, scored by `a` alone:
kb's field terms and first tier) fails an assertion in `skip_to_quality` whenever `a` skips to
a document `b` is on (it asks the intersection to find the next common document, which assumes
they differ), and reads past the end when `a` runs out. `Requiring` uses a matcher that only
looks for the next common document when there is one to look for.

`whoosh.matching.DisjunctionMaxMatcher` (a document scored by the best of several queries:
the thesaurus words of one meaning) takes the maximum of both sides' scores even when one side
is on another document, so every document got the best score of the whole query; its
`replace` also drops a side that is still active. `Best` uses a matcher that scores only the
sides on the current document and takes no part in Whoosh's block-quality skipping.

`Section` is kb's own: a query held to one section of the `text` field (kb.index.fields:
`statement:x` is x within the positions of the statement), with Whoosh's span matching.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def excluding_class() -> Any:
    """The `Excluding` query class (built on first use: it subclasses Whoosh classes)."""
    from whoosh.matching import AndNotMatcher, ReadTooFar
    from whoosh.query import AndNot

    class ExcludingMatcher(AndNotMatcher):
        def _find_first(self) -> None:
            if self.a.is_active() and self.b.is_active():
                self._find_next()

        def _find_next(self) -> bool:
            if not self.a.is_active():
                return False
            return bool(super()._find_next())

        def skip_to(self, id: int) -> None:
            if not self.is_active():
                raise ReadTooFar
            self.a.skip_to(id)
            if self.a.is_active() and self.b.is_active():
                self._find_next()

        def skip_to_quality(self, minquality: float) -> int:
            skipped = int(self.a.skip_to_quality(minquality))
            if self.b.is_active():
                self._find_next()
            return skipped

    class Excluding(AndNot):
        """`a ANDNOT b` that never matches a document of `b`."""

        def matcher(self, searcher: Any, context: Any = None) -> Any:
            scored = self.a.matcher(searcher, context)
            excluded = self.b.matcher(searcher, searcher.boolean_context())
            return ExcludingMatcher(scored, excluded)

    return Excluding


@lru_cache(maxsize=1)
def requiring_class() -> Any:
    """The `Requiring` query class (built on first use: it subclasses Whoosh classes)."""
    from whoosh.matching import RequireMatcher
    from whoosh.query import Require

    class RequiringMatcher(RequireMatcher):
        def skip_to_quality(self, minquality: float) -> int:
            skipped = int(self.a.skip_to_quality(minquality))
            a, b = self.a, self.b
            if a.is_active() and b.is_active() and a.id() != b.id():
                self.child._find_next()
            return skipped

    class Requiring(Require):
        """`a REQUIRE b`: documents matching both, scored by `a` only."""

        def matcher(self, searcher: Any, context: Any = None) -> Any:
            scored = self.a.matcher(searcher, context)
            required = self.b.matcher(searcher, searcher.boolean_context())
            return RequiringMatcher(scored, required)

    return Requiring


@lru_cache(maxsize=1)
def best_class() -> Any:
    """The `Best` query class (built on first use: it subclasses Whoosh classes)."""
    from whoosh.matching import DisjunctionMaxMatcher, NullMatcher
    from whoosh.query import DisjunctionMax

    class BestMatcher(DisjunctionMaxMatcher):
        def _on(self) -> list[Any]:
            """The sides on the current document."""
            active = [m for m in (self.a, self.b) if m.is_active()]
            current = min(m.id() for m in active)
            return [m for m in active if m.id() == current]

        def score(self) -> float:
            scores = [m.score() for m in self._on()]
            best = max(scores)
            return best + self.tiebreak * (sum(scores) - best)

        def weight(self) -> float:
            return max(m.weight() for m in self._on())

        def supports_block_quality(self) -> bool:
            return False

        def replace(self, minquality: float = 0) -> Any:
            a = self.a.replace() if self.a.is_active() else NullMatcher()
            b = self.b.replace() if self.b.is_active() else NullMatcher()
            if not a.is_active():
                return b
            if not b.is_active():
                return a
            if a is self.a and b is self.b:
                return self
            return self.__class__(a, b, tiebreak=self.tiebreak)

    class Best(DisjunctionMax):
        """Documents matching any of the queries, scored by the best one on each."""

        def _matcher(self, subs: Any, searcher: Any, context: Any) -> Any:
            reader = searcher.reader()
            return self._tree_matcher(
                subs,
                BestMatcher,
                searcher,
                context,
                lambda query: query.estimate_size(reader),
                tiebreak=self.tiebreak,
            )

    return Best


@lru_cache(maxsize=1)
def section_class() -> Any:
    """The `Section` query class (built on first use: it subclasses Whoosh classes)."""
    from whoosh.query.spans import SpanWrappingMatcher, WrappingSpan

    class SectionMatcher(SpanWrappingMatcher):
        def __init__(self, child: Any, start: int, end: int) -> None:
            self.start, self.end = start, end
            super().__init__(child)

        def copy(self) -> Any:
            return self.__class__(self.child.copy(), self.start, self.end)

        def _replacement(self, newchild: Any) -> Any:
            return self.__class__(newchild, self.start, self.end)

        def _get_spans(self) -> list[Any]:
            return [s for s in self.child.spans() if self.start <= s.start and s.end < self.end]

    class Section(WrappingSpan):
        """Matches of `q` within positions [start, end): one section of a text field."""

        section_of_text = True

        def __init__(self, q: Any, start: int = 0, end: int = 0, name: str = "") -> None:
            self.q, self.start, self.end, self.name = q, start, end, name

        def __eq__(self, other: object) -> bool:
            return type(other) is type(self) and (other.q, other.start, other.end) == (
                self.q,
                self.start,
                self.end,
            )

        def __hash__(self) -> int:
            return hash(self.q) ^ hash(self.start)

        def __repr__(self) -> str:
            return f"Section({self.q!r}, {self.name!r})"

        def __str__(self) -> str:
            return f"{self.name}:({self.q})"

        def apply(self, fn: Any) -> Any:
            return self.__class__(fn(self.q), self.start, self.end, self.name)

        def estimate_size(self, reader: Any) -> int:
            return int(self.q.estimate_size(reader))

        def estimate_min_size(self, reader: Any) -> int:
            return 0

        def matcher(self, searcher: Any, context: Any = None) -> Any:
            return SectionMatcher(self._subm(searcher, context), self.start, self.end)

    return Section
