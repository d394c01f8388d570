"""`kb edit`: an entry's text changed outside kb (in the user's editor), checked like
`kb validate` would before it replaces the file, and never saved while it has errors.

The interaction (running the editor, asking whether to edit again) is the CLI's; this module
checks a draft and saves it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import NamedTuple

from kb.core.atomic import write_atomic
from kb.core.errors import KbError
from kb.entries.loading import display_path
from kb.entries.problems import ERROR, Problem
from kb.validate.pending import pending_entry, validate_pending


class Checked(NamedTuple):
    """A draft's problems: errors stop it being saved; the others are shown."""

    errors: list[Problem]
    others: list[Problem]


# Warnings a lone entry gets from being new: nothing cites the source or uses the subject yet.
_NEW_ENTRY_WARNINGS = frozenset({"KB051", "KB052", "KB043"})


def check_draft(
    root: Path, kind: str, path: Path, text: str, snapshots: Path | None, new: bool = False
) -> Checked:
    """The problems `kb validate` would report on `path` if `text` were saved there."""
    result = validate_pending(root, pending_entry(path, kind, text), snapshots)
    skip = _NEW_ENTRY_WARNINGS if new else frozenset({"KB043"})
    problems = [p for p in result.problems if p.code not in skip]
    errors = [p for p in problems if p.severity == ERROR]
    return Checked(errors, [p for p in problems if p.severity != ERROR])


def save(path: Path, text: str, original: bytes | None) -> None:
    """Replace the entry (`original`: its content when the edit began) with `text`; or, with
    `original` None, create it (never replacing a file). KbError, and nothing written, when
    the file changed on disk in the meantime."""
    if original is None:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            write_atomic(path, text, exclusive=True)
        except FileExistsError:
            raise KbError(f"{display_path(path)} appeared meanwhile; nothing written") from None
        return
    try:
        current = path.read_bytes()
    except FileNotFoundError:
        current = None
    if current != original:
        raise KbError(f"{display_path(path)} changed on disk while you edited it; nothing written")
    write_atomic(path, text)


def keep_draft(name: str, text: str | bytes) -> Path:
    """Keep a rejected draft outside the KB (in the temporary directory), byte for byte when
    it is bytes (a draft that is not UTF-8); its path."""
    handle, where = tempfile.mkstemp(prefix=f"kb-draft-{Path(name).stem}-", suffix=".toml")
    with open(handle, "wb") as stream:
        stream.write(text if isinstance(text, bytes) else text.encode("utf-8"))
    return Path(where)
