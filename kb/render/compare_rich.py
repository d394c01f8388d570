"""The rich (terminal) renderer of `kb compare`: tables that fit the terminal width."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from kb.render.base import (
    RELIABILITY_STYLE,
    STATUS_STYLE,
    Output,
    safe,
    status_label,
    status_shown,
    status_style,
)

if TYPE_CHECKING:
    from rich.text import Text

    from kb.analysis.compare import Claim, Comparison, Row
    from kb.analysis.factdiff import DiffOp

GAP = "-"
MARKS = {
    "differs": ("≠ differs", "bold yellow"),
    "partial": ("≈ partly differs", "yellow"),
    "gap": ("— gap", "dim"),
    "same": ("", ""),
}


def _rich_claims(cell: tuple[Claim, ...], source: str | None = None) -> Text:
    from rich.text import Text

    if not cell:
        return Text("— no fact —", "dim italic")
    text = Text()
    for number, claim in enumerate(cell):
        if number:
            text.append("\n\n")
        shown = status_shown(claim.status, claim.status_display)
        if shown != "plain":
            text.append(f"{status_label(claim.status, shown)} ", status_style(claim.status, shown))
        text.append(safe(claim.value), "bold" if shown == "plain" else "")
        text.append(f"\n{safe(claim.fact)}", "dim")
        text.append(f"\n{len(claim.sources)} src: ", "dim")
        levels = Counter(r.reliability or "unknown" for r in claim.sources)
        for i, (level, count) in enumerate(levels.items()):
            text.append(", " if i else "", "dim")
            text.append(
                f"{count}×{level}" if count > 1 else level, RELIABILITY_STYLE.get(level, "")
            )
        quote = claim.quote_by(source)
        if quote:
            text.append(f"\n“{safe(quote)}”", "italic cyan")
    return text


def _rich_attribute(row: Row) -> Text:
    from rich.text import Text

    text = Text(safe(row.attribute or "(no attribute)"), "bold")
    label, style = MARKS[row.mark]
    if label:
        text.append(f"\n{label}", style)
    return text


def _rich_table(comparison: Comparison, out: Output) -> None:
    from rich.table import Table
    from rich.text import Text

    if comparison.kind == "sources" and comparison.subject:
        title = f"What each source says about {comparison.subject_name or comparison.subject}"
    else:
        title = " vs ".join(c.label for c in comparison.columns)
    table = Table(title=Text(safe(title), "bold"), show_lines=True, header_style="bold")
    table.add_column("attribute", overflow="fold", max_width=22)
    for column in comparison.columns:
        header = Text(safe(column.label), "bold")
        if column.label != column.id:
            header.append(f"\n{safe(column.id)}", "dim")
        header.append(f"\n{safe(column.detail)}", RELIABILITY_STYLE.get(column.detail, "dim"))
        table.add_column(header, overflow="fold", ratio=1)
    quoting = comparison.quoted_sources
    for row in comparison.rows:
        cells = (_rich_claims(c, s) for c, s in zip(row.cells, quoting, strict=True))
        table.add_row(_rich_attribute(row), *cells)
    out.console.print(table)
    marks = Counter(r.mark for r in comparison.rows)
    count = len(comparison.rows)
    summary = (
        f"{count} attribute{'' if count == 1 else 's'} · ≠ {marks['differs']} differ · "
        f"≈ {marks['partial']} partly differ · — {marks['gap']} with a gap"
    )
    if comparison.kind == "sources":
        summary += " · columns: sources, most reliable first"
    out.console.print(Text(summary, "dim"))


def _rich_diff(ops: tuple[DiffOp, ...]) -> Text:
    from rich.text import Text

    text = Text()
    for op in ops:
        if text:
            text.append(" ")
        if op.op == "equal":
            text.append(safe(op.left))
            continue
        if op.left:
            text.append(f"[-{safe(op.left)}-]", "red strike")
        if op.left and op.right:
            text.append(" ")
        if op.right:
            text.append(f"{{+{safe(op.right)}+}}", "green underline")
    return text


def _rich_facts(comparison: Comparison, out: Output) -> None:
    from rich.table import Table
    from rich.text import Text

    facts = comparison.facts
    table = Table(show_lines=True, header_style="bold")
    table.add_column("", style="dim", no_wrap=True)
    for fact in facts:
        table.add_column(Text(safe(fact.id)), overflow="fold", ratio=1)
    for name in ("statement", "subject", "attribute", "value"):
        table.add_row(name, *(Text(safe(getattr(f, name) or GAP)) for f in facts))
    table.add_row("status", *(_rich_status(f.status, f.note) for f in facts))
    table.add_row(
        "sources", *(_rich_sources(c) for c in (comparison.claim_of(f.id) for f in facts))
    )
    quotes = [
        Text("\n".join(f"“{safe(p.quote)}” — {safe(p.source)}" for p in f.provenance), "cyan")
        for f in facts
    ]
    table.add_row("quotes", *quotes)
    out.console.print(table)
    for diff in comparison.diffs:
        out.console.print(Text(f"statement diff {safe(diff.left)} → {safe(diff.right)}:", "bold"))
        out.console.print(_rich_diff(diff.ops))
    if comparison.verdict:
        out.console.print(Text(f"verdict: {safe(comparison.verdict.text)}", "bold"))


def _rich_sources(claim: Claim) -> Text:
    from rich.text import Text

    text = Text()
    for number, ref in enumerate(claim.sources):
        text.append(("\n" if number else "") + safe(ref.id) + " ")
        level = ref.reliability or "unknown"
        text.append(level, RELIABILITY_STYLE.get(level, ""))
    return text


def _rich_status(status: str, note: str | None) -> Text:
    from rich.text import Text

    text = Text(status_label(status), STATUS_STYLE.get(status, ""))
    if note:
        text.append(f"\n{safe(note)}", "italic")
    return text


def compare_rich(comparison: Comparison, out: Output) -> None:
    if comparison.kind == "facts":
        _rich_facts(comparison, out)
    else:
        _rich_table(comparison, out)
