"""`kb stats`: how many facts per source, topic, subject, status and source reliability."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from kb.entries.loading import KnowledgeBase
from kb.entries.models import Fact

UNKNOWN = "unknown"


@dataclass(frozen=True)
class Stats:
    """Counts by section, each an ordered mapping key -> count (zeros included)."""

    sections: dict[str, dict[str, int]]

    def rows(self) -> Iterator[tuple[str, str, int]]:
        for section, counts in self.sections.items():
            for key, count in counts.items():
                yield section, key, count


def _in_order(counts: Counter[str], known: Iterable[str]) -> dict[str, int]:
    """Known keys in their given order (zeros included), then any others alphabetically."""
    ordered = {key: counts.get(key, 0) for key in known}
    ordered.update({key: counts[key] for key in sorted(counts) if key not in ordered})
    return ordered


def _by_count(counts: Counter[str], known: Iterable[str]) -> dict[str, int]:
    """Every key, most facts first, then by id."""
    keys = set(known) | set(counts)
    return {key: counts.get(key, 0) for key in sorted(keys, key=lambda k: (-counts.get(k, 0), k))}


def _reliabilities(kb: KnowledgeBase, fact: Fact) -> list[str]:
    levels = [kb.sources[s].reliability if s in kb.sources else UNKNOWN for s in fact.sources]
    return list(dict.fromkeys(levels))


def _best(kb: KnowledgeBase, levels: list[str]) -> str:
    rank = {level: index for index, level in enumerate(kb.settings.reliability_levels)}
    return min(levels, key=lambda level: rank.get(level, len(rank)), default=UNKNOWN)


def compute(kb: KnowledgeBase) -> Stats:
    facts = sorted(kb.facts.values(), key=lambda f: f.id)
    settings = kb.settings
    reliability: Counter[str] = Counter()
    best: Counter[str] = Counter()
    for fact in facts:
        levels = _reliabilities(kb, fact)
        reliability.update(levels)
        best[_best(kb, levels)] += 1
    sections = {
        "total": {"facts": len(facts), "sources": len(kb.sources), "subjects": len(kb.subjects)},
        "source": _by_count(Counter(s for f in facts for s in f.sources), kb.sources),
        "topic": _in_order(
            Counter(t for f in facts for t in dict.fromkeys(f.topics)), settings.topics
        ),
        "subject": _by_count(Counter(f.subject for f in facts), kb.subjects),
        "status": _in_order(Counter(f.status for f in facts), settings.statuses),
        "reliability": _in_order(reliability, settings.reliability_levels),
        "best-reliability": _in_order(best, settings.reliability_levels),
    }
    return Stats(sections)
