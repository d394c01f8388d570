"""Facts as a table with a header row (`-f csv`, `-f tsv` of `kb list` and `kb search`), and
`--count`.

The columns are the fact's fields that fit in one cell, in schema order (kb.entries.schema:
every field but the tables `references` and `provenance`), with `subject_name` after `subject`,
then `sources` (the ids of the provenance's sources) and `path`; `kb search` puts `score`
after `id`. Lists (topics, tags, related, sources) are joined with `;`, a missing value is an
empty cell.

- csv: RFC 4180: fields holding a comma, a double quote or a line break are quoted, quotes
  doubled; lines end with CRLF.
- tsv: one line per fact, fields separated by tabs; tabs and line breaks inside a value
  become spaces (as in `plain`), so a line is always a record.

Text from entries is made safe for a terminal (kb.render.base.safe) in both.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from kb.render.base import Format, Output, cell, safe

LIST_SEPARATOR = ";"


@lru_cache(maxsize=1)
def fact_columns() -> tuple[str, ...]:
    """The columns of a fact row, derived from the schema."""
    from kb.entries.schema import FACT_FIELDS, FieldType

    columns: list[str] = []
    for spec in FACT_FIELDS:
        if spec.type is FieldType.TABLE_ARRAY:
            continue
        columns.append(spec.name)
        if spec.name == "subject":
            columns.append("subject_name")
    return (*columns, "sources", "path")


def fact_row(record: dict[str, Any], columns: Sequence[str]) -> list[str]:
    """One fact record (a fact view, or a search hit's record) as cells."""
    cells = []
    for name in columns:
        if name == "sources":
            value: Any = list(dict.fromkeys(p["source"] for p in record.get("provenance") or ()))
        else:
            value = record.get(name)
        if isinstance(value, list):
            value = LIST_SEPARATOR.join(str(item) for item in value)
        elif isinstance(value, float):
            value = f"{value:.4f}"
        cells.append("" if value is None else str(value))
    return cells


def write_table(
    fmt: Format, columns: Sequence[str], rows: Iterable[Sequence[str]], out: Output
) -> None:
    """A header row, then the rows, as csv or tsv."""
    if fmt is Format.tsv:
        out.write("\t".join(columns))
        for row in rows:
            out.write("\t".join(cell(value) for value in row))
        return
    import csv

    writer = csv.writer(out.stream, lineterminator="\r\n")  # RFC 4180
    writer.writerow(columns)
    for row in rows:
        writer.writerow([safe(value) for value in row])


def facts_table(fmt: Format, records: Iterable[dict[str, Any]], out: Output) -> None:
    columns = fact_columns()
    write_table(fmt, columns, (fact_row(record, columns) for record in records), out)


def facts_csv(records: list[dict[str, Any]], out: Output) -> None:
    facts_table(Format.csv, records, out)


def facts_tsv(records: list[dict[str, Any]], out: Output) -> None:
    facts_table(Format.tsv, records, out)


def count(total: int, fmt: Format, out: Output) -> None:
    """`--count`: the number of matching facts, `{"total": N}` in json and jsonl."""
    if fmt is Format.json:
        out.json({"total": total})
    elif fmt is Format.jsonl:
        out.jsonl([{"total": total}])
    else:
        out.write(str(total))
