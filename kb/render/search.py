"""Renderers for `kb search` (a SearchResult) and `kb index` (a Report)."""

from __future__ import annotations

from typing import Any

from kb.render.base import Format, Output, reliability_label, safe

MATCH_STYLE = "bold yellow underline"
LABEL_STYLE = {"refuted": "bold white on red", "contested": "bold black on yellow"}
WEAK_STYLE = "bold white on magenta"  # the label of a fact resting only on weak sources


# Keys of the index's stored record that are not part of a hit's JSON.
_INTERNAL = frozenset({"id", "subject_aliases", "status_display"})  # not data of the fact


def hit_dict(hit: Any) -> dict[str, Any]:
    """A search hit as JSON: id and score, then the fields of `kb show` as the index stores
    them (every schema field, in schema order, then the path), then the highlights."""
    data: dict[str, Any] = {"id": hit.id, "score": round(hit.score, 4)}
    data.update((k, v) for k, v in hit.record.items() if k not in _INTERNAL)
    if "path" in data:
        data["path"] = data.pop("path")  # last before the highlights, as in kb show
    data["highlights"] = [h.as_dict() for h in hit.highlights if h.spans]
    return data


def search_json(result: Any, out: Output) -> None:
    """One object: the query, how many facts matched in all, and the hits shown."""
    out.json(
        {
            "query": result.asked,
            "corrected": result.query if result.corrected else None,
            "total": result.total,
            "limit": result.limit,
            "hits": [hit_dict(h) for h in result.hits],
        }
    )


def search_jsonl(result: Any, out: Output) -> None:
    out.jsonl(hit_dict(h) for h in result.hits)


def search_ids(result: Any, out: Output) -> None:
    for hit in result.hits:
        out.write(safe(hit.id))


def search_table(result: Any, out: Output, fmt: Format) -> None:
    from kb.render.table import fact_columns, fact_row, write_table

    columns = fact_columns()
    columns = (columns[0], "score", *columns[1:])
    rows = (fact_row({**h.record, "score": h.score}, columns) for h in result.hits)
    write_table(fmt, columns, rows, out)


def search_csv(result: Any, out: Output) -> None:
    search_table(result, out, Format.csv)


def search_tsv(result: Any, out: Output) -> None:
    search_table(result, out, Format.tsv)


def search_plain(result: Any, out: Output) -> None:
    for hit in result.hits:
        out.row(hit.id, f"{hit.score:.3f}", hit.statement)


def _marked(highlight: Any) -> Any:
    from rich.text import Text

    text = Text(safe(highlight.text))
    for start, end in highlight.spans:
        # safe() only lengthens control characters, which never occur inside a matched word
        text.stylize(MATCH_STYLE, *_shifted(highlight.text, start, end))
    return text


def _shifted(original: str, start: int, end: int) -> tuple[int, int]:
    before = len(safe(original[:start]))
    return before, before + len(safe(original[start:end]))


def _source_line(record: dict[str, Any], source_id: str | None) -> Any:
    """`— Title, Publisher  reliability: LEVEL  (+N more sources)`, wrapped under the title."""
    from rich.text import Text

    from kb.render.base import RELIABILITY_STYLE
    from kb.render.layout import hanging

    provenance = record.get("provenance") or []
    prov = next((p for p in provenance if p["source"] == source_id), provenance[0])
    line = Text()
    line.append(safe(prov.get("title") or prov["source"]))
    if prov.get("publisher"):
        line.append(f", {safe(prov['publisher'])}", "dim")
    if prov.get("reliability"):
        line.append("  reliability: ", "dim")
        line.append(prov["reliability"], RELIABILITY_STYLE.get(prov["reliability"], ""))
    others = len({p["source"] for p in provenance}) - 1
    if others > 0:
        line.append(f"  (+{others} more source{'s' if others > 1 else ''})", "dim")
    return hanging(Text("  — ", "dim"), line)


