"""`kb mv`, `kb rm` and `kb link` from the command line, refusals included."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kb.cli.app import app
from kb.core import atomic

FACTS = Path("facts/core")


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_mv_lists_the_changed_files(
    runner: CliRunner, mini_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(mini_kb)
    result = runner.invoke(app, ["mv", "widgetol-first-made-1970", "widgetol-made-1970"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "written\tfacts/core/widgetol-made-1970.toml",
        "removed\tfacts/core/widgetol-first-made-1970.toml",
        "written\tfacts/core/widgetol-first-made-1972.toml",
    ]
    assert "renamed widgetol-first-made-1970 to widgetol-made-1970; 3 file(s)" in result.stderr
    check = runner.invoke(app, ["validate", "--strict"])
    assert check.exit_code == 0, check.output


def test_mv_dry_run_changes_nothing(runner: CliRunner, mini_kb: Path) -> None:
    before = tree(mini_kb)
    result = runner.invoke(app, ["mv", "alpha-news", "alpha", "--dry-run", "--kb", str(mini_kb)])
    assert result.exit_code == 0, result.output
    assert "rewrite\t" in result.stdout and "would have renamed" in result.stderr
    assert tree(mini_kb) == before


def test_mv_refusals(runner: CliRunner, mini_kb: Path) -> None:
    kb = ["--kb", str(mini_kb)]
    taken = runner.invoke(app, ["mv", "alpha-news", "beta-blog", *kb])
    assert taken.exit_code == 1 and "is taken by" in taken.stderr
    bad = runner.invoke(app, ["mv", "alpha-news", "Alpha News", *kb])
    assert bad.exit_code == 2 and "kebab-case" in bad.stderr
    unknown = runner.invoke(app, ["mv", "alpha-newz", "alpha", *kb])
    assert unknown.exit_code == 1 and "did you mean 'alpha-news'" in unknown.stderr
    wrong_kind = runner.invoke(app, ["mv", "alpha-news", "alpha", "--kind", "fact", *kb])
    assert wrong_kind.exit_code == 1 and "unknown fact 'alpha-news'" in wrong_kind.stderr
    no_kind = runner.invoke(app, ["mv", "alpha-news", "alpha", "--kind", "thing", *kb])
    assert no_kind.exit_code == 2


def test_mv_fails_whole_when_a_write_fails(
    runner: CliRunner, mini_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = tree(mini_kb)
    real_replace = os.replace
    calls = {"n": 0}

    def full_disk_on_second(source: str, target: str) -> None:
        if not Path(target).name.startswith("."):
            calls["n"] += 1
            if calls["n"] == 2:
                raise OSError(28, "No space left on device", str(target))
        real_replace(source, target)

    monkeypatch.setattr(atomic.os, "replace", full_disk_on_second)
    # the subject: its own file and four facts to rewrite
    result = runner.invoke(app, ["mv", "widgetol", "widgetol-drug", "--kb", str(mini_kb)])
    assert result.exit_code == 1
    assert "No space left on device" in result.stderr
    assert tree(mini_kb) == before


def test_rm_refuses_while_referred_to_and_lists_one_per_line(
    runner: CliRunner, mini_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(mini_kb)
    result = runner.invoke(app, ["rm", "alpha-news"])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("kb: error: source 'alpha-news' is referred to by 3 fact(s)")
    assert lines[1:] == [
        "  widgetol-bladder-damage (facts/core/widgetol-bladder-damage.toml) cites it",
        "  widgetol-first-made-1970 (facts/core/widgetol-first-made-1970.toml) cites it",
        "  widgetol-schedule-iv (facts/core/widgetol-schedule-iv.toml) cites it",
    ]
    assert (mini_kb / "sources" / "alpha-news.toml").exists()
    forced = runner.invoke(app, ["rm", "alpha-news", "--force"])
    assert forced.exit_code == 1 and "without a subject or a source" in forced.stderr


def test_rm_force_removes_the_references(
    runner: CliRunner, mini_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(mini_kb)
    assert runner.invoke(app, ["rm", "widgetol-first-made-1972"]).exit_code == 1
    result = runner.invoke(app, ["rm", "widgetol-first-made-1972", "--force"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "removed\tfacts/core/widgetol-first-made-1972.toml",
        "written\tfacts/core/widgetol-first-made-1970.toml",
    ]
    assert runner.invoke(app, ["validate"]).exit_code == 0
    unreferenced = runner.invoke(app, ["rm", "gadgetine-stronger"])
    assert unreferenced.exit_code == 0, unreferenced.output
    gone = runner.invoke(app, ["rm", "gadgetine-stronger"])
    assert gone.exit_code == 1 and "unknown entry" in gone.stderr


def test_link_both_ways(runner: CliRunner, mini_kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(mini_kb)
    result = runner.invoke(app, ["link", "widgetol-schedule-iv", "gadgetine-stronger"])
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 2
    again = runner.invoke(app, ["link", "gadgetine-stronger", "widgetol-schedule-iv"])
    assert again.exit_code == 0 and "already linked both ways" in again.stderr
    itself = runner.invoke(app, ["link", "gadgetine-stronger", "gadgetine-stronger"])
    assert itself.exit_code == 2
    unknown = runner.invoke(app, ["link", "gadgetine-stronger", "nope"])
    assert unknown.exit_code == 1 and "unknown fact 'nope'" in unknown.stderr
    assert runner.invoke(app, ["validate", "--strict"]).exit_code == 0


def test_changing_commands_never_fall_back_on_the_shipped_kb(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for args in (["rm", "ketamine"], ["mv", "ketamine", "k"], ["link", "a", "b"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 1, args
        assert "no knowledge base here" in result.stderr and "kb init" in result.stderr


def test_one_work_in_progress_file_gives_one_warning(
    runner: CliRunner, mini_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(mini_kb)
    draft = mini_kb / "facts" / "core" / "draft.toml"
    draft.write_text('id = "draft"\nstatement = "x"\ntopicz = ["a"]\nsubject = 3\n')
    commands = [
        ["list", "-f", "ids"],
        ["stats", "-f", "json"],
        ["compare", "widgetol", "--by", "source"],
        ["search", "widgetol"],  # the index keeps the first problem of each file
    ]
    for args in commands:
        result = runner.invoke(app, args)
        warnings = [line for line in result.stderr.splitlines() if "warning" in line]
        assert len(warnings) == 1, (args, result.stderr)
        assert "facts/core/draft.toml:3:1: KB010" in warnings[0]
        if args[0] != "search":
            assert "; 4 more problem(s) (run kb validate)" in warnings[0]
    for number in range(8):
        (mini_kb / "facts" / "core" / f"draft-{number}.toml").write_text("id = [\n")
    many = runner.invoke(app, ["list", "-f", "ids"])
    warnings = [line for line in many.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 6 and "and 4 more invalid entries skipped" in warnings[-1]
