"""A correction to Whoosh's bound on the score of unions of many parts, so that its pruning
keeps exactly the N best matches.

While collecting the top N, Whoosh skips blocks of documents and drops parts of a query whose
best possible score (`max_quality`) cannot lift a document into the results. A union scores a
document by the sum of its parts' scores, but Whoosh's unions of many parts
(ArrayUnionMatcher, PreloadedUnionMatcher and their base CombinationMatcher; whoosh3 3.54.0)
report the best score of their best part instead: a bound too low, and documents that score
high through several parts at once were dropped, depending on the order documents are stored
in (so a KB indexed in one go and edit by edit gave different top tens). The bound here is the
sum of the parts' bounds, times the union's boost: a true bound, so pruning skips only what
cannot make the results. tests/unit/search/test_exact_top.py compares pruned and exhaustive
top tens.
"""

from __future__ import annotations

from typing import Any

_installed = False


def _sum_of_parts(self: Any) -> float:
    parts = (m.max_quality() for m in self._submatchers if m.is_active())
    return float(sum(parts) * self._boost)


def install() -> None:
    """Correct the bound of Whoosh's unions (once; imports whoosh.matching.combo)."""
    global _installed
    if _installed:
        return
    from whoosh.matching import combo

    for name in ("CombinationMatcher", "PreloadedUnionMatcher", "ArrayUnionMatcher"):
        matcher = getattr(combo, name, None)
        if matcher is not None and "max_quality" in vars(matcher):
            matcher.max_quality = _sum_of_parts
    _installed = True
