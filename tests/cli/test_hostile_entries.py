"""Hostile entries and file names, through every command in every format: no traceback, and
nothing that a terminal would act on reaches stdout or stderr (control characters, escape
sequences, 8-bit controls from file names that are not UTF-8, zero-width and bidi characters,
line and paragraph separators: all shown escaped, by the one rule of kb.render.base)."""

from __future__ import annotations

import os
import time
import unicodedata
from pathlib import Path

import pytest

from tests.cli.kbmain import Ran, run_main
from tests.cli.matrix import (
    invocations,
    no_editor,  # noqa: F401 (an autouse fixture)
)

UNSAFE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs"}


def unsafe(text: str) -> str | None:
    """The first character a terminal could act on or hide (Unicode's controls, format
    characters, separators, surrogates; tab and newline aside), if any."""
    for char in text:
        if unicodedata.category(char) in UNSAFE_CATEGORIES and char not in "\t\n":
            return char
    return None


FACT = """id = "{id}"
statement = "{statement}"
subject = "widgetol"
topics = ["risks"]
note = "{note}"

[[provenance]]
source = "alpha-news"
quote = "Long-term use of widgetol can damage the bladder."
"""


def assert_safe(ran: Ran, what: str) -> None:
    """Both streams are UTF-8 with nothing a terminal acts on (tab and newline aside)."""
    for name, raw in (("stdout", ran.out), ("stderr", ran.err)):
        text = raw.decode("utf-8")  # never a raw byte that is not UTF-8 (0x9b: CSI)
        text = text.replace("\r\n", "\n")  # csv's line ends (RFC 4180)
        found = unsafe(text)
        assert found is None, f"{what}: {name} carries {found!r}: {text[:300]!r}"
    assert b"Traceback" not in ran.err, (what, ran.stderr)


@pytest.fixture
def hostile_kb(mini_kb: Path) -> Path:
    core = mini_kb / "facts" / "core"
    # valid entries (KB018 is about C0/C1 controls and bidi overrides) with invisible text
    invisible = "zero\u200bwidth, joiner\u200d, soft\u00adhyphen, bom\ufeff, line\u2028para\u2029"
    (core / "widgetol-invisible.toml").write_text(
        FACT.format(
            id="widgetol-invisible",
            statement=f"Widgetol bladder text with {invisible} in it.",
            note=f"A note: {invisible}",
        ),
        encoding="utf-8",
    )
    # an invalid entry with an escape sequence and a C1 control in its text
    (core / "widgetol-escape.toml").write_text(
        FACT.format(
            id="widgetol-escape",
            statement="Widgetol bladder \\u001b[2J cleared \\u009b31m screen.",
            note="\\u001b]0;title\\u0007",
        ),
        encoding="utf-8",
    )
    # file names that are not UTF-8, with 8-bit controls (CSI) and an escape sequence
    base = os.fsencode(core)
    for name in (b"evil\x9b2J.toml", b"esc\x1b[31mred.toml", b"bad\xff\xfe.toml"):
        with open(os.path.join(base, name), "wb") as stream:
            stream.write(b'id = "x"\n')
    sources = os.fsencode(mini_kb / "sources")
    with open(os.path.join(sources, b"src\x9b.toml"), "wb") as stream:
        stream.write(b'id = "src"\n')
    return mini_kb


@pytest.mark.skipif(os.name != "posix", reason="file names that are not UTF-8 (POSIX)")
def test_no_command_sends_control_characters_to_the_terminal(hostile_kb: Path) -> None:
    runs = invocations(str(hostile_kb))
    runs += [
        inv._replace(name=f"{inv.name} (hostile)", args=[*inv.args, "bladder"])
        for inv in runs
        if inv.args[0] == "search"
    ]
    shown_escaped = False
    for inv in runs:
        args = inv.args
        if inv.args[0] == "show":
            args = ["show", "widgetol-invisible", "widgetol-escape", *inv.args[3:]]
        ran = run_main(args)
        assert_safe(ran, inv.name)
        shown_escaped |= b"\\x9b" in ran.out + ran.err and b"\\u200b" in ran.out + ran.err
    assert shown_escaped, "the hostile names and text were never shown (escaped)"


