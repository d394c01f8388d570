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
from kb.render.layout import fields, fit_columns, indented

if TYPE_CHECKING:
    from rich.text import Text

    from kb.analysis.compare import Claim, Column, Comparison, Row
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


def _rich_attribute(row: Row, inline: bool = False) -> Text:
    from rich.text import Text

    text = Text(safe(row.attribute or "(no attribute)"), "bold")
    label, style = MARKS[row.mark]
    if label:
        text.append(f"{'  ' if inline else chr(10)}{label}", style)
    return text


def _title(comparison: Comparison) -> str:
    if comparison.kind == "sources" and comparison.subject:
        return f"What each source says about {comparison.subject_name or comparison.subject}"
    return " vs ".join(c.label for c in comparison.columns)


def _summary(comparison: Comparison) -> Text:
    from rich.text import Text

    marks = Counter(r.mark for r in comparison.rows)
    count = len(comparison.rows)
    summary = (
        f"{count} attribute{'' if count == 1 else 's'} · ≠ {marks['differs']} differ · "
        f"≈ {marks['partial']} partly differ · — {marks['gap']} with a gap"
    )
    if comparison.kind == "sources":
        summary += " · columns: sources, most reliable first"
    return Text(summary, "dim")


def _rich_table(comparison: Comparison, out: Output) -> None:
    """Columns side by side when each gets its longest word and id; else one attribute after
    another (`_stacked`)."""
    from rich.table import Table
    from rich.text import Text

    if not comparison.rows:  # the message says there is nothing; no empty table before it
        return
    table = Table(
        title=Text(safe(_title(comparison)), "bold"), show_lines=True, header_style="bold"
    )
    table.add_column("attribute")
    for column in comparison.columns:
        header = Text(safe(column.label), "bold")
        if column.label != column.id:
            header.append(f"\n{safe(column.id)}", "dim")
        header.append(f"\n{safe(column.detail)}", RELIABILITY_STYLE.get(column.detail, "dim"))
        table.add_column(header)
    quoting = comparison.quoted_sources
    for row in comparison.rows:
        cells = (_rich_claims(c, s) for c, s in zip(row.cells, quoting, strict=True))
        table.add_row(_rich_attribute(row), *cells)
    if fit_columns(table, out, flexible_minimum=16):
        out.console.print(table)
    else:
        _stacked(comparison, out)
    out.console.print(indented(_summary(comparison), 0))


def _column_label(column: Column) -> Text:
    """`Label (id) detail`, e.g. `Ketamine (ketamine) drug` or `alpha-news high`."""
    from rich.text import Text

    text = Text(safe(column.label), "bold")
    if column.label != column.id:
        text.append(f" ({safe(column.id)})", "dim")
    text.append(f"  {safe(column.detail)}", RELIABILITY_STYLE.get(column.detail, "dim"))
    return text


def _claim_head(claim: Claim) -> Text:
    """The value (with its status), then `fact-id · N src: levels` on the next line."""
    from rich.text import Text

    text = Text()
    if claim.status != "established":
        text.append(f"{status_label(claim.status)} ", STATUS_STYLE.get(claim.status, ""))
    text.append(safe(claim.value), "bold" if claim.status == "established" else "")
    return text


def _claim_sources(claim: Claim) -> Text:
    from rich.text import Text

    text = Text(safe(claim.fact), "dim")
    text.append(f" · {len(claim.sources)} src: ", "dim")
    levels = Counter(r.reliability or "unknown" for r in claim.sources)
    for i, (level, count) in enumerate(levels.items()):
        text.append(", " if i else "", "dim")
        text.append(f"{count}×{level}" if count > 1 else level, RELIABILITY_STYLE.get(level, ""))
    return text


