"""`kb mv`, `kb rm`, `kb link`, `kb edit` and `kb init`: changing a KB (the work is in
kb.author)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kb.cli import config
from kb.cli.completion import complete_fact_ids
from kb.cli.io import data_stream, message
from kb.cli.options import KbOpt, SnapshotsOpt, path_value
from kb.render.base import one_line

if TYPE_CHECKING:
    from kb.author.refactor import Plan


def _complete_any_id(ctx: typer.Context, incomplete: str) -> list[str]:
    from kb.cli.completion import _matching

    return _matching(ctx, ("fact", "subject", "source"), incomplete)


KindOpt = Annotated[
    str | None,
    typer.Option(
        "--kind",
        help="fact, source or subject: needed only when the id names entries of two kinds.",
        metavar="KIND",
        show_default=False,
    ),
]
DryRunChangeOpt = Annotated[
    bool, typer.Option("--dry-run", help="List the files that would change; change nothing.")
]
AnyIdArg = Annotated[
    str, typer.Argument(help="Id of a fact, source or subject.", autocompletion=_complete_any_id)
]


def _carry_out(plan: Plan, dry_run: bool, done: str) -> None:
    from kb.author.refactor import apply
    from kb.entries.loading import display_path

    for note in plan.notes:
        message(note, "note")
    if not dry_run:
        apply(plan)
    for path, text in plan.changes:
        verb = "remove" if text is None else ("write" if not path.exists() else "rewrite")
        if not dry_run:
            verb = "removed" if text is None else "written"
        data_stream().write(f"{verb}\t{one_line(display_path(path))}\n")
    message(f"{'would have ' if dry_run else ''}{done}; {len(plan.changes)} file(s)", "")


def mv_command(
    entry_id: AnyIdArg,
    new_id: Annotated[str, typer.Argument(help="The new id (kebab-case).", metavar="NEW_ID")],
    kind: KindOpt = None,
    dry_run: DryRunChangeOpt = False,
    kb_path: KbOpt = None,
) -> None:
    """Rename a fact, source or subject and rewrite every reference to it, all or nothing.

    The entry's file and `id` change, and so do the `subject`, `[[provenance]] source` and
    `related` values of the facts that name it. Each changed file is listed on stdout.

    Examples: kb mv ketamine-bladder-harm ketamine-bladder-damage;  kb mv old-source new-source
    """
    from kb.author.refactor import plan_move

    root = config.kb_root(kb_path, writing=True)
    plan = plan_move(root, entry_id, new_id, kind)
    _carry_out(plan, dry_run, f"renamed {entry_id} to {new_id}")


def rm_command(
    entry_id: AnyIdArg,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Also remove the references to it: the id from `related`, the "
            "[[provenance]] tables citing a source.",
        ),
    ] = False,
    kind: KindOpt = None,
    dry_run: DryRunChangeOpt = False,
    kb_path: KbOpt = None,
) -> None:
    """Remove a fact, source or subject, all or nothing.

    Refused while facts refer to it (they are listed, exit 1), unless --force removes the
    references too. A fact is never left without its subject or its last source.

    Examples: kb rm duplicate-fact;  kb rm old-fact --force
    """
    from kb.author.refactor import plan_remove

    root = config.kb_root(kb_path, writing=True)
    plan = plan_remove(root, entry_id, kind, force)
    _carry_out(plan, dry_run, f"removed {entry_id}")


def link_command(
    first: Annotated[
        str, typer.Argument(help="A fact id.", metavar="FACT", autocompletion=complete_fact_ids)
    ],
    second: Annotated[
        str,
        typer.Argument(help="Another fact id.", metavar="FACT", autocompletion=complete_fact_ids),
    ],
    dry_run: DryRunChangeOpt = False,
    kb_path: KbOpt = None,
) -> None:
    """Relate two facts both ways: each is added to the other's `related`, all or nothing.

    The way to link two new facts that point at each other (for example a claim and the fact
    that contradicts it), which kb new cannot do since each needs the other to exist first.

    Example: kb link widgetol-first-made-1970 widgetol-first-made-1972
    """
    from kb.author.refactor import plan_link

    root = config.kb_root(kb_path, writing=True)
    plan = plan_link(root, first, second)
    if not plan.changes:
        message(f"{first} and {second} are already linked both ways", "")
        return
    _carry_out(plan, dry_run, f"linked {first} and {second}")


def edit_command(
    entry_id: AnyIdArg,
    kind: KindOpt = None,
    snapshots: SnapshotsOpt = None,
    kb_path: KbOpt = None,
) -> None:
    """Edit an entry in $VISUAL or $EDITOR; it is checked when you save and quit.

    A valid entry replaces the file (warnings are shown). An invalid one is not saved: the
    problems are listed and, in a terminal, you are asked whether to edit again; otherwise
    (or when you say no) nothing changes and your text is kept in a temporary file whose path
    is printed (exit 1). A file changed on disk while you edited is not overwritten.

    Examples: kb edit ketamine-schedule-iii;  EDITOR=nano kb edit whatedu-ketamine-faq
    """
    from kb.author.refactor import locate, refuse_shipped
    from kb.cli.editing import edit_until_valid
    from kb.entries.loading import display_path

    root = config.kb_root(kb_path, writing=True)
    refuse_shipped(root)
    found_kind, path = locate(root, entry_id, kind)
    original = path.read_bytes()
    text = original.decode("utf-8", errors="replace")
    if edit_until_valid(root, found_kind.value, path, text, config.snapshots(snapshots), original):
        data_stream().write(one_line(display_path(path)) + "\n")


def init_command(
    directory: Annotated[
        Path,
        typer.Argument(
            help="Where to create it (default: here).", show_default=False, parser=path_value
        ),
    ] = Path("."),
    name: Annotated[
        str | None,
        typer.Option(help="Name of the KB (default: the folder's).", metavar="TEXT"),
    ] = None,
    hook_repo: Annotated[
        str | None,
        typer.Option(
            "--hook-repo",
            help="Use kb's own pre-commit hook from this repository (URL or path) instead of "
            "the kb installed here; needs --hook-rev.",
            metavar="REPO",
        ),
    ] = None,
    hook_rev: Annotated[
        str | None,
        typer.Option("--hook-rev", help="Tag or commit of --hook-repo to pin.", metavar="REV"),
    ] = None,
) -> None:
    """Start a knowledge base in DIRECTORY: entries/kb.toml (vocabularies to adapt, with
    comments), entries/snapshots/ for the sources' texts, a README for contributors, a
    .pre-commit-config.yaml running kb's validation on each commit, and a .gitignore.

    Never overwrites a file: when any of them exists, nothing is written (exit 1).
    kb validate --strict passes on the new KB at once.

    Examples: kb init my-kb;  kb init .  (in an empty repository)
    """
    from kb.author.init import initialise
    from kb.entries.loading import display_path

    done = initialise(directory, name, hook_repo, hook_rev)
    for path in done.files:
        data_stream().write(f"written\t{one_line(display_path(path))}\n")
    message(f"knowledge base created in {display_path(done.root)}", "")
