"""Source reliability: kb.toml's `reliability_levels` list them most reliable first, and that
order is what "stronger", "best" and "at least" mean everywhere (kb show lists a fact's
provenance strongest first, a search hit quotes its best source, --min-reliability keeps the
facts with a source at least that good).

A fact is *weakly sourced* when its best source is in the lower half of the levels (with
high, medium, low, very-low: low or very-low), or when none of its sources is known: it rests
only on weak sources, and rich output says so.

Plain functions over plain data (the search fast path uses them).
"""

from collections.abc import Iterable, Sequence
from typing import Any

UNKNOWN_RANK = 1_000_000  # a source or level not in the list: after every known one


def ranks(levels: Sequence[str]) -> dict[str, int]:
    """Level -> its position (0 = most reliable)."""
    return {level: number for number, level in enumerate(levels)}


def at_least(level: str, levels: Sequence[str]) -> frozenset[str]:
    """The levels as reliable as `level` or more (which must be one of `levels`)."""
    return frozenset(levels[: list(levels).index(level) + 1])


def weak_levels(levels: Sequence[str]) -> frozenset[str]:
    """The lower half of the levels: with 4 levels the last 2, with 3 the last one."""
    return frozenset(levels[(len(levels) + 1) // 2 :])


def best(found: Iterable[str | None], levels: Sequence[str]) -> str | None:
    """The most reliable of some levels (None when none is known)."""
    rank = ranks(levels)
    known = [level for level in found if level in rank]
    return min(known, key=rank.__getitem__) if known else None


def is_weak(best_level: str | None, levels: Sequence[str]) -> bool:
    return best_level is None or best_level in weak_levels(levels)


def strongest_first(
    provenance: list[dict[str, Any]], levels: Sequence[str]
) -> list[dict[str, Any]]:
    """Provenance items (dicts with the source's `reliability`) most reliable source first;
    the order of the file among equals, unknown sources last."""
    rank = ranks(levels)
    return sorted(
        provenance, key=lambda item: rank.get(item.get("reliability") or "", UNKNOWN_RANK)
    )


def add_to_record(record: dict[str, Any], levels: Sequence[str]) -> dict[str, Any]:
    """A fact's plain record (kb show's or the index's), its provenance strongest first and
    `best_reliability` and `weakly_sourced` set; changed in place and returned."""
    record["provenance"] = strongest_first(record.get("provenance") or [], levels)
    level = best((p.get("reliability") for p in record["provenance"]), levels)
    record["best_reliability"] = level
    record["weakly_sourced"] = is_weak(level, levels)
    return record
