"""Renderers for `kb sources`, `kb subjects` and `kb tags` (kb.analysis.catalogue): the lists
with counts, and one source or subject in full. Every command offers every format of its
table; a list and the details of some ids share it."""

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
)
from kb.render.layout import fields, fit_columns, indented

Record = dict[str, Any]


# ---- lists ----------------------------------------------------------------------------------


def _table(out: Output, names: list[str], rows: list[list[Any]], wrapping: str) -> bool:
    """Print a table whose only wrapping column is `wrapping`, if it fits; else False."""
    from rich.table import Table

    table = Table(header_style="bold")
    for name in names:
        table.add_column(
            name, no_wrap=name != wrapping, justify="right" if name == "facts" else "left"
        )
    for row in rows:
        table.add_row(*row)
    if not fit_columns(table, out, flexible_minimum=20):
        return False
    out.console.print(table)
    return True


def _stack(out: Output, head: Any, about: Any, body: Any | None) -> None:
    """One record: its id, then what else there is, indented (on the id's line if it fits)."""
    if head.cell_len + 2 + about.cell_len <= out.width:
        head.append("  ")
        head.append_text(about)
        out.console.print(head)
    else:
        out.console.print(head)
        out.console.print(indented(about))
    if body is not None:
        out.console.print(indented(body))


def sources_rich(rows: list[Record], out: Output) -> None:
    from rich.text import Text

    def level(row: Record) -> Any:
        return Text(row["reliability"], RELIABILITY_STYLE.get(row["reliability"], ""))

    def title(row: Record) -> Any:
        text = Text(safe(row["title"]))
        text.append(f" — {safe(row['publisher'])}", "dim")
        return text

    table = [
        [Text(safe(r["id"])), level(r), Text(safe(r["kind"])), Text(str(r["facts"])), title(r)]
        for r in rows
    ]
    if _table(out, ["id", "reliability", "kind", "facts", "title"], table, "title"):
        return
    for row in rows:
        about = level(row)
        about.append(f"  {safe(row['kind'])}  {row['facts']} facts", "dim")
        _stack(out, Text(safe(row["id"]), "bold cyan"), about, title(row))


def subjects_rich(rows: list[Record], out: Output) -> None:
    from rich.text import Text

    def names(row: Record) -> Any:
        text = Text(safe(row["name"]))
        if row["aliases"]:
            text.append(f" (also {safe(', '.join(row['aliases']))})", "dim")
        return text

    table = [
        [Text(safe(r["id"])), Text(safe(r["kind"])), Text(str(r["facts"])), names(r)] for r in rows
    ]
    if _table(out, ["id", "kind", "facts", "name"], table, "name"):
        return
    for row in rows:
        about = Text(f"{safe(row['kind'])}  {row['facts']} facts", "dim")
        _stack(out, Text(safe(row["id"]), "bold cyan"), about, names(row))


def tags_rich(rows: list[Record], out: Output) -> None:
    from rich.text import Text

    if not rows:
        return
    table = [[Text(safe(r["tag"])), Text(str(r["facts"]))] for r in rows]
    if _table(out, ["tag", "facts"], table, ""):
        return
    for row in rows:  # only on a terminal narrower than a tag
        out.console.print(Text(f"{safe(row['tag'])}  {row['facts']}"))


def sources_plain(rows: list[Record], out: Output) -> None:
    for r in rows:
        out.row(r["id"], r["reliability"], r["kind"], r["facts"], r["title"], r["publisher"])


def subjects_plain(rows: list[Record], out: Output) -> None:
    for r in rows:
        out.row(r["id"], r["kind"], r["facts"], r["name"], ", ".join(r["aliases"]))


def tags_plain(rows: list[Record], out: Output) -> None:
    for r in rows:
        out.row(r["tag"], r["facts"])


def records_json(rows: list[Record], out: Output) -> None:
    out.json(rows)


def records_jsonl(rows: list[Record], out: Output) -> None:
    out.jsonl(rows)


def ids(rows: list[Record], out: Output) -> None:
    for row in rows:
        out.write(safe(row["id"] if "id" in row else row["tag"]))


# ---- one source or subject ------------------------------------------------------------------


def _framed(
    out: Output, title: str, body: Any, number: int, style: str = "", fits: bool = True
) -> None:
    """A panel titled `title`; without the panel (the title on its own line) when the title,
    or something that `fits` says would not, is too wide for it."""
    from rich.panel import Panel
    from rich.text import Text

    if fits and cell_len(title) + 6 <= out.width:
        out.console.print(
            Panel(body, title=Text(safe(title)), title_align="left", border_style=style)
        )
        return
    if number:
        out.console.print()
    out.console.print(Text(safe(title), "bold"))
    out.console.print(body)


