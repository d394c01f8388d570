"""`kb validate --staged` (what the pre-commit hook runs): the staged changes and every entry
they can break; and `kb validate` refusals."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kb.cli.app import app
from kb.validate.impact import Change, impact

IDENTITY = {
    "GIT_AUTHOR_NAME": "kb tests",
    "GIT_AUTHOR_EMAIL": "kb-tests@example.invalid",
    "GIT_COMMITTER_NAME": "kb tests",
    "GIT_COMMITTER_EMAIL": "kb-tests@example.invalid",
}


def git(repo: Path, *args: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")} | IDENTITY
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path, mini_kb: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository with the mini KB in entries/, committed."""
    if shutil.which("git") is None:
        pytest.fail("git is needed")
    top = tmp_path / "repo"
    shutil.copytree(mini_kb, top / "entries")
    git(top, "init", "-q")
    git(top, "add", "-A")
    git(top, "commit", "-qm", "start")
    monkeypatch.chdir(top)
    return top


def staged(runner: CliRunner, *extra: str) -> tuple[int, list[str], str]:
    result = runner.invoke(app, ["validate", "--staged", *extra])
    return result.exit_code, result.stdout.splitlines(), result.stderr


def test_nothing_staged_is_valid(runner: CliRunner, repo: Path) -> None:
    code, lines, _ = staged(runner)
    assert (code, lines) == (0, [])


def test_a_removed_related_fact_breaks_the_facts_naming_it(runner: CliRunner, repo: Path) -> None:
    git(repo, "rm", "-q", "entries/facts/core/widgetol-first-made-1970.toml")
    code, lines, err = staged(runner)
    assert code == 1
    assert lines == [
        "entries/facts/core/widgetol-first-made-1972.toml:10:1: KB032 unknown related fact "
        "'widgetol-first-made-1970' (did you mean 'widgetol-first-made-1972'?)"
    ]
    assert "fact widgetol-first-made-1970 removed" in err


def test_a_fact_moved_to_another_folder_breaks_nothing(runner: CliRunner, repo: Path) -> None:
    (repo / "entries/facts/other").mkdir()
    git(repo, "mv", "entries/facts/core/widgetol-first-made-1970.toml", "entries/facts/other/")
    code, lines, _ = staged(runner)
    assert (code, lines) == (0, [])


def test_a_removed_subject_or_source(runner: CliRunner, repo: Path) -> None:
    git(repo, "rm", "-q", "entries/subjects/gadgetine.toml")
    code, lines, _ = staged(runner)
    assert code == 1
    assert [line.split(": ")[1].split()[0] for line in lines] == ["KB030"]
    git(repo, "reset", "-q", "--hard")
    git(repo, "rm", "-q", "entries/sources/beta-blog.toml")
    code, lines, _ = staged(runner)
    assert code == 1 and len(lines) == 2 and all("KB031" in line for line in lines)


def test_a_vocabulary_value_removed_from_kb_toml(runner: CliRunner, repo: Path) -> None:
    settings = repo / "entries/kb.toml"
    settings.write_text(settings.read_text().replace('"risks"', '"hazards"'))
    git(repo, "add", "entries/kb.toml")
    code, lines, err = staged(runner)
    assert code == 1
    assert lines == [
        "entries/facts/core/widgetol-bladder-damage.toml:4:1: KB033 topics 'risks' is not in "
        "kb.toml topics"
    ]
    assert "kb.toml no longer lists topics risks" in err
    git(repo, "reset", "-q", "--hard")
    settings.write_text(settings.read_text().replace('["news", "blog"]', '["news", "zine"]'))
    git(repo, "add", "entries/kb.toml")
    code, lines, _ = staged(runner)
    assert code == 1 and lines[0].startswith("entries/sources/beta-blog.toml:")


def test_a_changed_snapshot_breaks_its_source_and_quotes(runner: CliRunner, repo: Path) -> None:
    snapshot = repo / "entries/snapshots/beta.txt"
    snapshot.write_text("Nothing that anyone quoted.\n")
    git(repo, "add", "-A")
    code, lines, _ = staged(runner)
    assert code == 1
    codes = sorted(line.split(": ")[1].split()[0] for line in lines)
    assert codes == ["KB040", "KB040", "KB041"]


def test_unstaged_files_and_valid_changes(runner: CliRunner, repo: Path) -> None:
    fact = repo / "entries/facts/core/widgetol-schedule-iv.toml"
    fact.write_text(fact.read_text().replace("tags =", "tagz ="))  # not staged: not reported
    assert staged(runner)[0] == 0
    git(repo, "add", "-A")
    code, lines, _ = staged(runner)
    assert code == 1 and "KB010" in lines[0]


def test_staged_refusals(runner: CliRunner, mini_kb: Path, tmp_path: Path) -> None:
    outside = runner.invoke(app, ["validate", "--staged", "--kb", str(mini_kb)])
    assert outside.exit_code == 2 and "--staged:" in outside.stderr


def test_a_file_outside_the_kb_is_refused(runner: CliRunner, mini_kb: Path, tmp_path: Path) -> None:
    stray = tmp_path / "elsewhere.toml"
    stray.write_text("not = [valid")
    result = runner.invoke(app, ["validate", "--kb", str(mini_kb), str(stray)])
    assert result.exit_code == 2
    assert "is not in the knowledge base at" in result.stderr


def test_snapshots_from_the_environment_must_exist(
    runner: CliRunner, mini_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KB_SNAPSHOTS", "/nonexistent")
    result = runner.invoke(app, ["validate", "--kb", str(mini_kb)])
    assert result.exit_code == 2 and "KB_SNAPSHOTS: not a directory" in result.stderr


def test_impact_of_a_content_change_is_the_file_alone(mini_kb: Path) -> None:
    found = impact(mini_kb, [Change("facts/core/widgetol-schedule-iv.toml", "M")], None)
    assert found.paths == [mini_kb / "facts/core/widgetol-schedule-iv.toml"]
    assert not found.everything and found.reasons == []
    new_settings = impact(mini_kb, [Change("kb.toml", "A")], None)
    assert new_settings.everything


def test_files_git_does_not_track_are_not_part_of_the_commit(runner: CliRunner, repo: Path) -> None:
    # a staged fact relying on a fact that exists only on disk (not in the commit)
    related = repo / "entries/facts/core/widgetol-schedule-iv.toml"
    related.write_text(related.read_text().replace("tags =", 'related = ["only-here"]\ntags ='))
    untracked = repo / "entries/facts/core/only-here.toml"
    text = (repo / "entries/facts/core/gadgetine-stronger.toml").read_text()
    untracked.write_text(text.replace('id = "gadgetine-stronger"', 'id = "only-here"'))
    git(repo, "add", str(related.relative_to(repo)))
    code, lines, _ = staged(runner)
    assert code == 1
    assert "KB032 unknown related fact 'only-here'" in lines[0]
    assert runner.invoke(app, ["validate"]).exit_code == 0  # on disk, all is well


def test_a_fact_removed_while_an_untracked_copy_remains(runner: CliRunner, repo: Path) -> None:
    gone = "entries/facts/core/widgetol-first-made-1970.toml"
    git(repo, "rm", "-q", "--cached", gone)  # out of the commit, still on disk
    code, lines, _ = staged(runner)
    assert code == 1 and "KB032 unknown related fact 'widgetol-first-made-1970'" in lines[0]
