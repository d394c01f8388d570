"""Renderers for `kb show` and `kb list`: a sequence of facts as plain records.

A record is a fact's plain view (kb.entries.serialize.fact_dict: every schema field, the
subject's name, each provenance's source title, publisher and reliability). For `kb show -f
toml` the command adds the entry file's text as `toml`; renderers read no files.
"""

from __future__ import annotations

from typing import Any

from kb.render.base import (
    RELIABILITY_STYLE,
    STATUS_STYLE,
    Format,
    Output,
    cell_len,
    reliability_label,
    safe,
    status_label,
    status_shown,
    status_style,
)
from kb.render.layout import Prefixed, fields, fit_columns, hanging, id_lines, indented

Record = dict[str, Any]
# Scalar fields shown one per line, in this order, by the plain `kb show`; the lists follow.
_PLAIN_FIELDS = ("id", "statement", "subject", "attribute", "value", "status", "note")


# ---- show -----------------------------------------------------------------------------------


def show_rich(records: list[Record], out: Output) -> None:
    """Each fact in a panel titled with its id; without the panel (the id on a line of its
    own) when some id it lists would not fit inside it on a line."""
    from rich.console import Group
    from rich.panel import Panel
    from rich.text import Text

    for number, fact in enumerate(records):
        status, display = fact["status"], fact.get("status_display")
        style = status_style(status, display)
        linked = [*fact["related"], *(b["id"] for b in fact.get("backlinks") or ())]
        framed = cell_len(fact["id"]) + 6 <= out.width and all(
            cell_len(i) + 4 + 4 <= out.width for i in linked
        )
        inner = out.width - 4 if framed else out.width
        statement = Text()
        if status_shown(status, display) != "plain":
            statement.append(f"{status_label(status, display)}  ", style)
        statement.append(safe(fact["statement"]), "bold")
        parts: list[Any] = [statement, Text(), fields(_show_fields(fact))]
        parts += _links(fact, inner)
        for prov in fact["provenance"]:
            parts += [Text(), *_provenance(prov, out.color)]
        if framed:
            out.console.print(
                Panel(
                    Group(*parts),
                    title=Text(safe(fact["id"])),
                    title_align="left",
                    border_style=style,
                )
            )
            continue
        if number:
            out.console.print()
        out.console.print(Text(safe(fact["id"]), "bold " + style))
        out.console.print(Group(*parts))


def _links(fact: Record, width: int) -> list[Any]:
    """The facts linked to this one: those its `related` names (→), those whose `related`
    names it (←, backlinks), or both (↔); for the linking ones their status and statement."""
    from rich.text import Text

    backlinks = {link["id"]: link for link in fact.get("backlinks") or ()}
    order = list(dict.fromkeys([*fact["related"], *sorted(backlinks)]))
    if not order:
        return []
    named = set(fact["related"])
    parts: list[Any] = [Text(), Text("related  (→ named here, ← names this fact, ↔ both)", "dim")]
    for fact_id in order:
        arrow = (
            "↔" if fact_id in named and fact_id in backlinks else "→" if fact_id in named else "←"
        )
        head = Text(f"{arrow} ", "dim")
        head.append(safe(fact_id))
        link = backlinks.get(fact_id)
        statement = Text(safe(link["statement"]), "dim") if link else None
        if link and statement is not None and link["status"] != "established":
            label = status_label(link["status"])
            style = STATUS_STYLE.get(link["status"], "")
            if head.cell_len + len(label) + 4 <= width:  # on the id's line, else first below
                head.append(f"  {label}", style)
            else:
                statement = Text(f"{label}  ", style) + statement
        parts += id_lines([head], width)
        if statement is not None:
            parts.append(indented(statement, 6))
    return parts


def _show_fields(fact: Record) -> list[tuple[str, Any]]:
    from rich.text import Text

    rows: list[tuple[str, Any]] = []
    subject = Text(safe(fact["subject_name"] or fact["subject"]))
    subject.append(f" ({safe(fact['subject'])})", "dim")
    rows.append(("subject", subject))
    if fact["attribute"]:
        rows.append(("value", Text(f"{safe(fact['attribute'])} = {safe(fact['value'])}")))
    style = status_style(fact["status"], fact.get("status_display"))
    rows.append(("status", Text(fact["status"], style)))
    if "best_reliability" in fact:
        rows.append(("sources", _sources_summary(fact)))
    rows.append(("topics", Text(safe(", ".join(fact["topics"])))))
    if fact["tags"]:
        rows.append(("tags", Text(safe(", ".join(fact["tags"])))))
    if fact["note"]:
        rows.append(("note", Text(safe(fact["note"]), "italic")))
    for reference in fact.get("references") or ():
        text = Text(safe(reference["says"]))
        text.append(f"\n{safe(_reference_label(reference))}", "dim")
        rows.append(("ref", text))
    return rows


