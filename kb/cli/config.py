"""Everything kb takes from its environment, resolved here and handed to the library as
arguments: no other layer reads an environment variable.

| variable | meaning |
|---|---|
| `KB_DIR` | the knowledge base, when `--kb` is not given |
| `KB_INDEX_DIR` | the search index directory, when `--index-dir` is not given |
| `KB_SNAPSHOTS` | the source snapshots directory, when `--snapshots` is not given |
| `KB_WATCHMAN` | `0`: never ask watchman what changed, walk the KB (docs/search.md) |
| `NO_COLOR` | no colour, whatever its value (https://no-color.org) |
| `XDG_CACHE_HOME` | the cache directory on Linux and other Unixes (default `~/.cache`) |
| `LOCALAPPDATA` | the cache directory on Windows (`%LOCALAPPDATA%`) |

Typer-free: the search fast path uses it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from kb.core.errors import UsageError


def _env(name: str) -> str | None:
    """An environment variable, an empty value counting as unset."""
    return os.environ.get(name) or None


def kb_root(option: str | os.PathLike[str] | None) -> Path:
    """The KB root: `--kb`, else $KB_DIR, else the nearest entries/kb.toml, else the shipped KB
    (kb.entries.locate.find_kb). KbNotFoundError when the one named has no kb.toml."""
    from kb.entries.locate import find_kb

    if option is not None:
        return find_kb(option, "--kb")
    return find_kb(_env("KB_DIR"), "KB_DIR")


def index_dir(option: str | os.PathLike[str] | None) -> str | None:
    """The index directory the user chose (`--index-dir`, else $KB_INDEX_DIR), or None."""
    return str(option) if option is not None else _env("KB_INDEX_DIR")


def watchman() -> bool:
    """Whether the index may ask watchman what changed instead of walking the KB: yes unless
    $KB_WATCHMAN is 0 (or false, no, off)."""
    value = _env("KB_WATCHMAN")
    return value is None or value.strip().lower() not in ("0", "false", "no", "off")


def cache_home() -> Path:
    """The user's cache directory, by the platform's convention: %LOCALAPPDATA% on Windows,
    ~/Library/Caches on macOS, else $XDG_CACHE_HOME (when absolute) or ~/.cache."""
    if sys.platform == "win32":
        local = _env("LOCALAPPDATA")
        return Path(local) if local else Path.home() / "AppData" / "Local"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches"
    xdg = _env("XDG_CACHE_HOME")
    return Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"


def snapshots(option: str | None) -> Path | None:
    """The snapshots directory the user chose (`--snapshots`, else $KB_SNAPSHOTS), or None
    (then kb.toml's `snapshots` applies). A chosen one that is not a directory is a usage
    error (exit 2)."""
    given, origin = (
        (option, "--snapshots") if option is not None else (_env("KB_SNAPSHOTS"), "KB_SNAPSHOTS")
    )
    if given is None:
        return None
    path = Path(given).expanduser()
    if not path.is_dir():
        raise UsageError(f"{origin}: not a directory: {given}")
    return path


def color(no_color_flag: bool) -> bool:
    """Whether colour is allowed: not with --no-color, not with NO_COLOR set (to anything)."""
    return not no_color_flag and "NO_COLOR" not in os.environ


def completing() -> bool:
    """Whether the shell asked for completions (click's protocol)."""
    return "_KB_COMPLETE" in os.environ
