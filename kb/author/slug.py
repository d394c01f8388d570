"""Proposing entry ids from text: kebab-case, stop words dropped, at most ID_MAX characters.

Negations are never dropped: "Ketamine is not approved for depression" must not become an id
that says the opposite (`ketamine-not-approved-depression`)."""

from __future__ import annotations

import re
import unicodedata

from kb.entries.schema import ID_MAX

MAX_WORDS = 8
NEGATIONS = frozenset({"not", "no", "nor", "never", "without", "cannot", "none", "neither"})
STOP_WORDS = (
    frozenset(
        """
    a about after all also am an and any are as at be been before being between both but by can
    could did do does doing during each either for from had has have having he her here hers him
    his how i if in into is it its itself just may me might more most much must my now
    of off on once only or other our ours out over own per same she should so some such than that
    the their theirs them then there these they this those through to too under until up upon us
    very was we were what when where which while who whom whose why will with within
    would you your yours
    """.split()  # noqa: SIM905  (a word list reads better as text)
    )
    - NEGATIONS
)
_APOSTROPHES = re.compile(r"['\u2019\u02bc]s\b|['\u2019\u02bc]")
_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> list[str]:
    """Lowercase ASCII words of text: accents stripped, possessives and apostrophes dropped."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _WORD.findall(_APOSTROPHES.sub("", plain.lower()))


def propose_id(text: str, max_length: int = ID_MAX, max_words: int = MAX_WORDS) -> str:
    """A kebab-case id for text (empty when text has no letters or digits at all). When the
    text has a negation, so has the id: words before it are dropped to make room if need be."""
    found = words(text)
    kept = [word for word in found if word not in STOP_WORDS] or found
    chosen = _fitting(kept, max_length, max_words)
    negation = next((i for i, word in enumerate(kept) if word in NEGATIONS), None)
    if negation is not None and not NEGATIONS.intersection(chosen):
        head, tail = kept[:negation], kept[negation : negation + 2]
        while head and (len(head) + len(tail) > max_words or _length(head + tail) > max_length):
            head.pop()
        chosen = _fitting(head + tail, max_length, max_words)
    if not chosen and kept:
        return kept[0][:max_length]
    return "-".join(chosen)


def _length(chosen: list[str]) -> int:
    return len("-".join(chosen))


def _fitting(kept: list[str], max_length: int, max_words: int) -> list[str]:
    """The first words, at most max_words, that fit in max_length joined by hyphens."""
    chosen: list[str] = []
    for word in kept[:max_words]:
        if _length([*chosen, word]) > max_length:
            break
        chosen.append(word)
    return chosen
