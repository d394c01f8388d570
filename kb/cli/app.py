"""The `kb` command line: parse options, call the library, pick a renderer, map errors to exit
codes. Nothing here reads TOML or touches the index directly."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from kb import __version__
from kb.cli.completion import (
    complete_fact_ids,
    complete_subject_or_fact_ids,
)
from kb.cli.io import message, notice, os_error, output_for, silence_stdout
from kb.cli.io import warn_skipped as skipped
from kb.cli.new import new_app
from kb.cli.options import (
    FormatOpt,
    IndexDirOpt,
    KbOpt,
    NoColorOpt,
    SourceFilterOpt,
    StatusFilterOpt,
    SubjectFilterOpt,
    TagFilterOpt,
    TopicFilterOpt,
    handle_errors,
    open_kb,
    warn_skipped,
)
from kb.core.suggest import hint
from kb.render.base import Format, pick

app = typer.Typer(
    name="kb",
    help="A terminal knowledge base of facts with provenance.\n\nExample: kb search bladder",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"kb {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """A terminal knowledge base of facts with provenance.

    Example: kb search bladder
    """


@app.command("show")
@handle_errors
def show_command(
    ids: Annotated[
        list[str],
        typer.Argument(
            help="Fact ids, or - to read ids from stdin.",
            metavar="ID...",
            autocompletion=complete_fact_ids,
        ),
    ],
    fmt: FormatOpt = None,
    kb_path: KbOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Show facts with their subject, status and every source quote.

    Examples: kb show ketamine-schedule-iii;  kb search bladder -f ids | kb show - -f json
    """
    from kb.entries.selection import lookup_facts
    from kb.render.facts import SHOW_RENDERERS

    chosen, out = output_for(fmt, no_color)
    render = pick(SHOW_RENDERERS, chosen, "show")
    wanted = [
        line for arg in ids for line in (sys.stdin.read().splitlines() if arg == "-" else [arg])
    ]
    kb = open_kb(kb_path, on_demand=True)
    found = lookup_facts(kb, wanted)
    records = [kb.fact_view(fact) for fact in found.found]
    if chosen is Format.toml:
        for record, fact in zip(records, found.found, strict=True):
            record["toml"] = fact.path.read_text(encoding="utf-8") if fact.path else ""
    render(records, out)
    skipped(found.unknown_problems(kb.problems))
    for unknown in found.unknown:
        if unknown in found.invalid:
            why = found.invalid[unknown]
            message(
                f"fact {unknown!r} cannot be shown: its file is invalid: {why} (run kb validate)"
            )
            continue
        message(f"unknown fact id {unknown!r}{hint(found.suggestions.get(unknown) or [])}")
    if found.unknown or not found.found:
        if not found.unknown and not found.found:  # nothing but blank lines or arguments
            message("no fact ids given")
        raise typer.Exit(1)


