"""Renderers for `kb show` and `kb list`: a sequence of facts as plain records.

A record is a fact's plain view (kb.entries.serialize.fact_dict: every schema field, the
subject's name, each provenance's source title, publisher and reliability). For `kb show -f
toml` the command adds the entry file's text as `toml`; renderers read no files.
"""

from __future__ import annotations

from typing import Any

from kb.render.base import RELIABILITY_STYLE, STATUS_STYLE, Format, Output, safe, status_label

Record = dict[str, Any]
# Scalar fields shown one per line, in this order, by the plain `kb show`; the lists follow.
_PLAIN_FIELDS = ("id", "statement", "subject", "attribute", "value", "status", "note")


# ---- show -----------------------------------------------------------------------------------


def show_rich(records: list[Record], out: Output) -> None:
    from rich.panel import Panel
    from rich.text import Text

    for fact in records:
        status = fact["status"]
        body = Text()
        if status != "established":
            body.append(f"{status_label(status)}  ", STATUS_STYLE.get(status, ""))
        body.append(safe(fact["statement"]) + "\n", "bold")
        body.append("\nsubject  ", "dim")
        body.append(safe(fact["subject_name"] or fact["subject"]))
        body.append(f"  ({safe(fact['subject'])})", "dim")
        if fact["attribute"]:
            body.append("\nvalue    ", "dim")
            body.append(f"{safe(fact['attribute'])} = {safe(fact['value'])}")
        body.append("\nstatus   ", "dim")
        body.append(status, STATUS_STYLE.get(status, ""))
        body.append("\ntopics   ", "dim")
        body.append(safe(", ".join(fact["topics"])))
        if fact["tags"]:
            body.append("\ntags     ", "dim")
            body.append(safe(", ".join(fact["tags"])))
        if fact["note"]:
            body.append("\nnote     ", "dim")
            body.append(safe(fact["note"]), "italic")
        if fact["related"]:
            body.append("\nrelated  ", "dim")
            body.append(safe(", ".join(fact["related"])))
        for reference in fact.get("references") or ():
            body.append("\nref      ", "dim")
            body.append(safe(reference["says"]))
            body.append(f"\n           {safe(_reference_label(reference))}", "dim")
        for prov in fact["provenance"]:
            body.append("\n\n")
            body.append(f"“{safe(prov['quote'])}”\n", "cyan")
            body.append("  — ", "dim")
            if prov.get("title"):
                body.append(safe(prov["title"]))
                body.append(f", {safe(prov['publisher'])}", "dim")
                body.append("  reliability: ", "dim")
                body.append(prov["reliability"], RELIABILITY_STYLE.get(prov["reliability"], ""))
            else:
                body.append(safe(prov["source"]))
            if prov["locator"]:
                body.append(f"  [{safe(prov['locator'])}]", "dim")
        out.console.print(
            Panel(
                body,
                title=Text(safe(fact["id"])),
                title_align="left",
                border_style=STATUS_STYLE.get(status, ""),
            )
        )


def _reference_label(reference: Record) -> str:
    """`Title, Publisher, 2024-05-01: URL`."""
    date = f", {reference['date']}" if reference.get("date") else ""
    return f"{reference['title']}, {reference['publisher']}{date}: {reference['url']}"


def show_plain(records: list[Record], out: Output) -> None:
    for number, fact in enumerate(records):
        if number:
            out.write()
        for key in _PLAIN_FIELDS:
            if fact[key] is not None:
                out.row(key, fact[key])
        out.row("topics", ", ".join(fact["topics"]))
        if fact["tags"]:
            out.row("tags", ", ".join(fact["tags"]))
        if fact["related"]:
            out.row("related", ", ".join(fact["related"]))
        for reference in fact.get("references") or ():
            out.row(
                "reference",
                reference["title"],
                reference["publisher"],
                reference.get("date") or "",
                reference["url"],
                reference["says"],
            )
        for prov in fact["provenance"]:
            out.row(
                "provenance",
                prov["source"],
                prov.get("reliability", ""),
                prov.get("title", ""),
                prov["quote"],
                prov["locator"] or "",
            )


def show_toml(records: list[Record], out: Output) -> None:
    for number, fact in enumerate(records):
        if number:
            out.write()
        text = fact.get("toml") or ""
        out.stream.write(safe(text) if text.endswith("\n") else safe(text) + "\n")


def facts_json(records: list[Record], out: Output) -> None:
    out.json([_public(f) for f in records])


def facts_jsonl(records: list[Record], out: Output) -> None:
    out.jsonl(_public(f) for f in records)


def _public(record: Record) -> Record:
    return {key: value for key, value in record.items() if key != "toml"}


def facts_ids(records: list[Record], out: Output) -> None:
    for fact in records:
        out.write(fact["id"])


# ---- list -----------------------------------------------------------------------------------


def list_rich(records: list[Record], out: Output) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(show_lines=False, header_style="bold", expand=False)
    for name in ("id", "subject", "status", "statement"):
        table.add_column(name, overflow="fold")
    for fact in records:
        status = Text(status_label(fact["status"]), STATUS_STYLE.get(fact["status"], ""))
        table.add_row(
            Text(safe(fact["id"])),
            Text(safe(fact["subject"])),
            status,
            Text(safe(fact["statement"])),
        )
    out.console.print(table)


def list_plain(records: list[Record], out: Output) -> None:
    for fact in records:
        out.row(fact["id"], fact["subject"], fact["status"], fact["statement"])


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
    Format.csv: lambda records, out: _table(Format.csv, records, out),
    Format.tsv: lambda records, out: _table(Format.tsv, records, out),
}


def _table(fmt: Format, records: list[Record], out: Output) -> None:
    """csv and tsv: the columns of kb.render.table, which kb search shares."""
    from kb.render.table import facts_table

    facts_table(fmt, records, out)