def _stacked(comparison: Comparison, out: Output) -> None:
    """One attribute after another, for a terminal too narrow for the columns: under each,
    per subject its values; or, comparing sources, per value the sources that give it, each
    with its quote. Wrapped lines keep their indent."""
    from rich.text import Text

    console = out.console
    console.print(indented(Text(safe(_title(comparison)), "bold"), 0))
    sources = comparison.kind == "sources"
    for row in comparison.rows:
        console.print()
        console.print(indented(_rich_attribute(row, inline=True), 0))
        if sources:
            _stacked_sources(comparison, row, out)
            continue
        for column, cell in zip(comparison.columns, row.cells, strict=True):
            console.print(indented(_column_label(column), 2))
            if not cell:
                console.print(indented(Text("— no fact —", "dim italic")))
            for claim in cell:
                console.print(indented(_claim_head(claim)))
                console.print(indented(_claim_sources(claim), 6))


def _stacked_sources(comparison: Comparison, row: Row, out: Output) -> None:
    """Per value (fact), the sources that give it, most reliable first, with their quotes."""
    from rich.text import Text

    console = out.console
    claims: dict[str, Claim] = {}
    givers: dict[str, list[Column]] = {}
    for column, cell in zip(comparison.columns, row.cells, strict=True):
        for claim in cell:
            claims.setdefault(claim.fact, claim)
            givers.setdefault(claim.fact, []).append(column)
    for fact, claim in claims.items():
        console.print(indented(_claim_head(claim), 2))
        console.print(indented(_claim_sources(claim)))
        for column in givers[fact]:
            console.print(indented(_column_label(column)))
            quote = claim.quote_by(column.id)
            if quote:
                console.print(indented(Text(f"“{safe(quote)}”", "italic cyan"), 6))
    silent = [c for c, cell in zip(comparison.columns, row.cells, strict=True) if not cell]
    if silent:
        text = Text("no fact: ", "dim")
        for i, column in enumerate(silent):
            text.append(", " if i else "", "dim")
            text.append(safe(column.id))
            text.append(f" ({safe(column.detail)})", RELIABILITY_STYLE.get(column.detail, "dim"))
        console.print(indented(text, 2))


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
    """The facts in columns when each gets its longest word and ids whole, else one after
    another; then the statement diffs and the verdict."""
    from rich.table import Table
    from rich.text import Text

    facts = comparison.facts
    table = Table(show_lines=True, header_style="bold")
    table.add_column("", style="dim", no_wrap=True)
    for fact in facts:
        table.add_column(Text(safe(fact.id)))
    for name, cells in _fact_rows(comparison):
        table.add_row(name, *cells)
    if fit_columns(table, out, flexible_minimum=20):
        out.console.print(table)
    else:
        for number, fact in enumerate(facts):
            if number:
                out.console.print()
            out.console.print(Text(safe(fact.id), "bold"))
            out.console.print(
                fields([(name, cells[number]) for name, cells in _fact_rows(comparison)])
            )
    for diff in comparison.diffs:
        out.console.print()
        title = Text(f"statement diff {safe(diff.left)} → {safe(diff.right)}:", "bold")
        out.console.print(indented(title, 0))
        out.console.print(indented(_rich_diff(diff.ops), 2))
    if comparison.verdict:
        out.console.print(indented(Text(f"verdict: {safe(comparison.verdict.text)}", "bold"), 0))


def _fact_rows(comparison: Comparison) -> list[tuple[str, list[Text]]]:
    """One row per field of the compared facts: name, then a cell per fact."""
    from rich.text import Text

    facts = comparison.facts
    rows: list[tuple[str, list[Text]]] = [
        (name, [Text(safe(getattr(f, name) or GAP)) for f in facts])
        for name in ("statement", "subject", "attribute", "value")
    ]
    rows.append(("status", [_rich_status(f.status, f.note) for f in facts]))
    rows.append(("sources", [_rich_sources(comparison.claim_of(f.id)) for f in facts]))
    quotes = [
        Text("\n".join(f"“{safe(p.quote)}” — {safe(p.source)}" for p in f.provenance), "cyan")
        for f in facts
    ]
    rows.append(("quotes", quotes))
    return rows


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
