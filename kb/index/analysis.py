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
)

from kb.index.text import CJK, fold, has_cjk

# A number with thousands separators (kept whole), or a word: letters, digits and `_`,
# possibly joined by single dots (`4.5`, `u.s`).
WORD_PATTERN = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\w+(?:\.?\w+)*"
# A CJK character, or a run of anything else (within one token).
CJK_PARTS = re.compile(f"{CJK.pattern}|(?:(?!{CJK.pattern}).)+")


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
        position = None  # renumbered, as StopFilter does: a phrase skips the words left out
        for token in tokens:
            text = token.text
            if text in stops or (len(text) == 1 and not text.isdigit() and not has_cjk(text)):
                if not token.removestops:
                    token.stopped = True
                    yield token
                continue
            if token.positions:
                position = token.pos if position is None else position + 1
                token.pos = position
            token.stopped = False
            yield token


class CJKSplitFilter(Filter):
    """Each CJK character of a token as a token of its own, the text around them as tokens
    too (`AI技術` → `ai`, `技`, `術`); other tokens pass untouched. (Whoosh's CJKFilter does the
    same but looks at every character of every token in Python: two thirds of the analysis
    time.) Positions are renumbered afterwards, by KeepFilter."""

    def __call__(self, tokens: Iterable[Any]) -> Iterator[Any]:  # type: ignore[override]
        for token in tokens:
            text = token.text
            if text.isascii() or not has_cjk(text):
                yield token
                continue
            start = token.startchar if token.chars else 0
            for part in CJK_PARTS.finditer(text):
                token.text = part.group()
                if token.chars:
                    token.startchar, token.endchar = start + part.start(), start + part.end()
                yield token


def words_analyzer() -> Any:
    """Words as written: split, lower-cased, folded, CJK characters apart, stop words out."""
    return (
        RegexTokenizer(WORD_PATTERN)
        | LowercaseFilter()
        | FoldFilter()
        | CJKSplitFilter()
        | KeepFilter()
    )


def stemming_analyzer() -> Any:
    """Words reduced to their stems (English, Porter): the free-text fields."""
    return words_analyzer() | StemFilter(cachesize=50000)


def keyword_analyzer(commas: bool) -> Any:
    """Whole values (comma- or space-separated), lower-cased and folded."""
    tokenizer = CommaSeparatedTokenizer() if commas else SpaceSeparatedTokenizer()
    return tokenizer | LowercaseFilter() | FoldFilter()
