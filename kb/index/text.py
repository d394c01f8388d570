"""Text folding shared by indexing and querying (no Whoosh import: the search path uses it
before anything else is loaded)."""

from __future__ import annotations

import re
from functools import cache

# Between the sections of a text field, the parts of a fact that weigh differently
# (kb.index.analysis.SectionTokenizer, kb.index.fields.SECTIONS).
SECTION = "\x1e"
SECTION_STRIDE = 1 << 20  # section N of a text starts at position N * SECTION_STRIDE
# Han ideographs, kana and hangul: the characters Whoosh's CJKFilter indexes one by one
# (the same ranges as whoosh.analysis.filters._is_cjk). Compiled on first use: compiling it
# costs a search about 2 ms, and most text never needs it (ASCII is checked first).
CJK_CLASS = (
    "[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9d"
    "\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7a3\ud7b0-\ud7ff"
    "\U00020000-\U0002a6df\U0002a700-\U0002ebef\U0002f800-\U0002fa1f]"
)


@cache
def cjk() -> re.Pattern[str]:
    return re.compile(CJK_CLASS)


# Letters NFKD does not decompose.
_EXTRA_FOLDS = str.maketrans(
    {"ø": "o", "ß": "ss", "ł": "l", "æ": "ae", "œ": "oe", "đ": "d", "þ": "th", "ı": "i"}
)


def has_cjk(text: str) -> bool:
    return not text.isascii() and cjk().search(text) is not None


def fold(text: str) -> str:
    """Text lower-cased, without accents or ligatures (`Café` → `cafe`, `ß` → `ss`), as every
    analyser folds it; text with CJK characters is only lower-cased."""
    text = text.lower()
    if text.isascii() or has_cjk(text):
        return text
    import unicodedata  # only for text that is not ASCII

    decomposed = unicodedata.normalize("NFKD", text.translate(_EXTRA_FOLDS))
    return "".join(char for char in decomposed if not unicodedata.combining(char))
