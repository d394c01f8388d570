from __future__ import annotations

from pathlib import Path

from kb.analysis.stats import compute
from kb.entries.loading import load


def test_counts_on_the_mini_kb(mini_kb: Path) -> None:
    sections = compute(load(mini_kb)).sections
    assert sections["total"] == {"facts": 5, "sources": 2, "subjects": 2}
    assert sections["source"] == {"alpha-news": 3, "beta-blog": 2}
    assert sections["topic"] == {"pharmacology": 3, "regulation": 1, "risks": 1}
    assert sections["subject"] == {"widgetol": 4, "gadgetine": 1}
    assert sections["status"] == {"established": 4, "contested": 1, "refuted": 0}
    assert sections["reliability"] == {"high": 3, "medium": 0, "low": 2}
    assert sections["best-reliability"] == {"high": 3, "medium": 0, "low": 2}


def test_multi_source_fact_counts_once_per_level_but_once_overall(mini_kb: Path) -> None:
    fact = mini_kb / "facts" / "core" / "widgetol-bladder-damage.toml"
    text = fact.read_text()
    assert "beta-blog" not in text
    fact.write_text(
        text + '\n[[provenance]]\nsource = "beta-blog"\nquote = "widgetol wrecks your bladder"\n'
    )
    stats = compute(load(mini_kb))
    assert stats.sections["source"] == {"alpha-news": 3, "beta-blog": 3}
    assert stats.sections["reliability"] == {"high": 3, "medium": 0, "low": 3}
    assert sum(stats.sections["best-reliability"].values()) == 5
    assert stats.sections["best-reliability"]["high"] == 3


def test_unused_entries_show_as_zero_and_rows_flatten(mini_kb: Path) -> None:
    (mini_kb / "subjects" / "doohickey.toml").write_text(
        'id = "doohickey"\nname = "Doohickey"\nkind = "drug"\n'
    )
    stats = compute(load(mini_kb))
    assert list(stats.sections["subject"].items())[-1] == ("doohickey", 0)
    rows = list(stats.rows())
    assert rows[0] == ("total", "facts", 5)
    assert ("subject", "doohickey", 0) in rows
    assert len(rows) == sum(len(counts) for counts in stats.sections.values())


def test_shipped_kb_totals_are_consistent(shipped_kb: Path) -> None:
    stats = compute(load(shipped_kb)).sections
    facts = stats["total"]["facts"]
    assert facts > 0
    assert sum(stats["status"].values()) == facts
    assert sum(stats["subject"].values()) == facts
    assert sum(stats["best-reliability"].values()) == facts
    assert all(count >= 0 for count in stats["topic"].values())