def source_rich(details: list[Record], out: Output) -> None:
    from rich.console import Group
    from rich.text import Text

    for number, source in enumerate(details):
        level = source["reliability"]
        rows: list[tuple[str, Any]] = [
            ("publisher", Text(safe(source["publisher"]))),
            ("kind", Text(safe(source["kind"]))),
            ("reliability", Text(level, "bold " + RELIABILITY_STYLE.get(level, ""))),
            ("why", Text(safe(source["reliability_note"]), "italic")),
        ]
        if source.get("authors"):
            rows.append(("authors", Text(safe(", ".join(source["authors"])))))
        rows.append(("retrieved", Text(safe(source["retrieved"]))))
        if source.get("url"):
            rows.append(("url", Text(safe(source["url"]))))
        rows.append(("snapshot", Text(safe(source["snapshot"]))))
        cited = Text(f"{source['facts']} fact{'s' if source['facts'] != 1 else ''}")
        cited.append(f"  (kb list --source {safe(source['id'])})", "dim")
        rows.append(("cited by", cited))
        body = Group(Text(safe(source["title"]), "bold"), Text(), fields(rows))
        _framed(out, source["id"], body, number, RELIABILITY_STYLE.get(level, ""))


def subject_rich(details: list[Record], out: Output) -> None:
    from rich.console import Group
    from rich.text import Text

    for number, subject in enumerate(details):
        rows: list[tuple[str, Any]] = [("kind", Text(safe(subject["kind"])))]
        if subject.get("aliases"):
            rows.append(("aliases", Text(safe(", ".join(subject["aliases"])))))
        if subject.get("description"):
            rows.append(("about", Text(safe(subject["description"]), "italic")))
        rows.append(("facts", Text(str(subject["facts"]))))
        parts: list[Any] = [Text(safe(subject["name"]), "bold"), Text(), fields(rows)]
        listed = [f["id"] for facts in subject["topics"].values() for f in facts]
        fits = all(cell_len(i) + 6 <= out.width for i in listed)  # with the panel's borders
        inner = out.width - 4 if fits else out.width
        for topic, facts in subject["topics"].items():
            parts += [Text(), Text(f"{safe(topic)} ({len(facts)})", "bold")]
            for fact in facts:
                head = Text(safe(fact["id"]), "cyan")
                labels = Text()
                if fact["status"] != "established":
                    labels.append(
                        status_label(fact["status"]), STATUS_STYLE.get(fact["status"], "")
                    )
                    labels.append("  ")
                labels.append(*reliability_label(fact))
                statement = Text(safe(fact["statement"]))
                if 2 + head.cell_len + 2 + labels.cell_len <= inner:  # on the id's line
                    head.append("  ")
                    head.append_text(labels)
                else:  # else before the statement
                    labels.append("  ")
                    statement = labels + statement
                parts.append(indented(head, 2))
                parts.append(indented(statement, 6))
        _framed(out, subject["id"], Group(*parts), number, fits=fits)


def source_plain(details: list[Record], out: Output) -> None:
    for number, source in enumerate(details):
        if number:
            out.write()
        for key, value in source.items():
            if key == "fact_ids":
                for fact_id in value:
                    out.row("fact", fact_id)
            elif value not in (None, []):
                out.row(key, ", ".join(value) if isinstance(value, list) else value)


def subject_plain(details: list[Record], out: Output) -> None:
    for number, subject in enumerate(details):
        if number:
            out.write()
        for key, value in subject.items():
            if key == "topics":
                for topic, facts in value.items():
                    for f in facts:
                        best = f["best_reliability"] or ""
                        out.row("fact", topic, f["id"], f["status"], best, f["statement"])
            elif value not in (None, []):
                out.row(key, ", ".join(value) if isinstance(value, list) else value)


def detail_ids(details: list[Record], out: Output) -> None:
    """The facts of the sources or subjects shown, each once (for `kb show -`)."""
    seen: dict[str, None] = {}
    for detail in details:
        if "fact_ids" in detail:
            seen.update(dict.fromkeys(detail["fact_ids"]))
        for facts in detail.get("topics", {}).values():
            seen.update(dict.fromkeys(f["id"] for f in facts))
    for fact_id in seen:
        out.write(safe(fact_id))


def _table_for(rich: Any, plain: Any, ids_of: Any = ids) -> dict[Format, Any]:
    return {
        Format.rich: rich,
        Format.plain: plain,
        Format.json: records_json,
        Format.jsonl: records_jsonl,
        Format.ids: ids_of,
    }


SOURCES_RENDERERS = _table_for(sources_rich, sources_plain)
SOURCE_RENDERERS = _table_for(source_rich, source_plain, detail_ids)
SUBJECTS_RENDERERS = _table_for(subjects_rich, subjects_plain)
SUBJECT_RENDERERS = _table_for(subject_rich, subject_plain, detail_ids)
TAGS_RENDERERS = _table_for(tags_rich, tags_plain)
