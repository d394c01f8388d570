"""`kb export sqlite|jsonl|mapping`: the whole KB for other tools (the work is in kb.export)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kb.cli.io import data_stream, message
from kb.cli.options import KbOpt, open_kb, path_value, warn_skipped
from kb.render.base import json_safe

export_app = typer.Typer(
    name="export",
    help="Export the whole knowledge base: SQLite for Datasette, JSON lines for a search engine.",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@export_app.command("sqlite")
def export_sqlite_command(
    out: Annotated[
        Path,
        typer.Argument(
            help="The database file to write.",
            metavar="OUT.db",
            show_default=False,
            parser=path_value,
        ),
    ],
    force: Annotated[bool, typer.Option("--force", help="Replace OUT.db when it exists.")] = False,
    kb_path: KbOpt = None,
) -> None:
    """Write the KB as a SQLite database: facts, provenance, sources, subjects, topics, tags
    and references as tables with foreign keys, full-text search enabled (docs/cli.md).

    Written to a temporary file and renamed when complete; an existing file is only replaced
    with --force. Counts on stderr.

    Examples: kb export sqlite kb.db && datasette kb.db;
    sqlite3 kb.db "select id from facts where status = 'refuted'"
    """
    from kb.export.sqlite import export_sqlite

    kb = open_kb(kb_path)
    counts = export_sqlite(kb, out, replace=force)
    warn_skipped(kb)
    tables = ", ".join(f"{name} {count}" for name, count in counts.items())
    message(f"wrote {out}: {tables}", "")


@export_app.command("jsonl")
def export_jsonl_command(
    bulk: Annotated[
        str | None,
        typer.Option(
            "--bulk",
            help="Write the body of a _bulk request into index INDEX: an index action "
            '({"index": {"_index": INDEX, "_id": ID}}) before each document.',
            metavar="INDEX",
            show_default=False,
        ),
    ] = None,
    kb_path: KbOpt = None,
) -> None:
    """One JSON document per fact on stdout, for bulk indexing into OpenSearch or
    Elasticsearch (field names and the index mapping: docs/cli.md, kb export mapping).

    Examples: kb export jsonl > facts.jsonl;
    kb export jsonl --bulk kb | curl -s -H 'Content-Type: application/x-ndjson'
    -X POST localhost:9200/_bulk --data-binary @-
    """
    from kb.export.documents import bulk_lines, documents

    if bulk is not None and not bulk.strip():
        from kb.core.errors import UsageError

        raise UsageError("--bulk needs an index name")
    kb = open_kb(kb_path)
    for line in bulk_lines(documents(kb), bulk):
        data_stream().write(json_safe(line) + "\n")  # UTF-8, nothing a terminal acts on
    warn_skipped(kb)


@export_app.command("mapping")
def export_mapping_command() -> None:
    """The index mapping and settings for the documents of kb export jsonl (JSON, for
    PUT /INDEX).

    Example: kb export mapping | curl -s -H 'Content-Type: application/json'
    -X PUT localhost:9200/kb --data-binary @-
    """
    import json

    from kb.export.documents import MAPPING

    data_stream().write(json.dumps(MAPPING, indent=2) + "\n")