@pytest.mark.skipif(os.name != "posix", reason="file names that are not UTF-8 (POSIX)")
def test_validate_github_escapes_file_names(hostile_kb: Path) -> None:
    ran = run_main(["validate", "--kb", str(hostile_kb), "-f", "github"])
    assert_safe(ran, "validate -f github")
    lines = ran.stdout.splitlines()
    assert any("evil\\x9b2J.toml" in line for line in lines), lines
    assert any("esc\\x1b[31mred.toml" in line for line in lines), lines
    assert all(line.startswith("::") for line in lines)


def test_json_keeps_the_text_exactly_as_json_escapes(hostile_kb: Path) -> None:
    import json

    ran = run_main(["show", "widgetol-invisible", "--kb", str(hostile_kb), "-f", "json"])
    assert_safe(ran, "show -f json")
    (fact,) = json.loads(ran.out)
    assert "\u200b" in fact["statement"] and "\u2028" in fact["note"]


LOOPS = ("facts/core/loop.toml", "subjects/loop.toml", "sources/loop.toml", "facts/risks/x.toml")


@pytest.fixture
def looping_kb(mini_kb: Path) -> Path:
    for relpath in LOOPS:
        link = mini_kb / relpath
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(link.name)  # points at itself
    (mini_kb / "facts" / "core" / "pair-a.toml").symlink_to("pair-b.toml")
    (mini_kb / "facts" / "core" / "pair-b.toml").symlink_to("pair-a.toml")
    return mini_kb


def test_toml_symlink_loops_break_no_command(looping_kb: Path) -> None:
    runs = [inv.args for inv in invocations(str(looping_kb))]
    kb = ["--kb", str(looping_kb)]
    runs += [
        ["show", "loop", "pair-a", "widgetol-schedule-iv", *kb],
        ["validate", str(looping_kb / "facts/core/loop.toml"), *kb],
        ["new", "subject", "--id", "loop", "--name", "Loop", "--kind", "drug", *kb],
        [
            *["new", "source", "--id", "loop", "--title", "T", "--publisher", "P"],
            *["--kind", "news", "--reliability", "high", "--reliability-note", "n"],
            *["--retrieved", "2024-01-01", "--snapshot", "alpha.txt", *kb],
        ],
        ["new", "subject", "--name", "Pair A", "--kind", "drug", *kb],
    ]
    for args in runs:
        ran = run_main(args)
        assert_safe(ran, " ".join(args))
    validated = run_main(["validate", *kb, "-f", "plain"])
    for relpath in (*LOOPS, "facts/core/pair-a.toml"):
        assert any(relpath in line and "KB003" in line for line in validated.stdout.splitlines()), (
            relpath,
            validated.stdout,
        )
    taken = run_main(["new", "subject", "--id", "loop", "--name", "L", "--kind", "drug", *kb])
    assert taken.code == 1 and "taken" in taken.stderr


def test_a_key_nested_very_deeply_is_refused_before_parsing(mini_kb: Path) -> None:
    """64 KiB of one dotted key: tomllib alone takes tens of seconds on it."""
    deep = mini_kb / "facts" / "core" / "deep.toml"
    parts = (64 * 1024 - 100) // 2
    deep.write_text('id = "deep"\n' + "a" + ".a" * parts + " = 1\n")
    kb = ["--kb", str(mini_kb)]
    started = time.monotonic()
    validated = run_main(["validate", *kb, "-f", "plain"])
    listed = run_main(["list", *kb, "-f", "ids"])
    searched = run_main(["search", "widgetol", *kb, "-f", "ids"])
    assert time.monotonic() - started < 5
    assert "deep.toml:2:1: KB006" in validated.stdout, validated.stdout
    assert listed.code == 0 and "KB006" in listed.stderr
    assert searched.code == 0
    created = run_main(
        ["new", "subject", "--name", "X", "--kind", "drug", "--alias", "a" + ".a" * 40, *kb]
    )
    assert b"Traceback" not in created.err
