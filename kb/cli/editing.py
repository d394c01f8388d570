"""Editing an entry in the user's editor until it is valid, as `crontab -e` does: after each
save the text is checked like `kb validate` would; with errors it is not saved, and the user
is asked whether to edit again (in a terminal) or the edit is abandoned, its text kept in a
file outside the KB whose path is printed. Used by `kb edit` and by `kb new` when the entry
it built needs fixing."""

from __future__ import annotations

import shlex
import subprocess
import tempfile
from pathlib import Path

import typer

from kb.cli import config, prompts
from kb.cli.io import detail, message
from kb.core.errors import KbError, UsageError


def run_editor(path: Path) -> None:
    """Open path in $VISUAL / $EDITOR (kb.cli.config.editor) and wait for it to end."""
    command = [*shlex.split(config.editor()), str(path)]
    try:
        done = subprocess.run(command, check=False)
    except FileNotFoundError:
        raise UsageError(f"no such editor: {command[0]} (set VISUAL or EDITOR)") from None
    if done.returncode != 0:
        raise KbError(f"the editor ({command[0]}) failed with exit code {done.returncode}")


def ask_again() -> bool:
    """Whether to edit again (no: at the end of input, or without a terminal)."""
    if not prompts.stdin_is_terminal():
        return False
    try:
        return bool(typer.confirm("Edit again?", default=True, err=True))
    except typer.Abort:
        return False


def edit_until_valid(
    root: Path,
    kind: str,
    target: Path,
    text: str,
    snapshots: Path | None,
    original: bytes | None,
    edit_first: bool = True,
) -> bool:
    """Edit `text` (meant for `target`, which holds `original`; None: a new file) until it is
    valid, then save it. False when there was nothing to save (no change); KbError when the
    edit is abandoned (its text is kept, and the message says where)."""
    from kb.author.edit import Checked, check_draft, keep_draft, save
    from kb.entries.loading import decode_entry, display_path

    with tempfile.TemporaryDirectory(prefix="kb-edit-") as folder:
        draft = Path(folder) / target.name
        draft.write_text(text, encoding="utf-8")
        edited: str | None = text
        kept: str | bytes = text
        while True:
            if edit_first:
                run_editor(draft)
                raw = _read_draft(draft, target)
                if original is not None and raw == original:
                    message(f"{display_path(target)}: no change", "")
                    return False
                edited, bad = decode_entry(raw, display_path(target))
                kept = raw
            edit_first = True
            if edited is None:  # not UTF-8: KB001, and the bytes kept as they are
                checked = Checked([bad] if bad else [], [])
            else:
                checked = check_draft(root, kind, target, edited, snapshots, new=original is None)
            if not checked.errors and edited is not None:
                save(target, edited, original)
                for found in checked.others:
                    message(str(found), found.severity)
                return True
            message(f"{display_path(target)} would not be valid, so it was not saved:")
            for found in [*checked.errors, *checked.others]:
                detail(str(found))
            if not ask_again():
                where = keep_draft(target.name, kept)
                raise KbError(f"edit abandoned, nothing saved; your text is kept in {where}")


def _read_draft(draft: Path, target: Path) -> bytes:
    """The text the editor saved; KbError when it left none to read (it removed the file, or
    put something else in its place)."""
    from kb.entries.loading import display_path

    try:
        return draft.read_bytes()
    except OSError as error:
        raise KbError(
            f"the editor left no text to read for {display_path(target)} "
            f"({error.strerror or error}); nothing saved"
        ) from None
