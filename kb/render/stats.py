"""Renderers for `kb stats`: one table (rich), row (plain, jsonl) or object (json) per count."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kb.render.base import Format, Output, safe
from kb.render.layout import fit_columns

if TYPE_CHECKING:
    from kb.analysis.stats import Stats

SECTION_TITLES = {
    "total": "Totals",
    "source": "Facts per source",
    "topic": "Facts per topic",
    "subject": "Facts per subject",
    "status": "Facts per status",
    "reliability": "Facts citing at least one source of each reliability",
    "best-reliability": "Facts by their most reliable source",
}


def stats_rich(stats: Stats, out: Output) -> None:
    from rich.table import Table
    from rich.text import Text

    facts = stats.sections.get("total", {}).get("facts", 0)
    for section, counts in stats.sections.items():
        table = Table(title=SECTION_TITLES.get(section, section), title_justify="left")
        table.add_column(section)
        table.add_column("count", justify="right")
        if section != "total":
            table.add_column("share", justify="right", style="dim")
        for key, count in counts.items():
            cells = [Text(safe(key)), Text(str(count), "bold" if count else "dim")]
            if section != "total":
                cells.append(Text(f"{100 * count / facts:.0f}%" if facts else "-"))
            table.add_row(*cells)
        if fit_columns(table, out):
            out.console.print(table)
            continue
        # narrower than the longest key: `key  count  share` lines, the numbers after the key
        out.console.print(Text(SECTION_TITLES.get(section, section), "bold"))
        for key, count in counts.items():
            line = Text(safe(key))
            line.append(f"  {count}", "bold" if count else "dim")
            if section != "total":
                line.append(f"  {100 * count / facts:.0f}%" if facts else "  -", "dim")
            out.console.print(line)


def stats_plain(stats: Stats, out: Output) -> None:
    for section, key, count in stats.rows():
        out.row(section, key, count)


def stats_json(stats: Stats, out: Output) -> None:
    out.json(stats.sections)


def stats_jsonl(stats: Stats, out: Output) -> None:
    out.jsonl({"section": s, "key": k, "count": c} for s, k, c in stats.rows())


RENDERERS = {
    Format.rich: stats_rich,
    Format.plain: stats_plain,
    Format.json: stats_json,
    Format.jsonl: stats_jsonl,
}
