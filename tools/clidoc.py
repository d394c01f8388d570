"""The command reference (docs/cli-reference.md), generated from the commands' own help.

Walks the click command tree typer builds from `kb.cli.app.app`, so every command, argument and
option appears with exactly the help text `kb COMMAND --help` shows. (typer bundles its own
click, so the tree's classes are reached through the objects themselves, never `import click`.)
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

# Command, Context: classes of the click that typer bundles.
Command = Any
Context = Any


def _is_group(command: Command) -> bool:
    return hasattr(command, "list_commands")


def _context(command: Command, name: str, parent: Context | None = None) -> Context:
    settings = dict(command.context_settings or {})
    return command.context_class(command, info_name=name, parent=parent, **settings)


def _walk(ctx: Context) -> Iterator[Context]:
    yield ctx
    command = ctx.command
    if _is_group(command):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                yield from _walk(_context(sub, name, ctx))


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _params_table(ctx: Context) -> list[str]:
    rows = []
    for param in ctx.command.get_params(ctx):
        record = param.get_help_record(ctx)
        if record is None or getattr(param, "hidden", False):
            continue
        names, help_text = record
        rows.append(f"| `{_cell(names)}` | {_cell(help_text)} |")
    if not rows:
        return []
    return ["| argument / option | meaning |", "|---|---|", *rows, ""]


def _section(ctx: Context) -> list[str]:
    command = ctx.command
    level = "#" * min(2 + ctx.command_path.count(" "), 4)
    usage = " ".join([ctx.command_path, *command.collect_usage_pieces(ctx)])
    lines = [f"{level} `{ctx.command_path}`", ""]
    help_text = inspect.cleandoc(command.help or "")
    if help_text:
        lines += [help_text, ""]
    lines += ["```", usage, "```", ""]
    lines += _params_table(ctx)
    if _is_group(command):
        names = command.list_commands(ctx)
        lines += [f"Commands: {', '.join(f'`{name}`' for name in names)}.", ""]
    return lines


def command_reference() -> str:
    """Markdown for every command of `kb`, depth first, in the order `kb --help` lists them."""
    import typer.main

    from kb.cli.app import app

    root = typer.main.get_command(app)
    lines: list[str] = []
    for ctx in _walk(_context(root, "kb")):
        lines += _section(ctx)
    return "\n".join(lines).rstrip("\n") + "\n"
