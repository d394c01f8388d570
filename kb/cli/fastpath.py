"""A fast path for `kb search`, the command people run most: parse its options without
importing typer (which alone costs several times Python's start-up).

Only plain, well-formed invocations take this path; anything else (help, completion, a short
option glued to its value, an unknown option, a bad value, no query) returns None and goes
through the typer app, which produces the usual messages. tests/cli/test_fastpath.py checks
that the options here are exactly those of the typer command.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kb.entries.filters import NAMES as FILTER_NAMES
from kb.entries.filters import Filters

if TYPE_CHECKING:
    from kb.cli.searching import SearchRequest

FILTER_OPTIONS = {f"--{name}": name for name in FILTER_NAMES}  # repeatable
VALUE_OPTIONS = {
    **FILTER_OPTIONS,
    "--limit": "limit",
    "-n": "limit",
    "--format": "fmt",
    "-f": "fmt",
    "--kb": "kb_path",
    "--index-dir": "index_dir",
    "--sort": "sort",
    "--color": "color",
    "--min-reliability": "min_reliability",
}
FLAG_OPTIONS = {
    "--all": "show_all",
    "--no-color": "no_color",
    "--count": "count_only",
    "--no-pager": "no_pager",
}


def _split(args: list[str]) -> tuple[dict[str, str | bool | list[str]], list[str]] | None:
    options: dict[str, str | bool | list[str]] = {}
    words: list[str] = []
    tokens = iter(args)
    for token in tokens:
        if token == "--":
            words.extend(tokens)
            break
        # `--name=VALUE` (VALUE may be empty: `--status=` is the value "", as for typer)
        name, equals, inline = token.partition("=") if token.startswith("--") else (token, "", "")
        if name in FLAG_OPTIONS and not equals:
            options[FLAG_OPTIONS[name]] = True
        elif name in VALUE_OPTIONS:
            value = inline if equals else next(tokens, None)
            if value is None:
                return None
            if name in FILTER_OPTIONS:
                values = options.setdefault(FILTER_OPTIONS[name], [])
                assert isinstance(values, list)
                values.append(value)
            else:
                options[VALUE_OPTIONS[name]] = value
        elif token.startswith("-") and token != "-":
            return None
        else:
            words.append(token)
    return options, words


def parse_search(args: list[str]) -> SearchRequest | None:
    """A SearchRequest for `kb search ARGS`, or None when typer should handle it."""
    from kb.cli.config import COLOR_WHEN
    from kb.cli.searching import SearchRequest
    from kb.render.search import FORMATS

    split = _split(args)
    if split is None or not split[1]:
        return None
    options, words = split
    given = _text(options, "limit")
    try:
        limit = int(given) if given is not None else None
    except ValueError:
        return None
    fmt = _text(options, "fmt")
    color = _text(options, "color")
    if (
        (limit is not None and limit < 1)
        or (fmt is not None and fmt not in FORMATS)
        or color not in (None, *COLOR_WHEN)
    ):
        return None
    kb_path = _text(options, "kb_path")
    if kb_path == "" or _text(options, "index_dir") == "":
        return None  # an empty path: typer's usage error
    filters = Filters.of(
        **{name: options.get(name) for name in (*FILTER_NAMES, "min_reliability")}  # type: ignore[arg-type]
    )
    return SearchRequest(
        query=" ".join(words),
        filters=filters,
        limit=limit,
        show_all=bool(options.get("show_all")),
        sort=_text(options, "sort"),
        count_only=bool(options.get("count_only")),
        fmt=fmt,
        kb_path=Path(kb_path) if kb_path is not None else None,
        index_dir=_text(options, "index_dir"),
        no_color=bool(options.get("no_color")),
        color=color,
        no_pager=bool(options.get("no_pager")),
    )


def _text(options: dict[str, str | bool | list[str]], key: str) -> str | None:
    value = options.get(key)
    return value if isinstance(value, str) else None


def run(argv: list[str]) -> int | None:
    """Run `kb search` without typer when argv allows, errors mapped to exit codes
    (kb.cli.errors); None means: use the full CLI."""
    from kb.cli.config import completing

    if len(argv) < 2 or argv[1] != "search" or completing():
        return None
    request = parse_search(argv[2:])
    if request is None:
        return None
    from kb.cli.errors import guarded
    from kb.cli.searching import run_search

    return guarded(lambda: run_search(request))
