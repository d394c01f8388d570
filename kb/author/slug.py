"""Proposing entry ids from text: kebab-case, stop words dropped, at most ID_MAX characters."""

from __future__ import annotations

import re
import unicodedata

from kb.entries.schema import ID_MAX

MAX_WORDS = 8
STOP_WORDS = frozenset(
    """
    a about after all also am an and any are as at be been before being between both but by can
    could did do does doing during each either for from had has have having he her here hers him
    his how i if in into is it its itself just may me might more most much must my no nor not now
    of off on once only or other our ours out over own per same she should so some such than that
    the their theirs them then there these they this those through to too under until up upon us
    very was we were what when where which while who whom whose why will with within without
    would you your yours
    """.split()  # noqa: SIM905  (a word list reads better as text)
)
_APOSTROPHES = re.compile(r"['\u2019\u02bc]s\b|['\u2019\u02bc]")
_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> list[str]:
    """Lowercase ASCII words of text: accents stripped, possessives and apostrophes dropped."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _WORD.findall(_APOSTROPHES.sub("", plain.lower()))


def propose_id(text: str, max_length: int = ID_MAX, max_words: int = MAX_WORDS) -> str:
    """A kebab-case id for text (empty when text has no letters or digits at all)."""
    found = words(text)
    kept = [word for word in found if word not in STOP_WORDS] or found
    proposal = ""
    for word in kept[:max_words]:
        longer = f"{proposal}-{word}" if proposal else word
        if len(longer) > max_length:
            break
        proposal = longer
    if not proposal and kept:
        proposal = kept[0][:max_length]
    return proposal
