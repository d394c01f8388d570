"""Renderers for `kb compare`: one function per format, chosen through `RENDERERS`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kb.render.base import Format, Output, status_label, status_shown
from kb.render.compare_rich import GAP, compare_rich

if TYPE_CHECKING:
    from kb.analysis.compare import Claim, Comparison, Row
    from kb.analysis.factdiff import DiffOp


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
        "sources": [
            {"id": r.id, "reliability": r.reliability, "quote": r.quote} for r in claim.sources
        ],
    }


def row_dict(comparison: Comparison, row: Row) -> dict[str, Any]:
    ids = [c.id for c in comparison.columns]
    return {
        "attribute": row.attribute,
        "values": {ids[i]: [claim_dict(c) for c in cell] for i, cell in enumerate(row.cells)},
        "differs": row.differs,
        "mark": row.mark,
        "missing": [ids[i] for i in row.missing],
    }


def diff_dicts(comparison: Comparison) -> list[dict[str, Any]]:
    return [
        {
            "left": d.left,
            "right": d.right,
            "ops": [{"op": o.op, "left": o.left, "right": o.right} for o in d.ops],
        }
        for d in comparison.diffs
    ]


def comparison_dict(comparison: Comparison) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": comparison.kind,
        "columns": [c.id for c in comparison.columns],
        "column_info": [
            {"id": c.id, "label": c.label, "detail": c.detail} for c in comparison.columns
        ],
        "rows": [row_dict(comparison, r) for r in comparison.rows],
    }
    if comparison.subject is not None:
        data["subject"] = comparison.subject
    if comparison.kind == "facts":
        data["facts"] = [  # status_display is for the renderers, not the data
            {key: value for key, value in view.items() if key != "status_display"}
            for view in comparison.fact_views
        ]
        data["diffs"] = diff_dicts(comparison)
        verdict = comparison.verdict
        data["verdict"] = {"code": verdict.code, "text": verdict.text} if verdict else None
    return data


def compare_json(comparison: Comparison, out: Output) -> None:
    out.json(comparison_dict(comparison))


def compare_jsonl(comparison: Comparison, out: Output) -> None:
    out.jsonl(row_dict(comparison, r) for r in comparison.rows)


# ---- plain (tab-separated) ------------------------------------------------------------------


def plain_claim(claim: Claim, source: str | None = None) -> str:
    shown = status_shown(claim.status, claim.status_display)
    status = f" ({status_label(claim.status, shown)})" if shown != "plain" else ""
    quote = claim.quote_by(source)
    said = f" “{quote}”" if quote else ""
    return f"{claim.value}{status} [{claim.fact}; {source_summary(claim)}]{said}"


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
    claims = [comparison.claim_of(f.id) for f in facts]
    out.row("sources", *(", ".join(f"{r.id} ({r.reliability})" for r in c.sources) for c in claims))
    out.row("quotes", *(" | ".join(p.quote for p in f.provenance) for f in facts))
    for diff in comparison.diffs:
        out.row("diff", diff.left, diff.right, wdiff(diff.ops))
    if comparison.verdict:
        out.row("verdict", comparison.verdict.code, comparison.verdict.text)


def compare_plain(comparison: Comparison, out: Output) -> None:
    if comparison.kind == "facts":
        _facts_plain(comparison, out)
        return
    out.row("attribute", "mark", *(c.id for c in comparison.columns))
    quoting = comparison.quoted_sources
    for row in comparison.rows:
        cells = [
            " | ".join(plain_claim(c, source) for c in cell) or GAP
            for cell, source in zip(row.cells, quoting, strict=True)
        ]
        out.row(row.attribute, row.mark, *cells)


RENDERERS = {
    Format.rich: compare_rich,
    Format.plain: compare_plain,
    Format.json: compare_json,
    Format.jsonl: compare_jsonl,
}