def _hit(rank: int, hit: Any, width: int) -> Any:
    """One hit: a header line, then the statement, subject and quote indented below it."""
    from rich.console import Group
    from rich.text import Text

    from kb.render.base import status_label, status_shown, status_style
    from kb.render.layout import indented

    record = hit.record
    status = record.get("status") or "established"
    shown = status_shown(status, record.get("status_display"))  # kb.toml's, when given
    header = Text()
    header.append(f"{rank:>2}. ", "dim")
    header.append(safe(hit.id), "bold cyan")
    labels = []
    if shown != "plain":
        labels.append(
            (
                f" {status_label(status, shown)} ",
                LABEL_STYLE.get(shown, status_style(status, shown)),
            )
        )
    if record.get("weakly_sourced"):
        labels.append((f" {reliability_label(record)[0].upper()} ", WEAK_STYLE))
    labels.append((f"score {hit.score:.2f}", "dim"))
    used = header.cell_len
    for text, style in labels:  # on the id's line while they fit, else on the next ones
        if used + 2 + len(text) > width:  # a label's own padding lines it up under the id
            lead = "   " if text.startswith(" ") else "    "
            header.append("\n" + lead)
            used = len(lead)
        else:
            header.append("  ")
            used += 2
        header.append(text, style)
        used += len(text)
    statement = hit.highlights[0] if hit.highlights else None
    body = [_marked(statement) if statement else Text(safe(record["statement"]))]
    about = Text()
    about.append("subject ", "dim")
    about.append(safe(record.get("subject_name") or record["subject"]))
    about.append(f" ({safe(record['subject'])})", "dim")
    about.append("  topics ", "dim")
    about.append(safe(", ".join(record.get("topics") or [])))
    body.append(about)
    quote = hit.highlights[1] if len(hit.highlights) > 1 else None
    if quote is not None:
        line = Text()
        line.append("“", "cyan")
        line.append_text(_marked(quote))
        line.append("”", "cyan")
        body += [line, _source_line(record, quote.source)]
    return Group(header, indented(Group(*body)), Text())


def search_rich(result: Any, out: Output) -> None:
    from rich.text import Text

    for rank, hit in enumerate(result.hits, 1):
        out.console.print(_hit(rank, hit, out.width))
    if result.hits and result.total is not None:
        shown = len(result.hits)
        more = "" if shown >= result.total else " (--limit N or --all for more)"
        footer = f"{shown} of {result.total} matching facts{more}; kb show ID for details"
        out.console.print(Text(footer, "dim"))


RENDERERS = {
    Format.rich: search_rich,
    Format.plain: search_plain,
    Format.json: search_json,
    Format.jsonl: search_jsonl,
    Format.ids: search_ids,
    Format.csv: search_csv,
    Format.tsv: search_tsv,
}
FORMATS = frozenset(RENDERERS)  # what `kb search -f` accepts (the fast path checks it)


# ---- kb index -------------------------------------------------------------------------------


def report_dict(report: Any) -> dict[str, Any]:
    return {
        "added": report.counts.added,
        "updated": report.counts.updated,
        "removed": report.counts.removed,
        "facts": report.facts,
        "rebuilt": report.rebuilt,
        "in_memory": report.in_memory,
        "seconds": round(report.seconds, 3),
        "index_dir": report.location,
        "watchman": report.watchman,
    }


def report_line(report: Any) -> str:
    counts = report.counts
    what = "rebuilt" if report.rebuilt else "updated" if report.changed else "up to date"
    where = "in memory" if report.in_memory else report.location
    return (
        f"index {what}: {report.facts} facts; added {counts.added}, updated "
        f"{counts.updated}, removed {counts.removed} in {report.seconds:.2f} s ({where})"
    )


def index_plain(report: Any, out: Output) -> None:
    out.write(safe(report_line(report)))


def index_json(report: Any, out: Output) -> None:
    out.json(report_dict(report))


def index_jsonl(report: Any, out: Output) -> None:
    out.jsonl([report_dict(report)])


INDEX_RENDERERS = {
    Format.rich: index_plain,
    Format.plain: index_plain,
    Format.json: index_json,
    Format.jsonl: index_jsonl,
}
