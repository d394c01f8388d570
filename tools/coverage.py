"""The coverage tables of docs/knowledge-base.md, computed from the shipped knowledge base."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from kb.analysis.stats import compute
from kb.entries.loading import load
from kb.render.stats import SECTION_TITLES

SHIPPED = Path(__file__).resolve().parent.parent / "entries"


def _table(title: str, header: str, rows: Sequence[Sequence[str]]) -> str:
    lines = [f"**{title}**", "", f"| {header} |", "|" + "---|" * (header.count("|") + 1)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def coverage_markdown(root: Path = SHIPPED) -> str:
    kb = load(root)
    stats = compute(kb)
    facts = kb.facts
    provenance = sum(len(f.provenance) for f in facts.values())
    parts = [
        f"{len(facts)} facts, {provenance} provenance entries, {len(kb.sources)} sources, "
        f"{len(kb.subjects)} subjects.\n"
    ]
    sources = [
        (f"`{sid}`", kb.sources[sid].reliability, str(count))
        for sid, count in stats.sections["source"].items()
        if sid in kb.sources
    ]
    parts.append(_table(SECTION_TITLES["source"], "source | reliability | facts", sources))
    for section in ("topic", "status", "best-reliability"):
        rows = [(key, str(count)) for key, count in stats.sections[section].items()]
        parts.append(_table(SECTION_TITLES[section], f"{section} | facts", rows))
    subjects = [(f"`{k}`", str(v)) for k, v in stats.sections["subject"].items()]
    parts.append(_table(SECTION_TITLES["subject"], "subject | facts", subjects))
    disputed = sorted(
        (f for f in facts.values() if f.status != "established"), key=lambda f: (f.status, f.id)
    )
    disputed_rows = [(f.status, f"`{f.id}`", ", ".join(f.sources)) for f in disputed]
    parts.append(_table("Contested and refuted facts", "status | fact | sources", disputed_rows))
    return "\n".join(parts)