@app.command("list")
@handle_errors
def list_command(
    subject: SubjectFilterOpt = None,
    topic: TopicFilterOpt = None,
    tag: TagFilterOpt = None,
    source: SourceFilterOpt = None,
    status: StatusFilterOpt = None,
    fmt: FormatOpt = None,
    kb_path: KbOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """List facts, one row each, optionally filtered.

    Examples: kb list --subject spravato;  kb list --status refuted -f jsonl
    """
    from kb.entries.filters import Filters
    from kb.entries.selection import select_facts
    from kb.render.facts import LIST_RENDERERS

    chosen, out = output_for(fmt, no_color)
    render = pick(LIST_RENDERERS, chosen, "list")
    kb = open_kb(kb_path)
    filters = Filters.of(subject=subject, topic=topic, tag=tag, source=source, status=status)
    facts = select_facts(kb, filters)
    render([kb.fact_view(fact) for fact in facts], out)
    warn_skipped(kb)
    if not facts:
        message("no facts match", "")
        raise typer.Exit(1)


@app.command("validate")
@handle_errors
def validate_command(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Entry files to report on (default: the whole KB). Cross-file rules still use "
            "the whole KB."
        ),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Warnings and notices fail too.")
    ] = False,
    snapshots: Annotated[
        str | None,
        typer.Option(
            "--snapshots",
            help="Directory of source snapshots (default: $KB_SNAPSHOTS, else "
            "kb.toml's snapshots).",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOpt = None,
    kb_path: KbOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Check entries: every problem at once, as path:line:col: CODE message.

    Exit 0 when valid, 1 when there are problems, 2 on usage errors.

    Examples: kb validate --strict;  kb validate entries/facts/x.toml -f github
    """
    from kb.entries.locate import find_kb
    from kb.render.problems import RENDERERS, summary_line
    from kb.validate.validator import validate

    chosen, out = output_for(fmt, no_color)
    render = pick(RENDERERS, chosen, "validate")
    result = validate(find_kb(kb_path), paths, snapshots)
    render(result, out)
    sys.stdout.flush()
    message(summary_line(result, strict), "")
    if not result.ok(strict):
        raise typer.Exit(1)


class CompareBy(StrEnum):
    subject = "subject"
    source = "source"


@app.command("compare")
@handle_errors
def compare_command(
    things: Annotated[
        list[str],
        typer.Argument(
            help="Two or more subjects (ids, names or aliases) or two or more fact ids; "
            "one subject with --by source.",
            show_default=False,
            metavar="SUBJECT|FACT...",
            autocompletion=complete_subject_or_fact_ids,
        ),
    ],
    by: Annotated[
        CompareBy,
        typer.Option(
            "--by", help="Columns: one per subject, or one per source on a single subject."
        ),
    ] = CompareBy.subject,
    attribute: Annotated[
        list[str] | None,
        typer.Option(
            "--attribute",
            help="Only this attribute (repeatable).",
            metavar="NAME",
            show_default=False,
        ),
    ] = None,
    topic: Annotated[
        list[str] | None,
        typer.Option(
            help="Only facts with this topic (repeatable: any of them).",
            metavar="TOPIC",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOpt = None,
    kb_path: KbOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Compare subjects, the sources on one subject, or facts, side by side.

    Examples: kb compare ketamine spravato;  kb compare ketamine --by source;
    kb compare FACT-ID FACT-ID -f json
    """
    from kb.analysis.compare import compare
    from kb.entries.filters import Filters
    from kb.render.compare import RENDERERS

    chosen, out = output_for(fmt, no_color)
    render = pick(RENDERERS, chosen, "compare")
    kb = open_kb(kb_path)
    comparison = compare(kb, things, by.value, attribute or (), Filters.of(topic=topic))
    render(comparison, out)
    warn_skipped(kb)
    if not comparison.rows:
        message("nothing to compare: no facts with an attribute match", "")
        raise typer.Exit(1)


def _complete_schema_kinds(incomplete: str) -> list[str]:
    return [k for k in ("fact", "source", "subject", "kb") if k.startswith(incomplete)]


@app.command("schema")
@handle_errors
def schema_command(
    kind: Annotated[
        str,
        typer.Argument(
            help="fact, source, subject or kb.",
            metavar="KIND",
            autocompletion=_complete_schema_kinds,
        ),
    ],
    vocabularies: Annotated[
        bool,
        typer.Option(
            "--vocabularies",
            help="Also restrict topics, kinds, reliability levels and statuses to "
            "the KB's kb.toml lists.",
        ),
    ] = False,
    kb_path: KbOpt = None,
) -> None:
    """Print the JSON Schema of an entry kind, as in docs/schema/KIND.schema.json.

    Editors (Taplo, Even Better TOML) use it to flag mistakes while typing; see
    docs/contributing.md.

    Examples: kb schema fact > fact.schema.json;  kb schema source --vocabularies
    """
    from kb.entries.jsonschema import schema_for

    settings = None
    if vocabularies:
        from kb.entries.loading import read_settings
        from kb.entries.locate import find_kb

        settings = read_settings(find_kb(kb_path))
    sys.stdout.write(schema_for(kind, settings))


@app.command("stats")
@handle_errors
def stats_command(
    fmt: FormatOpt = None,
    kb_path: KbOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Count facts per source, topic, subject, status and source reliability.

    plain: section<TAB>key<TAB>count lines; json: {section: {key: count}}; jsonl: one
    {"section", "key", "count"} object per line.

    Examples: kb stats;  kb stats -f json | jq .topic
    """
    from kb.analysis.stats import compute
    from kb.render.stats import RENDERERS

    chosen, out = output_for(fmt, no_color)
    render = pick(RENDERERS, chosen, "stats")
    kb = open_kb(kb_path)
    render(compute(kb), out)
    warn_skipped(kb)


@app.command("search")
@handle_errors
def search_command(
    query: Annotated[
        list[str],
        typer.Argument(
            help='Words, "phrases", AND/OR/NOT, (groups), wild*, fuzzy~, field:value '
            "(subject, topic, tag, source, status, attribute, value, statement, quote, id).",
            show_default=False,
        ),
    ],
    subject: SubjectFilterOpt = None,
    topic: TopicFilterOpt = None,
    tag: TagFilterOpt = None,
    source: SourceFilterOpt = None,
    status: StatusFilterOpt = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Show at most N facts.")] = 10,
    show_all: Annotated[bool, typer.Option("--all", help="Show every matching fact.")] = False,
    fmt: FormatOpt = None,
    kb_path: KbOpt = None,
    index_dir: IndexDirOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Full-text search: facts ranked by relevance, those matching every word first.

    Exit 0 with matches, 1 with none, 2 for a bad query. The index is updated automatically
    before each search; see docs/search.md for the query language.

    Examples: kb search bladder;  kb search 'subject:spravato AND dose' -f json;
    kb search '"nasal spray"' --status refuted -f ids
    """
    from kb.cli.io import SearchRequest, run_search
    from kb.entries.filters import Filters

    filters = Filters.of(subject=subject, topic=topic, tag=tag, source=source, status=status)
    request = SearchRequest(
        " ".join(query),
        filters,
        limit=None if show_all else limit,
        fmt=fmt,
        kb_path=kb_path,
        index_dir=index_dir,
        no_color=no_color,
    )
    code = run_search(request)
    if code:
        raise typer.Exit(code)


@app.command("index")
@handle_errors
def index_command(
    rebuild: Annotated[
        bool,
        typer.Option(
            "--rebuild",
            help="Build a new index from scratch instead of updating the changed entries.",
        ),
    ] = False,
    fmt: FormatOpt = None,
    kb_path: KbOpt = None,
    index_dir: IndexDirOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Bring the search index up to date and report what changed (searches do this anyway).

    Examples: kb index;  kb index --rebuild -f json
    """
    from kb.entries.locate import find_kb
    from kb.render.search import INDEX_RENDERERS
    from kb.search.api import index

    chosen, out = output_for(fmt, no_color)
    render = pick(INDEX_RENDERERS, chosen, "index")
    report = index(find_kb(kb_path), rebuild=rebuild, index_dir=index_dir, notify=notice)
    skipped(report.problems)
    render(report, out)


app.add_typer(new_app, name="new")


def run() -> int:
    """Entry point: run the app, with no traceback for a closed pipe or Ctrl-C."""
    try:
        app()
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    except BrokenPipeError:
        silence_stdout()
        return 0
    except KeyboardInterrupt:
        return 130
    except OSError as error:  # e.g. stdout on a full disk
        return os_error(error)
    return 0
