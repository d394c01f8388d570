"""KB050: does a fact's statement merely copy one of its quotes?

The verdict is difflib's: `SequenceMatcher(None, a, b).ratio() >= 0.9` on the normalised,
casefolded texts. ratio() is quadratic and slow in pure Python, so cheaper upper bounds of it
rule out most pairs first; they only ever skip pairs whose ratio() is below 0.9 too.
"""

from __future__ import annotations

import difflib
from typing import Any

THRESHOLD = 0.9


def string_items(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def table_items(value: object) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _common_subsequence(a: str, b: str) -> int:
    """Length of the longest common subsequence of a and b (bit-parallel, Hyyrö 2004).

    The matching blocks behind ratio() are a common subsequence, so 2 * this / (len(a) +
    len(b)) is an upper bound of ratio(), like quick_ratio() but much tighter."""
    masks = dict.fromkeys(a, 0)  # where each character of a is, as bits
    bit = 1
    for char in a:
        masks[char] |= bit
        bit <<= 1
    row = full = bit - 1
    for mask in map(masks.get, b):
        if mask:
            matched = row & mask
            row = (row + matched) | (row - matched)  # carries above `full` never come back down
    return len(a) - (row & full).bit_count()


def copies(statement: str, quote: str) -> bool:
    """Whether the statement is a near copy of the quote, both normalised and casefolded."""
    a, b = statement, quote
    if a == b:
        return True
    total = len(a) + len(b)
    # Upper bounds of ratio() first: the length ratio (real_quick_ratio), then the LCS.
    if 2.0 * min(len(a), len(b)) / total < THRESHOLD:
        return False
    if 2.0 * _common_subsequence(a, b) / total < THRESHOLD:
        return False
    return difflib.SequenceMatcher(None, a, b).ratio() >= THRESHOLD
