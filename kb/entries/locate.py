"""Finding the knowledge base: the one given (the CLI passes --kb, else $KB_DIR), else the
nearest entries/kb.toml walking up from the working directory, else the KB shipped with the
package; and naming entry files in messages."""

from __future__ import annotations

import os
from pathlib import Path

from kb.core.errors import KbNotFoundError
from kb.entries.kinds import SETTINGS_FILE


def shipped_kb() -> Path | None:
    package_dir = Path(__file__).resolve().parent.parent
    for candidate in (package_dir / "_shipped_entries", package_dir.parent / "entries"):
        if (candidate / SETTINGS_FILE).is_file():
            return candidate
    return None


def _walk_up(start: Path) -> Path | None:
    for directory in (start, *start.parents):
        if (directory / SETTINGS_FILE).is_file():
            return directory
        if (directory / "entries" / SETTINGS_FILE).is_file():
            return directory / "entries"
    return None


def find_kb(
    given: str | os.PathLike[str] | None = None,
    origin: str = "--kb",
    cwd: Path | None = None,
    shipped: bool = True,
) -> Path:
    """The KB root directory (the one holding kb.toml): `given` (a KB, or a folder holding
    entries/kb.toml; `origin` names where it came from in the error), else the nearest one
    walking up from `cwd` (default: the working directory), else (when `shipped`) the shipped
    KB. KbNotFoundError when `given` holds none, or when none is found."""
    if given is not None:
        root = Path(given).expanduser()
        if not (root / SETTINGS_FILE).is_file() and (root / "entries" / SETTINGS_FILE).is_file():
            return (root / "entries").resolve()
        if not (root / SETTINGS_FILE).is_file():
            raise KbNotFoundError(
                f"{origin}: no knowledge base at {root} (missing {SETTINGS_FILE})"
            )
        return root.resolve()
    start = (cwd or Path.cwd()).resolve()
    found = _walk_up(start) or (shipped_kb() if shipped else None)
    if found is None and not shipped:
        raise KbNotFoundError(
            f"no knowledge base here (no kb.toml or entries/kb.toml in {start} or above); "
            "pass --kb DIR, set KB_DIR, or start one with kb init"
        )
    if found is None:
        raise KbNotFoundError("no knowledge base found: pass --kb PATH or set KB_DIR")
    return found.resolve()
