"""What a query's words mean beyond themselves: question words and filler, and the KB's
thesaurus (kb.toml `[[thesaurus]]`), applied at query time (the index keeps every word).

- **Filler**: question words, auxiliaries, pronouns and the like (`how`, `does`, `should`,
  `my`, `not`): in a query they weigh FILLER_WEIGHT of a word, and a fact need not contain them
  to count as having every word. A query of nothing but filler searches it as typed.
- **Thesaurus**: each entry lists `words` that mean the same (words or phrases) and what they
  `also` look for. A query containing one of the words (compared as stems, in order, stop
  words included: `side effect` matches "side effects") also looks for the entry's other words
  (weighing SAME_WEIGHT of a typed word) and its `also` (RELATED_WEIGHT). A fact scores by the
  best of them, not their sum (one meaning counts once), and a fact with one of the other
  words counts as having the words matched; `also` words only add to the score.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

FILLER_WEIGHT = 0.1  # of a typed word
SAME_WEIGHT = 0.5  # a thesaurus word of the same meaning as the one typed
RELATED_WEIGHT = 0.3  # a thesaurus word it `also` looks for

# English question words, auxiliaries, pronouns, determiners and negation, as typed (folded);
# Whoosh's stop words (`the`, `is`, `can`, `when`, ...) never reach the query at all.
_FILLER_TEXT = """
    who whom whose what which where why how whats
    do does did doing done am was were been being has have had having
    could should would shall might must
    i me my mine myself he him his she her hers it its we our ours they them their theirs
    yourself yourselves themselves ourselves there here these those
    much many any some anything something someone somebody anyone
    really actually also just very so too than then ever even
    get gets got getting go goes going tell know explain
    not don doesn didn isn aren wasn weren won wouldn shouldn couldn haven hasn hadn
"""
FILLER = frozenset(_FILLER_TEXT.split())


# Plain classes, not NamedTuples: creating a NamedTuple class costs every search ~0.15 ms.
class Match:
    """A thesaurus entry found in a query."""

    __slots__ = ("end", "related", "same", "start")

    def __init__(
        self, start: int, end: int, same: tuple[str, ...], related: tuple[str, ...]
    ) -> None:
        self.start, self.end = start, end  # the matched words' place in the query text
        self.same = same  # the entry's other words (stems): a fact with one has the words matched
        self.related = related  # its `also` (stems): looked for, not required


class Token:
    """A word of the query as the thesaurus keys hold it."""

    __slots__ = ("end", "key", "start", "stopped")

    def __init__(self, key: str, start: int, end: int, stopped: bool) -> None:
        self.key = key  # the stem (or stop word)
        self.start, self.end = start, end
        self.stopped = stopped  # a stop word or single letter: never a query term of its own


def tokens(text: str) -> list[Token]:
    """The query's words as the thesaurus keys were made (kb.index.fields.thesaurus_record)."""
    from kb.index.fields import TEXT_FIELD, schema

    analyzer: Any = schema()[TEXT_FIELD].analyzer
    return [
        Token(t.text, t.startchar, t.endchar, t.stopped)
        for t in analyzer(text, chars=True, removestops=False, mode="query")
    ]


def matches(
    found: Sequence[Token], thesaurus: Sequence[Sequence[Sequence[str]]]
) -> Iterator[Match]:
    """Each thesaurus entry (as kb.index.fields.thesaurus_record keeps it) one of whose keys
    occurs in the tokens, once per place (the longest of its keys there)."""
    keys = [t.key for t in found]
    for entry_keys, words, also in thesaurus:
        places: dict[int, tuple[int, str]] = {}  # start token -> (size, the word matched)
        for key, word in zip(entry_keys, words, strict=False):
            parts = key.split(" ") if key else []
            size = len(parts)
            for at in range(len(keys) - size + 1) if parts else ():
                if keys[at : at + size] == parts and size > places.get(at, (0, ""))[0]:
                    places[at] = (size, word)
        for at, (size, word) in sorted(places.items()):
            same = tuple(w for w in words if w and w != word)
            related = tuple(w for w in also if w)
            yield Match(found[at].start, found[at + size - 1].end, same, related)
