"""Finding the knowledge base: --kb, else $KB_DIR, else the nearest entries/kb.toml walking up
from the working directory, else the KB shipped with the package."""

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


def find_kb(explicit: str | os.PathLike[str] | None = None, cwd: Path | None = None) -> Path:
    """Return the KB root directory (the one holding kb.toml)."""
    given = explicit if explicit is not None else os.environ.get("KB_DIR") or None
    if given is not None:
        root = Path(given).expanduser()
        if not (root / SETTINGS_FILE).is_file() and (root / "entries" / SETTINGS_FILE).is_file():
            return (root / "entries").resolve()
        if not (root / SETTINGS_FILE).is_file():
            origin = "--kb" if explicit is not None else "KB_DIR"
            raise KbNotFoundError(
                f"{origin}: no knowledge base at {root} (missing {SETTINGS_FILE})"
            )
        return root.resolve()
    found = _walk_up((cwd or Path.cwd()).resolve()) or shipped_kb()
    if found is None:
        raise KbNotFoundError("no knowledge base found: pass --kb PATH or set KB_DIR")
    return found.resolve()
