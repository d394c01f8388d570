"""Every command of the CLI in every format it offers, on the mini KB: what the tests of
environments and faults (streams, encodings, pipes, Ctrl-C, hostile entries) run.

Commands are found in the typer app; the arguments a command needs come from ARGUMENTS
(tests/cli/test_streams.py checks every command that needs arguments has some), the formats
from the command's own `--format` option. So a new command or format is covered as soon as it
is registered.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, NamedTuple

import pytest

# Arguments (and options) for commands that need some, on the mini KB.
ARGUMENTS: dict[str, list[str]] = {
    "show": ["widgetol-bladder-damage", "gadgetine-stronger"],
    "compare": ["widgetol", "gadgetine"],
    "search": ["widgetol"],
    "schema": ["fact"],
    "new fact": [
        "--statement",
        "Gadgetine – “the strong one” – is café-grade.",
        "--subject",
        "gadgetine",
        "--topic",
        "pharmacology",
        "--source",
        "alpha-news",
        "--quote",
        "Long-term use of widgetol can damage the bladder.",
        "--dry-run",
    ],
    "new source": [
        "--title",
        "Café – “news”",
        "--publisher",
        "Zeitung",
        "--kind",
        "news",
        "--reliability",
        "high",
        "--reliability-note",
        "A note – with “quotes”.",
        "--url",
        "https://example.org/café",
        "--retrieved",
        "2024-05-01",
        "--snapshot",
        "alpha.txt",
        "--dry-run",
    ],
    "new subject": ["--name", "Café – x", "--kind", "drug", "--dry-run"],
    # {scratch}: a folder of the test's own; commands that change the KB only say what they
    # would do; the editor of kb edit is `true` (no_editor below)
    "edit": ["widgetol-schedule-iv"],
    "export sqlite": ["{scratch}/out.db", "--force"],
    "init": ["{scratch}/new-kb"],
    "link": ["widgetol-schedule-iv", "gadgetine-stronger", "--dry-run"],
    "mv": ["widgetol-schedule-iv", "widgetol-schedule-four", "--dry-run"],
    "rm": ["widgetol-schedule-iv", "--dry-run"],
}


@pytest.fixture(autouse=True)
def no_editor(monkeypatch: pytest.MonkeyPatch) -> None:
    """`kb edit` runs $VISUAL: here a command that changes nothing (import this fixture in
    a test module that runs the matrix)."""
    monkeypatch.setenv("VISUAL", "true")


class Invocation(NamedTuple):
    name: str  # `show -f json`
    args: list[str]
    fmt: str | None  # None: the command has no --format


def commands() -> dict[str, Any]:
    """Every leaf command of the app, by its path (`new fact`)."""
    import typer.main

    from kb.cli.app import app

    found: dict[str, Any] = {}

    def walk(group: Any, prefix: str) -> None:
        for name, command in sorted(group.commands.items()):
            path = f"{prefix}{name}"
            if hasattr(command, "commands"):
                walk(command, f"{path} ")
            else:
                found[path] = command

    walk(typer.main.get_command(app), "")
    return found


def formats(command: Any) -> list[str]:
    """The formats a command offers (from its --format option's help), [] without one."""
    for param in command.params:
        if "--format" in getattr(param, "opts", ()):
            listed = re.search(r"Output format: ([a-z, ]+?) \(", param.help or "")
            assert listed, f"cannot read the formats of {command.name}: {param.help}"
            return [name.strip() for name in listed.group(1).split(",")]
    return []


def needs_arguments(command: Any) -> bool:
    return any(param.required for param in command.params)


def has_option(command: Any, option: str) -> bool:
    return any(option in getattr(param, "opts", ()) for param in command.params)


def invocations(kb: str, index_dir: str | None = None) -> list[Invocation]:
    """Every command in every format, on the KB at `kb` (and its index in `index_dir`); files
    commands write go to a `scratch` folder beside the KB."""
    scratch = str(Path(kb).parent / "scratch")
    Path(scratch).mkdir(exist_ok=True)
    runs = []
    for path, command in commands().items():
        given = [arg.replace("{scratch}", scratch) for arg in ARGUMENTS.get(path, [])]
        args = [*path.split(), *given]
        if has_option(command, "--kb"):
            args += ["--kb", kb]
        if index_dir is not None and has_option(command, "--index-dir"):
            args += ["--index-dir", index_dir]
        offered = formats(command)
        if not offered:
            runs.append(Invocation(path, args, None))
        for fmt in offered:
            runs.append(Invocation(f"{path} -f {fmt}", [*args, "-f", fmt], fmt))
    return runs
