"""How text becomes index terms: the analysers of kb.index.fields, used alike for the facts
(when indexing) and for queries, highlighting and spelling.

Free text is split into words (a number with thousands separators, `100,000`, is one word),
lower-cased and folded (`café` and `cafe` are the same word: accents and ligatures dropped,
`ß` → `ss`); Chinese, Japanese and Korean characters become one word each, in order, so that
a word written inside a sentence is found as a phrase of its characters; English stop words
(but not `not`) and single letters are dropped, numbers of any length are kept (`5`, `4.5`,
`1962`); then the stemmed fields reduce each word to its stem (`damaging` → `damag`).

Imported only by kb.index.fields.schema() (the classes are pickled with the index schema, so
they live at module level).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any

from whoosh.analysis import (
    STOP_WORDS,
    CommaSeparatedTokenizer,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    SpaceSeparatedTokenizer,
    StemFilter,
    StopFilter,
    Tokenizer,
)

from kb.index.text import CJK_CLASS, SECTION, SECTION_STRIDE, fold, has_cjk

# A number with thousands separators (kept whole), or a word: letters, digits and `_`,
# possibly joined by single dots (`4.5`, `u.s`).
WORD_PATTERN = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\w+(?:\.?\w+)*"


@cache
def cjk_parts() -> re.Pattern[str]:
    """A CJK character, or a run of anything else (within one token); compiled on first use."""
    return re.compile(f"{CJK_CLASS}|(?:(?!{CJK_CLASS}).)+")


class SectionTokenizer(Tokenizer):
    """Words of a text made of sections (joined by SECTION), each word weighing its section's
    weight: one field that weighs the statement more than the quotes, as separate fields with
    boosts would, but read as one posting list per word when searching (docs/search.md, "One
    text field"). The weight is the word's count in the index (what BM25 scores, saturating),
    not its number of positions or the field's length. Section N starts at position
    N * SECTION_STRIDE, so that a query can be held to one section (`statement:`,
    kb.search.matchers.section_class) and a phrase never spans two."""

    def __init__(self, weights: tuple[float, ...]) -> None:
        self.weights = weights
        self.words = RegexTokenizer(WORD_PATTERN)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SectionTokenizer) and other.weights == self.weights

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        start_pos: int = 0,
        start_char: int = 0,
        **kwargs: Any,
    ) -> Iterator[Any]:
        char = start_char
        for number, section in enumerate(value.split(SECTION)):
            weight = self.weights[number] if number < len(self.weights) else 1.0
            pos = start_pos + number * SECTION_STRIDE
            for token in self.words(
                section, positions=positions, chars=chars, start_pos=pos, start_char=char, **kwargs
            ):
                token.boost = weight
                yield token
            char += len(section) + len(SECTION)


class FoldFilter(Filter):
    """Accents and ligatures folded (after lower-casing); `100,000` → `100000`."""

    def __call__(self, tokens: Iterable[Any]) -> Iterator[Any]:  # type: ignore[override]
        for token in tokens:
            text = token.text
            if not text.isascii():
                token.text = fold(text)
            elif "," in text:
                token.text = text.replace(",", "")
            yield token


# Whoosh's English stop words, except `not` ("not approved", "not safe" are phrases people
# search for; a query weighs `not` as filler: kb.search.thesaurus).
STOPS = STOP_WORDS - {"not"}


class KeepFilter(StopFilter):
    """Stop words and single letters out; numbers and CJK characters kept, whatever their
    length."""

    def __init__(self) -> None:
        super().__init__(stoplist=STOPS, minsize=1)

    def __call__(self, tokens: Iterable[Any]) -> Iterator[Any]:  # type: ignore[override]
        stops = self.stops
        # Positions renumbered, as StopFilter does (a phrase skips the words left out), within
        # each section of a text (kb.index.text.SECTION_STRIDE).
        dropped, section = 0, 0
        for token in tokens:
            text = token.text
            if token.positions and token.pos // SECTION_STRIDE != section:
                dropped, section = 0, token.pos // SECTION_STRIDE
            if text in stops or (len(text) == 1 and not text.isdigit() and not has_cjk(text)):
                dropped += 1
                if not token.removestops:
                    token.stopped = True
                    yield token
                continue
            if token.positions:
                token.pos -= dropped
            token.stopped = False
            yield token


class CJKSplitFilter(Filter):
    """Each CJK character of a token as a token of its own, the text around them as tokens
    too (`AI技術` → `ai`, `技`, `術`), at consecutive positions; other tokens pass untouched.
    (Whoosh's CJKFilter does the same but looks at every character of every token in Python:
    two thirds of the analysis time.)"""

    def __call__(self, tokens: Iterable[Any]) -> Iterator[Any]:  # type: ignore[override]
        shift, section = 0, 0  # positions added by the tokens split so far, in this section
        for token in tokens:
            text = token.text
            if token.positions:
                if token.pos // SECTION_STRIDE != section:
                    shift, section = 0, token.pos // SECTION_STRIDE
                token.pos += shift
            if text.isascii() or not has_cjk(text):
                yield token
                continue
            start = token.startchar if token.chars else 0
            first = token.pos if token.positions else 0
            for number, part in enumerate(cjk_parts().finditer(text)):
                token.text = part.group()  # (later filters change the token: set, not add)
                if token.chars:
                    token.startchar, token.endchar = start + part.start(), start + part.end()
                if token.positions:
                    token.pos = first + number
                yield token
            shift += number


def surface_words(text: str) -> list[str]:
    """The distinct words of a text as `words_analyzer` makes them (lower-cased, folded, CJK
    characters apart, stop words and single letters out), computed once per distinct word:
    what the words field is given, so that indexing does not analyse the text a second time."""
    found: dict[str, None] = {}
    for raw in set(re.findall(WORD_PATTERN, text)):
        word = raw.lower()
        word = fold(word) if not word.isascii() else word.replace(",", "") if "," in word else word
        parts = [word] if word.isascii() or not has_cjk(word) else cjk_parts().findall(word)
        for part in parts:
            if part not in STOPS and (len(part) > 1 or part.isdigit() or has_cjk(part)):
                found[part] = None
    return sorted(found)


def words_analyzer(tokenizer: Any = None) -> Any:
    """Words as written: split, lower-cased, folded, CJK characters apart, stop words out."""
    return (
        (tokenizer or RegexTokenizer(WORD_PATTERN))
        | LowercaseFilter()
        | FoldFilter()
        | CJKSplitFilter()
        | KeepFilter()
    )


def stemming_analyzer(weights: tuple[float, ...] | None = None) -> Any:
    """Words reduced to their stems (English, Porter): the free-text fields; with `weights`,
    of a text of sections that weigh as given (SectionTokenizer)."""
    tokenizer = SectionTokenizer(weights) if weights else None
    return words_analyzer(tokenizer) | StemFilter(cachesize=50000)


def keyword_analyzer(commas: bool) -> Any:
    """Whole values (comma- or space-separated), lower-cased and folded."""
    tokenizer = CommaSeparatedTokenizer() if commas else SpaceSeparatedTokenizer()
    return tokenizer | LowercaseFilter() | FoldFilter()
