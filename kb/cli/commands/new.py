"""`kb new fact|source|subject`: scaffold an entry from options or prompts."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from kb.cli import config
from kb.cli.completion import complete_fact_ids, complete_source_ids, complete_subject_ids
from kb.cli.io import message
from kb.cli.options import DryRunOpt, IdOpt, KbOpt, SnapshotsOpt, open_kb

new_app = typer.Typer(
    name="new",
    help="Create a new entry from options, or by asking for what is missing (in a terminal).\n\n"
    "The entry is checked like kb validate would (for facts, quotes against the source "
    "snapshots) before it is written; an existing file is never replaced. The new file's path "
    "is printed.\n\n"
    "Example: kb new fact --statement '...' --subject ketamine --topic risks --source SRC "
    "--quote '...'",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def _new_entry(
    kind: str,
    values: dict[str, Any],
    kb_path: Path | None,
    snapshots: str | None,
    dry_run: bool,
    captured: bytes | None = None,
) -> None:
    from kb.author.create import InvalidEntry, create, missing_inputs
    from kb.cli import prompts
    from kb.entries.loading import display_path

    kb = open_kb(kb_path, writing=True)
    given = config.snapshots(snapshots)
    asked = prompts.stdin_is_terminal() and bool(missing_inputs(kind, values, captured is not None))
    filled = prompts.complete(kb, kind, values, captured is not None, given)
    try:
        created = create(kb, kind, filled, given, dry_run, captured)
    except InvalidEntry as invalid:
        if not asked or dry_run:
            raise
        _fix_in_editor(kb.root, invalid, given)
        return
    for note in created.notes:
        message(note, "note")
    if created.snapshot is not None:
        action = "would write" if dry_run else "wrote"
        message(f"{action} snapshot {display_path(created.snapshot)}", "note")
    sys.stdout.write(created.text if dry_run else display_path(created.path) + "\n")


def _fix_in_editor(root: Path, invalid: Any, snapshots: Path | None) -> None:
    """The answers gave an entry that is not valid: show why, and offer to fix it in the
    editor instead of throwing the answers away (kept in a file when declined)."""
    import typer

    from kb.author.edit import keep_draft
    from kb.cli.editing import edit_until_valid
    from kb.cli.io import detail
    from kb.core.errors import KbError
    from kb.entries.loading import display_path

    message(invalid.message)
    for line in invalid.details:
        detail(line)
    try:
        fix = typer.confirm("Fix it in your editor?", default=True, err=True)
    except typer.Abort:
        fix = False
    if not fix:
        kept = keep_draft(invalid.path.name, invalid.text)
        raise KbError(f"nothing written; your answers are kept in {kept}")
    edit_until_valid(root, invalid.kind, invalid.path, invalid.text, snapshots, None)
    sys.stdout.write(display_path(invalid.path) + "\n")


@new_app.command("fact")
def new_fact_command(
    statement: Annotated[
        str | None,
        typer.Option(help="The claim in the KB's own words.", metavar="TEXT", show_default=False),
    ] = None,
    subject: Annotated[
        str | None,
        typer.Option(
            help="Subject id, name or alias.",
            metavar="SUBJECT",
            show_default=False,
            autocompletion=complete_subject_ids,
        ),
    ] = None,
    topic: Annotated[
        list[str] | None,
        typer.Option(
            "--topic",
            help="Topic from kb.toml (repeatable; the first names the folder).",
            metavar="TOPIC",
            show_default=False,
        ),
    ] = None,
    source: Annotated[
        list[str] | None,
        typer.Option(
            "--source",
            help="Source id (repeatable, one --quote each).",
            metavar="SOURCE",
            show_default=False,
            autocompletion=complete_source_ids,
        ),
    ] = None,
    quote: Annotated[
        list[str] | None,
        typer.Option(
            "--quote",
            help="Verbatim quote from the source's snapshot (one per --source).",
            metavar="TEXT",
            show_default=False,
        ),
    ] = None,
    locator: Annotated[
        list[str] | None,
        typer.Option(
            "--locator",
            help="Where the quote is, e.g. 'section 3' (none, or one per --source).",
            metavar="TEXT",
            show_default=False,
        ),
    ] = None,
    tag: Annotated[
        list[str] | None,
        typer.Option(
            "--tag", help="Kebab-case keyword (repeatable).", metavar="TAG", show_default=False
        ),
    ] = None,
    attribute: Annotated[
        str | None,
        typer.Option(
            help="Comparable property, e.g. route (needs --value).",
            metavar="NAME",
            show_default=False,
        ),
    ] = None,
    value: Annotated[
        str | None, typer.Option(help="Value of --attribute.", metavar="TEXT", show_default=False)
    ] = None,
    status: Annotated[
        str | None,
        typer.Option(
            help="established (default), contested or refuted (then give --note).",
            metavar="STATUS",
            show_default=False,
        ),
    ] = None,
    note: Annotated[
        str | None,
        typer.Option(
            help="Editorial note: why the fact is contested or refuted.",
            metavar="TEXT",
            show_default=False,
        ),
    ] = None,
    related: Annotated[
        list[str] | None,
        typer.Option(
            "--related",
            help="Related fact id (repeatable).",
            metavar="FACT",
            show_default=False,
            autocompletion=complete_fact_ids,
        ),
    ] = None,
    entry_id: IdOpt = None,
    snapshots: SnapshotsOpt = None,
    dry_run: DryRunOpt = False,
    kb_path: KbOpt = None,
) -> None:
    """Create a fact in facts/<first topic>/<id>.toml.

    Examples: kb new fact --statement 'Ketamine can damage the bladder.' --subject ketamine
    --topic risks --source SOURCE-ID --quote 'VERBATIM TEXT' --locator 'section 4';
    kb new fact   (in a terminal: asks for each missing value)
    """
    from kb.author.create import provenance_items

    values = {
        "id": entry_id,
        "statement": statement,
        "subject": subject,
        "topics": topic or [],
        "tags": tag or [],
        "attribute": attribute,
        "value": value,
        "status": status,
        "note": note,
        "related": related or [],
        "provenance": provenance_items(source or [], quote or [], locator or []),
    }
    _new_entry("fact", values, kb_path, snapshots, dry_run)


@new_app.command("source")
def new_source_command(
    title: Annotated[
        str | None, typer.Option(help="Title of the document.", metavar="TEXT", show_default=False)
    ] = None,
    publisher: Annotated[
        str | None, typer.Option(help="Who published it.", metavar="TEXT", show_default=False)
    ] = None,
    author: Annotated[
        list[str] | None,
        typer.Option(
            "--author",
            help="Author named by the document (repeatable).",
            metavar="NAME",
            show_default=False,
        ),
    ] = None,
    url: Annotated[
        str | None,
        typer.Option(
            help="http(s) address, only when the text names it.", metavar="URL", show_default=False
        ),
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            help="Kind of document, from kb.toml source_kinds.", metavar="KIND", show_default=False
        ),
    ] = None,
    reliability: Annotated[
        str | None,
        typer.Option(help="From kb.toml reliability_levels.", metavar="LEVEL", show_default=False),
    ] = None,
    reliability_note: Annotated[
        str | None,
        typer.Option(
            "--reliability-note",
            help="Why the source got that reliability.",
            metavar="TEXT",
            show_default=False,
        ),
    ] = None,
    retrieved: Annotated[
        str | None,
        typer.Option(
            help="Date the snapshot was taken (YYYY-MM-DD).", metavar="DATE", show_default=False
        ),
    ] = None,
    snapshot: Annotated[
        str | None,
        typer.Option(
            help="File name of the snapshot in the snapshots directory.",
            metavar="FILE",
            show_default=False,
        ),
    ] = None,
    sha256: Annotated[
        str | None,
        typer.Option(
            help="SHA-256 of the snapshot (default: computed from the file).",
            metavar="HEX",
            show_default=False,
        ),
    ] = None,
    from_file: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="Capture the source's text from FILE (- for stdin): plain text or Markdown as "
            "is, HTML as text. It is copied into the KB's snapshots folder as --snapshot "
            "(default ID.txt), its sha256 filled in, --retrieved defaulting to today.",
            metavar="FILE",
            show_default=False,
        ),
    ] = None,
    entry_id: IdOpt = None,
    snapshots: SnapshotsOpt = None,
    dry_run: DryRunOpt = False,
    kb_path: KbOpt = None,
) -> None:
    """Create a source in sources/<id>.toml.

    Examples: kb new source --title 'Ketamine explained' --publisher 'Some News' --kind news
    --reliability medium --reliability-note 'WHY' --retrieved 2024-05-01 --snapshot 006_x.txt;
    kb new source --from page.html --title ... (the text captured as the snapshot)
    """
    captured = None
    if from_file is not None:
        from kb.author.capture import read_input, snapshot_bytes

        raw, name = read_input(from_file, sys.stdin.buffer.read() if from_file == "-" else None)
        captured, _ = snapshot_bytes(raw, name)
    values = {
        "id": entry_id,
        "title": title,
        "publisher": publisher,
        "authors": author or [],
        "url": url,
        "kind": kind,
        "reliability": reliability,
        "reliability_note": reliability_note,
        "retrieved": retrieved,
        "snapshot": snapshot,
        "sha256": sha256,
    }
    _new_entry("source", values, kb_path, snapshots, dry_run, captured)


@new_app.command("subject")
def new_subject_command(
    name: Annotated[
        str | None, typer.Option(help="Display name.", metavar="TEXT", show_default=False)
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option(help="From kb.toml subject_kinds.", metavar="KIND", show_default=False),
    ] = None,
    alias: Annotated[
        list[str] | None,
        typer.Option(
            "--alias",
            help="Other name people search for (repeatable).",
            metavar="NAME",
            show_default=False,
        ),
    ] = None,
    description: Annotated[
        str | None, typer.Option(help="One or two sentences.", metavar="TEXT", show_default=False)
    ] = None,
    entry_id: IdOpt = None,
    dry_run: DryRunOpt = False,
    kb_path: KbOpt = None,
) -> None:
    """Create a subject in subjects/<id>.toml.

    Examples: kb new subject --name 'Nitrous oxide' --kind drug --alias 'laughing gas'
    """
    values = {
        "id": entry_id,
        "name": name,
        "kind": kind,
        "aliases": alias or [],
        "description": description,
    }
    _new_entry("subject", values, kb_path, None, dry_run)
