"""What a person at a terminal gets: the pager, colour and the width, on a real pseudo-terminal."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.terminal import environment, fake_pager, run_on_terminal

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")

# ---- the pager ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "word"),
    [
        (["list"], "widgetol-schedule-iv"),
        (["search", "widgetol"], "widgetol-schedule-iv"),
        (["show", "widgetol-schedule-iv"], "widgetol-schedule-iv"),
        (["compare", "widgetol", "gadgetine"], "widgetol-schedule-iv"),
        (["stats"], "alpha-news"),
        (["sources"], "alpha-news"),
        (["subjects", "widgetol"], "widgetol-schedule-iv"),
        (["tags"], "legal-status"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else "",
)
def test_output_to_a_terminal_goes_through_the_pager(
    args: list[str], word: str, mini_kb: Path, tmp_path: Path
) -> None:
    pager, record = fake_pager(tmp_path)
    shown = run_on_terminal(args, mini_kb, tmp_path, KB_PAGER=pager)
    assert shown.code == 0, shown.stderr
    assert "PAGER SAW" in shown.text
    paged = record.read_text()
    assert word in paged
    assert word not in shown.text  # all of it went to the pager
    assert paged.startswith("LESS=FRX\n")  # as git does, when LESS is not set
    assert "\x1b[" in paged  # colour: the pager shows it on the terminal


def test_pager_is_kb_pager_else_pager_else_less(mini_kb: Path, tmp_path: Path) -> None:
    pager, record = fake_pager(tmp_path)
    shown = run_on_terminal(["list"], mini_kb, tmp_path, PAGER=pager)
    assert "PAGER SAW" in shown.text and record.exists()
    record.unlink()
    shown = run_on_terminal(["list"], mini_kb, tmp_path, PAGER="false", KB_PAGER=pager)
    assert "PAGER SAW" in shown.text and record.exists()
    # the default: less -FRX, which quits at once when the output fits on the screen
    shown = run_on_terminal(["list"], mini_kb, tmp_path, columns=200)
    assert shown.code == 0
    assert "widgetol-schedule-iv" in shown.text


def test_users_less_settings_are_kept(mini_kb: Path, tmp_path: Path) -> None:
    pager, record = fake_pager(tmp_path)
    run_on_terminal(["list"], mini_kb, tmp_path, KB_PAGER=pager, LESS="-S")
    assert record.read_text().startswith("LESS=-S\n")


@pytest.mark.parametrize(
    ("option", "env"),
    [(["--no-pager"], {}), ([], {"KB_PAGER": ""}), ([], {"KB_PAGER": "cat"})],
    ids=["--no-pager", "KB_PAGER=", "KB_PAGER=cat"],
)
def test_no_pager(option: list[str], env: dict[str, str], mini_kb: Path, tmp_path: Path) -> None:
    pager, record = fake_pager(tmp_path)
    environ = {"PAGER": pager, **env}
    shown = run_on_terminal(["list", *option], mini_kb, tmp_path, **environ)
    assert shown.code == 0
    assert "widgetol-schedule-iv" in shown.text
    assert not record.exists()


@pytest.mark.parametrize("args", [["list", "-f", "rich"], ["search", "widgetol", "-f", "rich"]])
def test_never_a_pager_when_piped(args: list[str], mini_kb: Path, tmp_path: Path) -> None:
    pager, record = fake_pager(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "kb", *args],
        capture_output=True,
        text=True,
        env=environment(mini_kb, tmp_path, KB_PAGER=pager),
        timeout=60,
        check=False,
    )
    assert result.returncode == 0
    assert "widgetol" in result.stdout
    assert not record.exists()


def test_nothing_to_show_starts_no_pager(mini_kb: Path, tmp_path: Path) -> None:
    pager, record = fake_pager(tmp_path)
    shown = run_on_terminal(["search", "nothingmatchesthis"], mini_kb, tmp_path, KB_PAGER=pager)
    assert shown.code == 1
    assert "no facts match" in shown.stderr
    assert not record.exists()


def test_quitting_the_pager_early_ends_quietly(shipped_kb: Path, tmp_path: Path) -> None:
    pager, record = fake_pager(tmp_path, quit_after=3)
    shown = run_on_terminal(["list", "-f", "plain"], shipped_kb, tmp_path, KB_PAGER=pager)
    assert shown.code == 0
    assert shown.stderr == ""
    assert len(record.read_text().splitlines()) == 4  # LESS=..., then the 3 lines it read


def test_a_pager_that_cannot_start_is_reported_and_the_output_shown(
    mini_kb: Path, tmp_path: Path
) -> None:
    shown = run_on_terminal(["list"], mini_kb, tmp_path, KB_PAGER="no-such-pager-here")
    assert shown.code == 0
    assert "cannot start the pager 'no-such-pager-here'" in shown.stderr
    assert "widgetol-schedule-iv" in shown.text


# ---- colour ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "env", "coloured"),
    [
        ([], {}, True),
        ([], {"NO_COLOR": "1"}, False),
        ([], {"NO_COLOR": ""}, False),
        (["--no-color"], {}, False),
        (["--color", "never"], {}, False),
        (["--color=always"], {"NO_COLOR": "1"}, True),  # the command line wins
        (["--color", "auto"], {"TERM": "dumb"}, False),
        (["--color", "always"], {"TERM": "dumb"}, True),
        (["--no-color", "--color=always"], {}, False),  # --no-color wins
    ],
)
def test_colour_on_a_terminal(
    args: list[str], env: dict[str, str], coloured: bool, mini_kb: Path, tmp_path: Path
) -> None:
    shown = run_on_terminal(["list", "--no-pager", *args], mini_kb, tmp_path, **env)
    assert shown.code == 0, shown.stderr
    assert "widgetol-schedule-iv" in shown.text
    assert ("\x1b[" in shown.screen) is coloured


@pytest.mark.parametrize(
    "args", [["list"], ["search", "widgetol"], ["show", "widgetol-schedule-iv"], ["stats"]]
)
def test_color_always_into_a_pipe(args: list[str], mini_kb: Path, tmp_path: Path) -> None:
    """What `kb list --color=always | less -R` needs (and FORCE_COLOR does too)."""
    for extra, env in (
        (["--color=always", "-f", "rich"], {}),
        (["-f", "rich"], {"FORCE_COLOR": "1"}),
    ):
        result = subprocess.run(
            [sys.executable, "-m", "kb", *args, *extra],
            capture_output=True,
            text=True,
            env=environment(mini_kb, tmp_path, **env),
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert "\x1b[" in result.stdout


def test_color_needs_a_known_value(mini_kb: Path, tmp_path: Path) -> None:
    shown = run_on_terminal(["list", "--color", "sometimes"], mini_kb, tmp_path)
    assert shown.code == 2
    assert "'sometimes' is not one of: auto, always, never" in shown.stderr


# ---- width ----------------------------------------------------------------------------------


@pytest.mark.parametrize("columns", ["0", "-3", "abc", "", " 80 "])
def test_nonsense_columns_fall_back_to_the_terminal_width(
    columns: str, mini_kb: Path, tmp_path: Path
) -> None:
    shown = run_on_terminal(
        ["search", "widgetol", "--no-pager"], mini_kb, tmp_path, columns=70, COLUMNS=columns
    )
    assert shown.code == 0, shown.stderr
    assert "widgetol-schedule-iv" in shown.text
    assert max(len(line) for line in shown.lines) <= 80
    if columns.strip() != "80":
        assert max(len(line) for line in shown.lines) <= 70


@pytest.mark.parametrize("columns", ["1", "5", "20"])
@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (["search", "widgetol"], ["widgetol-bladder-damage", "widgetol-schedule-iv"]),
        (["list"], ["gadgetine-stronger", "widgetol-first-made-1972"]),
        (["show", "widgetol-first-made-1972"], ["widgetol-first-made-1972", "1972."]),
        (["compare", "widgetol", "gadgetine"], ["widgetol-schedule-iv", "gadgetine-stronger"]),
        (["stats"], ["alpha-news", "pharmacology"]),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) and len(value) < 3 else "",
)
def test_tiny_widths_still_show_the_data(
    args: list[str], shown: list[str], columns: str, mini_kb: Path, tmp_path: Path
) -> None:
    result = run_on_terminal([*args, "--no-pager"], mini_kb, tmp_path, columns=200, COLUMNS=columns)
    assert result.code == 0, result.stderr
    assert max(len(line) for line in result.lines) <= 40  # laid out for 40 columns at least
    words = set(result.text.translate({ord(c): " " for c in "│┃║╭╮╰╯─━┏┓┗┛┡┩└┘├┤┼╇┳┻"}).split())
    for text in shown:  # the data, ids and words whole
        assert text in words, result.text


def test_a_terminal_of_unknown_size_is_80_wide(mini_kb: Path, tmp_path: Path) -> None:
    shown = run_on_terminal(["search", "widgetol", "--no-pager"], mini_kb, tmp_path, columns=0)
    assert shown.code == 0
    assert "widgetol-schedule-iv" in shown.text
    assert 40 < max(len(line) for line in shown.lines) <= 80


def test_a_huge_columns_is_capped(mini_kb: Path, tmp_path: Path) -> None:
    shown = run_on_terminal(
        ["list", "--no-pager"], mini_kb, tmp_path, columns=120, COLUMNS="100000"
    )
    assert shown.code == 0
    assert "widgetol-schedule-iv" in shown.text
    assert max(len(line) for line in shown.lines) <= 1000
