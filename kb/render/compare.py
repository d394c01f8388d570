"""Renderers for `kb compare`: one function per format, chosen through `RENDERERS`."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from kb.compare import Claim, Comparison, DiffOp, Row
from kb.render.base import Format, Output, safe
from kb.render.facts import RELIABILITY_STYLE, STATUS_STYLE, status_label
from kb.serialize import fact_dict

if TYPE_CHECKING:
    from rich.text import Text

GAP = "-"
DIFFERS_MARK = "≠"


def mark(row: Row) -> str:
    """differs, gap (some column has no value) or same."""
    return "differs" if row.differs else ("gap" if row.missing else "same")


def source_summary(claim: Claim) -> str:
    """e.g. `2 sources: medium, low`."""
    levels = ", ".join(r.reliability or "unknown" for r in claim.sources)
    count = len(claim.sources)
    return f"{count} source{'s' if count != 1 else ''}: {levels}"


# ---- json / jsonl ---------------------------------------------------------------------------

def claim_dict(claim: Claim) -> dict[str, Any]:
    return {
        "value": claim.value,
        "fact": claim.fact,
        "status": claim.status,
        "sources": [{"id": r.id, "reliability": r.reliability, "quote": r.quote}
                    for r in claim.sources],
    }


def row_dict(comparison: Comparison, row: Row) -> dict[str, Any]:
    ids = [c.id for c in comparison.columns]
    return {
        "attribute": row.attribute,
        "values": {ids[i]: [claim_dict(c) for c in cell] for i, cell in enumerate(row.cells)},
        "differs": row.differs,
        "missing": [ids[i] for i in row.missing],
    }


def diff_dicts(comparison: Comparison) -> list[dict[str, Any]]:
    return [{"left": d.left, "right": d.right,
             "ops": [{"op": o.op, "left": o.left, "right": o.right} for o in d.ops]}
            for d in comparison.diffs]


def comparison_dict(comparison: Comparison) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": comparison.kind,
        "columns": [c.id for c in comparison.columns],
        "column_info": [{"id": c.id, "label": c.label, "detail": c.detail}
                        for c in comparison.columns],
        "rows": [row_dict(comparison, r) for r in comparison.rows],
    }
    if comparison.subject is not None:
        data["subject"] = comparison.subject
    if comparison.kind == "facts":
        data["facts"] = [fact_dict(f, comparison.kb) for f in comparison.facts]
        data["diffs"] = diff_dicts(comparison)
        verdict = comparison.verdict
        data["verdict"] = {"code": verdict.code, "text": verdict.text} if verdict else None
    return data


def compare_json(comparison: Comparison, out: Output) -> None:
    out.json(comparison_dict(comparison))


def compare_jsonl(comparison: Comparison, out: Output) -> None:
    out.jsonl(row_dict(comparison, r) for r in comparison.rows)


# ---- plain (tab-separated) ------------------------------------------------------------------

def plain_claim(claim: Claim) -> str:
    status = f" ({status_label(claim.status)})" if claim.status != "established" else ""
    return f"{claim.value}{status} [{claim.fact}; {source_summary(claim)}]"


def wdiff(ops: tuple[DiffOp, ...]) -> str:
    """A word diff as text: [-removed-] {+added+}."""
    parts = []
    for op in ops:
        if op.op == "equal":
            parts.append(op.left)
            continue
        if op.left:
            parts.append(f"[-{op.left}-]")
        if op.right:
            parts.append(f"{{+{op.right}+}}")
    return " ".join(parts)


def _facts_plain(comparison: Comparison, out: Output) -> None:
    facts = comparison.facts
    out.row("field", *(f.id for f in facts))
    for name in ("statement", "subject", "attribute", "value", "status", "note"):
        out.row(name, *(getattr(f, name) or GAP for f in facts))
    claims = _claims_of_facts(comparison)
    out.row("sources", *(", ".join(f"{r.id} ({r.reliability})" for r in c.sources)
                         for c in claims))
    out.row("quotes", *(" | ".join(p.quote for p in f.provenance) for f in facts))
    for diff in comparison.diffs:
        out.row("diff", diff.left, diff.right, wdiff(diff.ops))
    if comparison.verdict:
        out.row("verdict", comparison.verdict.code, comparison.verdict.text)


def _claims_of_facts(comparison: Comparison) -> list[Claim]:
    """The claim of each fact column, in column order."""
    claims: dict[str, Claim] = {}
    for row in comparison.rows:
        for cell in row.cells:
            claims.update((c.fact, c) for c in cell)
    return [claims[f.id] for f in comparison.facts]


def compare_plain(comparison: Comparison, out: Output) -> None:
    if comparison.kind == "facts":
        _facts_plain(comparison, out)
        return
    out.row("attribute", "mark", *(c.id for c in comparison.columns))
    for row in comparison.rows:
        cells = [" | ".join(plain_claim(c) for c in cell) or GAP for cell in row.cells]
        out.row(row.attribute, mark(row), *cells)


# ---- rich -----------------------------------------------------------------------------------

def _rich_claims(cell: tuple[Claim, ...]) -> Text:
    from rich.text import Text

    if not cell:
        return Text("— no fact —", "dim italic")
    text = Text()
    for number, claim in enumerate(cell):
        if number:
            text.append("\n\n")
        if claim.status != "established":
            text.append(f"{status_label(claim.status)} ", STATUS_STYLE.get(claim.status, ""))
        text.append(safe(claim.value), "bold" if claim.status == "established" else "")
        text.append(f"\n{safe(claim.fact)}", "dim")
        text.append(f"\n{len(claim.sources)} src: ", "dim")
        levels = Counter(r.reliability or "unknown" for r in claim.sources)
        for i, (level, count) in enumerate(levels.items()):
            text.append(", " if i else "", "dim")
            text.append(f"{count}×{level}" if count > 1 else level,
                        RELIABILITY_STYLE.get(level, ""))
    return text


def _rich_attribute(row: Row) -> Text:
    from rich.text import Text

    text = Text(safe(row.attribute or "(no attribute)"), "bold")
    if row.differs:
        text.append(f"\n{DIFFERS_MARK} differs", "bold yellow")
    elif row.missing:
        text.append("\n— gap", "dim")
    return text


def _rich_table(comparison: Comparison, out: Output) -> None:
    from rich.table import Table
    from rich.text import Text

    kb = comparison.kb
    if comparison.kind == "sources" and comparison.subject:
        subject = kb.subjects.get(comparison.subject)
        title = f"What each source says about {subject.name if subject else comparison.subject}"
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
    for row in comparison.rows:
        table.add_row(_rich_attribute(row), *(_rich_claims(cell) for cell in row.cells))
    out.console.print(table)
    differing = sum(r.differs for r in comparison.rows)
    gaps = sum(bool(r.missing) for r in comparison.rows)
    summary = (f"{len(comparison.rows)} attributes · {DIFFERS_MARK} {differing} differ · "
               f"— {gaps} with a gap")
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
    table.add_row("sources", *(_rich_sources(c) for c in _claims_of_facts(comparison)))
    quotes = [Text("\n".join(f"“{safe(p.quote)}” — {safe(p.source)}" for p in f.provenance),
                   "cyan") for f in facts]
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


RENDERERS = {
    Format.rich: compare_rich,
    Format.plain: compare_plain,
    Format.json: compare_json,
    Format.jsonl: compare_jsonl,
}
