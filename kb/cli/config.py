"""Everything kb takes from its environment, resolved here and handed to the library as
arguments: no other layer reads an environment variable.

| variable | meaning |
|---|---|
| `KB_DIR` | the knowledge base, when `--kb` is not given |
| `KB_INDEX_DIR` | the search index directory, when `--index-dir` is not given |
| `KB_SNAPSHOTS` | the source snapshots directory, when `--snapshots` is not given |
| `KB_WATCHMAN` | `0`: never ask watchman what changed, walk the KB (docs/search.md) |
| `VISUAL`, `EDITOR` | the editor of `kb edit` (default `vi`) |
| `NO_COLOR` | no colour, whatever its value (https://no-color.org), unless `--color=always` |
| `FORCE_COLOR` | colour even into a pipe, when set to something (like `--color=always`) |
| `COLUMNS` | the width rich output is laid out for (else the terminal's own width) |
| `KB_PAGER`, `PAGER` | the pager on a terminal (default `less -FRX`; `cat` or empty: none) |
| `LESS`, `LV` | given to the pager as `FRX` and `-c` when unset (as git does) |
| `TERM`, `COLORTERM` | how many colours the terminal has (`TERM=dumb`: none unless forced) |
| `XDG_CACHE_HOME` | the cache directory on Linux and other Unixes (default `~/.cache`) |
| `LOCALAPPDATA` | the cache directory on Windows (`%LOCALAPPDATA%`) |

Typer-free: the search fast path uses it.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

from kb.core.errors import UsageError


def _env(name: str) -> str | None:
    """An environment variable, an empty value counting as unset."""
    return os.environ.get(name) or None


def kb_root(option: str | os.PathLike[str] | None, writing: bool = False) -> Path:
    """The KB root: `--kb`, else $KB_DIR, else the nearest entries/kb.toml, else (only when
    not `writing`: commands that change a KB never fall back silently on the one installed
    with kb) the shipped KB (kb.entries.locate.find_kb). KbNotFoundError when the one named
    has no kb.toml, or when none is found."""
    from kb.entries.locate import find_kb

    if option is not None:
        return find_kb(option, "--kb")
    return find_kb(_env("KB_DIR"), "KB_DIR", shipped=not writing)


def editor() -> str:
    """The command that edits a file: $VISUAL, else $EDITOR, else vi (as git and crontab do)."""
    return _env("VISUAL") or _env("EDITOR") or "vi"


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


COLOR_WHEN = ("auto", "always", "never")


def color(no_color_flag: bool, when: str | None = None, terminal: bool = True) -> bool:
    """Whether to colour output, git's way: `--no-color` or `--color=never` never;
    `--color=always` always (even into a pipe or a pager, and over NO_COLOR); otherwise
    (`--color=auto`, the default) never when NO_COLOR is set (to anything), always when
    FORCE_COLOR is set to something (https://force-color.org), else only to a terminal that is
    not `TERM=dumb`. `terminal`: whether the output goes to a terminal (directly or through
    the pager)."""
    if no_color_flag or when == "never":
        return False
    if when == "always":
        return True
    if when not in (None, "auto"):
        raise UsageError(f"--color: {when!r} is not one of: {', '.join(COLOR_WHEN)}")
    if "NO_COLOR" in os.environ:
        return False
    if _env("FORCE_COLOR"):
        return True
    return terminal and not _dumb_terminal()


def _dumb_terminal() -> bool:
    return (_env("TERM") or "").lower() in ("dumb", "unknown")


def color_system() -> str:
    """The colours the terminal understands, for rich: truecolor, 256 or standard."""
    if (_env("COLORTERM") or "").strip().lower() in ("truecolor", "24bit"):
        return "truecolor"
    return "256" if (_env("TERM") or "").lower().endswith("256color") else "standard"


MIN_WIDTH = 40  # narrower is laid out at this width (the terminal wraps the rest)
MAX_WIDTH = 1000
DEFAULT_WIDTH = 80


def width(stream: object = None) -> int:
    """The width rich output is laid out for: $COLUMNS when it is a positive number, else the
    terminal's width (of `stream`, else stdout or stderr), else 80; at least MIN_WIDTH and at
    most MAX_WIDTH. Nonsense (COLUMNS=0, COLUMNS=wide, a terminal reporting 0) is ignored."""
    columns = (_env("COLUMNS") or "").strip()
    chosen = int(columns) if columns.isdigit() and int(columns) > 0 else None
    if chosen is None:
        chosen = _terminal_width(stream)
    return max(MIN_WIDTH, min(chosen or DEFAULT_WIDTH, MAX_WIDTH))


def _terminal_width(stream: object) -> int | None:
    descriptors = []
    fileno = getattr(stream, "fileno", None)
    if fileno is not None:
        with contextlib.suppress(OSError, ValueError):
            descriptors.append(fileno())
    for descriptor in (*descriptors, 1, 2):
        try:
            columns = os.get_terminal_size(descriptor).columns
        except (OSError, ValueError):
            continue
        if columns > 0:
            return columns
    return None


DEFAULT_PAGER = "less -FRX"


def pager() -> str | None:
    """The pager command, as git chooses it: $KB_PAGER, else $PAGER, else `less -FRX`; None
    when the chosen one is empty or `cat` (no pager)."""
    for name in ("KB_PAGER", "PAGER"):
        if name in os.environ:
            command = os.environ[name].strip()
            return None if command in ("", "cat") else command
    return DEFAULT_PAGER


def pager_environment() -> dict[str, str]:
    """The pager's environment: ours, with LESS=FRX and LV=-c when they are not set (so that
    `less` passes colours through, quits when the output fits the screen and leaves it on
    the screen: what git does)."""
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")
    env.setdefault("LV", "-c")
    return env


def completing() -> bool:
    """Whether the shell asked for completions (click's protocol)."""
    return "_KB_COMPLETE" in os.environ
