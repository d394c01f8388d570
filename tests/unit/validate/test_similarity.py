"""KB050's shortcuts must never change difflib's verdict."""

from __future__ import annotations

import difflib
import random

from kb.validate.similarity import THRESHOLD, _common_subsequence, copies


def _longest_common_subsequence(a: str, b: str) -> int:
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b):
            current.append(previous[j] + 1 if x == y else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def _difflib_verdict(a: str, b: str) -> bool:
    return a == b or difflib.SequenceMatcher(None, a, b).ratio() >= THRESHOLD


def _near_copy(rng: random.Random, text: str, edits: int) -> str:
    chars = list(text)
    for _ in range(edits):
        at = rng.randrange(len(chars) + 1)
        action = rng.randrange(3)
        if action == 0:
            chars.insert(at, rng.choice("abcde ,."))
        elif chars and action == 1:
            del chars[min(at, len(chars) - 1)]
        elif chars:
            chars[min(at, len(chars) - 1)] = rng.choice("xyz ")
    return "".join(chars)


def test_common_subsequence_is_the_longest() -> None:
    rng = random.Random(5)
    for _ in range(3000):
        alphabet = "abcd "[: rng.randint(1, 5)]
        a = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        b = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        assert _common_subsequence(a, b) == _longest_common_subsequence(a, b), (a, b)


def test_copies_agrees_with_difflib() -> None:
    rng = random.Random(11)
    words = ["the", "drug", "is", "given", "as", "a", "nasal", "spray", "in", "clinics", "at"]
    verdicts = []
    for _ in range(2000):
        a = " ".join(rng.choice(words) for _ in range(rng.randint(1, 40)))
        b = _near_copy(rng, a, rng.randint(0, 25)) if rng.random() < 0.8 else a[::-1]
        verdicts.append(copies(a, b))
        assert verdicts[-1] == _difflib_verdict(a, b), (a, b)
    assert any(verdicts) and not all(verdicts)
