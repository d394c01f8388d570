"""Renderers for `kb show` and `kb list`: a sequence of facts."""

from __future__ import annotations

from dataclasses import dataclass

from kb.entries.loading import KnowledgeBase
from kb.entries.models import Fact
from kb.entries.serialize import fact_dict
from kb.render.base import RELIABILITY_STYLE, STATUS_STYLE, Format, Output, safe, status_label


@dataclass(frozen=True)
class Facts:
    """What show and list render: facts plus the KB to resolve subjects and sources."""

    kb: KnowledgeBase
    facts: tuple[Fact, ...]


# ---- show -----------------------------------------------------------------------------------


def show_rich(result: Facts, out: Output) -> None:
    from rich.panel import Panel
    from rich.text import Text

    for fact in result.facts:
        subject = result.kb.subjects.get(fact.subject)
        body = Text()
        if fact.status != "established":
            body.append(f"{status_label(fact.status)}  ", STATUS_STYLE[fact.status])
        body.append(safe(fact.statement) + "\n", "bold")
        body.append("\nsubject  ", "dim")
        body.append(safe(subject.name if subject else fact.subject))
        body.append(f"  ({safe(fact.subject)})", "dim")
        if fact.attribute:
            body.append("\nvalue    ", "dim")
            body.append(f"{safe(fact.attribute)} = {safe(fact.value)}")
        body.append("\nstatus   ", "dim")
        body.append(fact.status, STATUS_STYLE.get(fact.status, ""))
        body.append("\ntopics   ", "dim")
        body.append(safe(", ".join(fact.topics)))
        if fact.tags:
            body.append("\ntags     ", "dim")
            body.append(safe(", ".join(fact.tags)))
        if fact.note:
            body.append("\nnote     ", "dim")
            body.append(safe(fact.note), "italic")
        if fact.related:
            body.append("\nrelated  ", "dim")
            body.append(safe(", ".join(fact.related)))
        for prov in fact.provenance:
            source = result.kb.sources.get(prov.source)
            body.append("\n\n")
            body.append(f"“{safe(prov.quote)}”\n", "cyan")
            body.append("  — ", "dim")
            if source:
                body.append(safe(source.title))
                body.append(f", {safe(source.publisher)}", "dim")
                body.append("  reliability: ", "dim")
                body.append(source.reliability, RELIABILITY_STYLE.get(source.reliability, ""))
            else:
                body.append(safe(prov.source))
            if prov.locator:
                body.append(f"  [{safe(prov.locator)}]", "dim")
        out.console.print(
            Panel(
                body,
                title=Text(safe(fact.id)),
                title_align="left",
                border_style=STATUS_STYLE.get(fact.status, ""),
            )
        )


def show_plain(result: Facts, out: Output) -> None:
    for number, fact in enumerate(result.facts):
        if number:
            out.write()
        data = fact_dict(fact, result.kb)
        for key in ("id", "statement", "subject", "attribute", "value", "status", "note"):
            if data[key] is not None:
                out.row(key, data[key])
        out.row("topics", ", ".join(fact.topics))
        if fact.tags:
            out.row("tags", ", ".join(fact.tags))
        if fact.related:
            out.row("related", ", ".join(fact.related))
        for prov in data["provenance"]:
            out.row(
                "provenance",
                prov["source"],
                prov.get("reliability", ""),
                prov.get("title", ""),
                prov["quote"],
                prov["locator"] or "",
            )


def show_toml(result: Facts, out: Output) -> None:
    for number, fact in enumerate(result.facts):
        if number:
            out.write()
        text = fact.path.read_text(encoding="utf-8") if fact.path else ""
        out.stream.write(safe(text) if text.endswith("\n") else safe(text) + "\n")


def facts_json(result: Facts, out: Output) -> None:
    out.json([fact_dict(f, result.kb) for f in result.facts])


def facts_jsonl(result: Facts, out: Output) -> None:
    out.jsonl(fact_dict(f, result.kb) for f in result.facts)


def facts_ids(result: Facts, out: Output) -> None:
    for fact in result.facts:
        out.write(fact.id)


# ---- list -----------------------------------------------------------------------------------


def list_rich(result: Facts, out: Output) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(show_lines=False, header_style="bold", expand=False)
    for name in ("id", "subject", "status", "statement"):
        table.add_column(name, overflow="fold")
    for fact in result.facts:
        status = Text(status_label(fact.status), STATUS_STYLE.get(fact.status, ""))
        table.add_row(
            Text(safe(fact.id)), Text(safe(fact.subject)), status, Text(safe(fact.statement))
        )
    out.console.print(table)


def list_plain(result: Facts, out: Output) -> None:
    for fact in result.facts:
        out.row(fact.id, fact.subject, fact.status, fact.statement)


SHOW_RENDERERS = {
    Format.rich: show_rich,
    Format.plain: show_plain,
    Format.json: facts_json,
    Format.jsonl: facts_jsonl,
    Format.ids: facts_ids,
    Format.toml: show_toml,
}
LIST_RENDERERS = {
    Format.rich: list_rich,
    Format.plain: list_plain,
    Format.json: facts_json,
    Format.jsonl: facts_jsonl,
    Format.ids: facts_ids,
}
