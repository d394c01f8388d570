"""`kb validate` and `kb schema`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from kb.cli import config
from kb.cli.io import data_stream, message, output_for
from kb.cli.options import (
    ColorOpt,
    KbOpt,
    NoColorOpt,
    SnapshotsOpt,
    format_option,
    path_value,
)
from kb.core.errors import UsageError
from kb.entries.jsonschema import SCHEMA_KINDS
from kb.render.base import pick
from kb.render.problems import RENDERERS


def validate_command(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Entry files to report on (default: the whole KB). Cross-file rules still use "
            "the whole KB.",
            parser=path_value,
        ),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Warnings and notices fail too.")
    ] = False,
    staged: Annotated[
        bool,
        typer.Option(
            "--staged",
            help="Also report on the changes staged in git and on every entry they can break "
            "(the facts naming a removed entry, those using a value kb.toml no longer lists, "
            "the quotes of a changed source or snapshot): what the pre-commit hook runs.",
        ),
    ] = False,
    snapshots: SnapshotsOpt = None,
    fmt: Annotated[str | None, format_option(RENDERERS)] = None,
    kb_path: KbOpt = None,
    no_color: NoColorOpt = False,
    color: ColorOpt = None,
) -> None:
    """Check entries: every problem at once, as path:line:col: CODE message.

    Exit 0 when valid, 1 when there are problems, 2 on usage errors.

    Examples: kb validate --strict;
    kb validate entries/facts/risks/ketamine-long-term-bladder-dysfunction.toml -f github
    """
    from kb.render.problems import summary_line
    from kb.validate.validator import validate

    chosen, out = output_for(fmt, no_color, color)
    render = pick(RENDERERS, chosen, "validate")
    root = config.kb_root(kb_path)
    skip: list[str] = []
    if staged:
        paths, skip = _staged_paths(root, paths or [])
    result = validate(root, paths, config.snapshots(snapshots), skip)
    render(result, out)
    sys.stdout.flush()
    message(summary_line(result, strict), "")
    if not result.ok(strict):
        raise typer.Exit(1)


def _staged_paths(root: Path, given: list[Path]) -> tuple[list[Path] | None, list[str]]:
    """The files `--staged` reports on (None: the whole KB): the staged changes, the files
    given (pre-commit passes the staged ones, or every file with --all-files) and whatever
    they can break (kb.validate.impact); and the files to leave out, which git does not track
    (they are not in the commit)."""
    from kb.validate.impact import MODIFIED, Change, impact, staged_changes

    changes, old_settings, untracked = staged_changes(root)
    real_root = root.resolve()
    for path in given:
        try:
            relpath = path.resolve().relative_to(real_root).as_posix()
        except ValueError:
            raise UsageError(f"{path} is not in the knowledge base at {root}") from None
        changes.append(Change(relpath, MODIFIED))
    found = impact(root, changes, old_settings, untracked)
    for reason in found.reasons:
        message(f"also checked: {reason}", "note")
    paths = [path for path in found.paths if path.relative_to(root).as_posix() not in untracked]
    return (None if found.everything else paths), untracked


def _complete_schema_kinds(incomplete: str) -> list[str]:
    return [k for k in SCHEMA_KINDS if k.startswith(incomplete)]


def schema_command(
    kind: Annotated[
        str,
        typer.Argument(
            help=f"{', '.join(SCHEMA_KINDS)}.",
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

        settings = read_settings(config.kb_root(kb_path))
    data_stream().write(schema_for(kind, settings))