def _sources_summary(fact: Record) -> Any:
    """`3 · best: medium`, and for a weakly sourced fact `· rests only on weak sources`."""
    from rich.text import Text

    count = len({p["source"] for p in fact["provenance"]})
    best = fact.get("best_reliability")
    text = Text(f"{count} · best: ")
    text.append(best or "unknown", RELIABILITY_STYLE.get(best or "", ""))
    if fact.get("weakly_sourced"):
        text.append(" · ")
        text.append("rests only on weak sources", "bold red")
    return text


def _provenance(prov: Record, color: bool) -> list[Any]:
    """A quote, then who says it (wrapped lines under the title), then with --context the
    passage of the snapshot around it."""
    from rich.text import Text

    quote = Text(f"“{safe(prov['quote'])}”", "cyan")
    who = Text()
    if prov.get("title"):
        who.append(safe(prov["title"]))
        who.append(f", {safe(prov['publisher'])}", "dim")
        who.append("  reliability: ", "dim")
        who.append(prov["reliability"], RELIABILITY_STYLE.get(prov["reliability"], ""))
    else:
        who.append(safe(prov["source"]))
    if prov["locator"]:
        who.append(f"  [{safe(prov['locator'])}]", "dim")
    parts = [quote, hanging(Text("  — ", "dim"), who)]
    context = prov.get("context")
    if context:
        where = f"in {context['snapshot']}, line {context['line']}:"
        parts.append(indented(Text(safe(where), "dim"), 4))
        bar = Text("    │ ", "dim")
        parts.append(Prefixed(bar, bar, _passage(context, color)))
    elif "context" in prov:
        parts.append(indented(Text("(no context: see the warning)", "dim italic"), 4))
    return parts


def _passage(context: Record, color: bool) -> Any:
    """The snapshot's text around a quote, the quote highlighted (marked `**` without
    colour)."""
    from rich.text import Text

    mark = "" if color else "**"
    text = Text(safe(context["before"]), "dim")
    text.append(f"{mark}{safe(context['quote'])}{mark}", "bold black on yellow")
    text.append(safe(context["after"]), "dim")
    return text


def marked_passage(context: Record) -> str:
    """A passage on one line, the quote between `**` (plain output)."""
    return f"{context['before']}**{context['quote']}**{context['after']}"


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
        if fact.get("backlinks"):
            out.row("backlinks", ", ".join(link["id"] for link in fact["backlinks"]))
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
            context = prov.get("context")
            if context:  # kb show --context
                where = f"{context['snapshot']}:{context['line']}:{context['column']}"
                out.row("context", prov["source"], where, marked_passage(context))


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
    return {key: value for key, value in record.items() if key not in _PRIVATE}


_PRIVATE = ("toml", "status_display")  # for the renderers, not the data


def facts_ids(records: list[Record], out: Output) -> None:
    for fact in records:
        out.write(fact["id"])


# ---- list -----------------------------------------------------------------------------------


def list_rich(records: list[Record], out: Output) -> None:
    """A table when the ids and every word fit the width (the statement at least 30 columns
    wide), else one record after another: the id, then the rest indented below it."""
    from rich.table import Table
    from rich.text import Text

    if not records:  # "no facts match" goes to stderr; no empty table before it
        return
    table = Table(show_lines=False, header_style="bold", expand=False)
    for name in ("id", "subject", "status", "reliability"):
        table.add_column(name, no_wrap=True)
    table.add_column("statement")
    for fact in records:
        shown = fact["status"], fact.get("status_display")
        table.add_row(
            Text(safe(fact["id"])),
            Text(safe(fact["subject"])),
            Text(status_label(*shown), status_style(*shown)),
            Text(*reliability_label(fact)),
            Text(safe(fact["statement"])),
        )
    if fit_columns(table, out, flexible_minimum=30):
        out.console.print(table)
        return
    for fact in records:
        head = Text(safe(fact["id"]), "bold cyan")
        about = Text()
        shown = fact["status"], fact.get("status_display")
        if status_shown(*shown) != "plain":
            about.append(status_label(*shown), status_style(*shown))
            about.append("  ")
        about.append(safe(fact["subject"]), "dim")
        about.append("  ")
        about.append(*reliability_label(fact))
        if head.cell_len + 2 + about.cell_len <= out.width:
            head.append("  ")
            head.append_text(about)
            out.console.print(head)
        else:
            out.console.print(head)
            out.console.print(indented(about))
        out.console.print(indented(Text(safe(fact["statement"]))))


def list_plain(records: list[Record], out: Output) -> None:
    """`id, subject, status, statement, best reliability` (the last added at the end, so that
    the fields scripts cut stay where they were)."""
    for fact in records:
        best = fact.get("best_reliability") or ""
        out.row(fact["id"], fact["subject"], fact["status"], fact["statement"], best)


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
