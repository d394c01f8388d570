"""The `kb-validate` hook through the real pre-commit framework.

A temporary commit of this working tree serves as the hook repository, and a temporary git
repository with a small KB in `entries/` uses it through the `.pre-commit-config.yaml` snippet of
docs/contributing.md. pre-commit installs kb into a virtualenv of its own from that commit (the
package registry provides kb's dependencies): about 10 s.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import MINI_KB, REPO

BAD = REPO / "tests" / "fixtures" / "bad"
IDENTITY = {
    "GIT_AUTHOR_NAME": "kb tests",
    "GIT_AUTHOR_EMAIL": "kb-tests@example.invalid",
    "GIT_COMMITTER_NAME": "kb tests",
    "GIT_COMMITTER_EMAIL": "kb-tests@example.invalid",
}


def run(*command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )


def git(*args: str, cwd: Path, env: dict[str, str]) -> str:
    done = run("git", *args, cwd=cwd, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


def pre_commit(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run(sys.executable, "-m", "pre_commit", *args, cwd=cwd, env=env)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    variables = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    variables.update(IDENTITY, PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"))
    return variables


def snapshot_of_this_repository(target: Path, env: dict[str, str]) -> str:
    """Commit the working tree (tracked and new files, not ignored ones) into target."""
    listed = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=REPO, env=env)
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    git("init", "-q", cwd=target, env=env)
    git("add", "-A", cwd=target, env=env)
    git("commit", "-q", "-m", "hook repository", cwd=target, env=env)
    git("tag", "v0.1.0", cwd=target, env=env)  # a release tag, as docs/contributing.md pins
    return "v0.1.0"


def place_fixture(code: str, repo: Path) -> str:
    text = (BAD / f"{code}.toml").read_text()
    relative = "entries/" + text.splitlines()[0].removeprefix("# as: ")
    (repo / relative).parent.mkdir(parents=True, exist_ok=True)
    (repo / relative).write_text(text)
    return relative


def test_kb_validate_hook_passes_good_entries_and_blocks_bad_ones(
    tmp_path: Path, env: dict[str, str]
) -> None:
    if shutil.which("git") is None:
        pytest.fail("git is needed to test the pre-commit hook")
    hooks = tmp_path / "hook-repo"
    hooks.mkdir()
    rev = snapshot_of_this_repository(hooks, env)
    assert rev == "v0.1.0"
    repo = tmp_path / "my-kb"
    shutil.copytree(MINI_KB, repo / "entries")
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hooks}\n    rev: {rev}\n    hooks:\n      - id: kb-validate\n"
    )
    git("init", "-q", cwd=repo, env=env)
    git("add", "-A", cwd=repo, env=env)

    good = pre_commit("run", "--all-files", cwd=repo, env=env)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "kb validate" in good.stdout
    assert "Passed" in good.stdout

    unknown_key = place_fixture("KB010", repo)
    unknown_subject = place_fixture("KB030", repo)  # a cross-file rule: needs the whole KB
    git("add", "-A", cwd=repo, env=env)
    bad = pre_commit("run", "--files", unknown_key, unknown_subject, cwd=repo, env=env)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "Failed" in bad.stdout
    assert f"{unknown_key}:4:1: KB010 unknown key 'tagz'" in bad.stdout
    assert f"{unknown_subject}:" in bad.stdout
    assert "KB030" in bad.stdout
    assert "entries/facts/core/" not in bad.stdout  # only the given files are reported

    installed = pre_commit("install", cwd=repo, env=env)
    assert installed.returncode == 0, installed.stderr
    blocked = run("git", "commit", "-m", "bad entries", cwd=repo, env=env)
    assert blocked.returncode != 0
    assert unknown_key in blocked.stdout + blocked.stderr
    assert run("git", "rev-parse", "--verify", "HEAD", cwd=repo, env=env).returncode != 0

    git("rm", "-q", "--cached", unknown_key, unknown_subject, cwd=repo, env=env)
    committed = run("git", "commit", "-m", "good entries", cwd=repo, env=env)
    assert committed.returncode == 0, committed.stdout + committed.stderr

    # commits that break entries they do not touch are blocked too
    git("rm", "-q", "entries/facts/core/widgetol-first-made-1970.toml", cwd=repo, env=env)
    removed = run("git", "commit", "-m", "remove a related fact", cwd=repo, env=env)
    assert removed.returncode != 0
    assert "widgetol-first-made-1972.toml:10:1: KB032" in removed.stdout + removed.stderr
    git("reset", "-q", "--hard", cwd=repo, env=env)
    settings = repo / "entries" / "kb.toml"
    settings.write_text(settings.read_text().replace(', "risks"', ""))
    git("add", "entries/kb.toml", cwd=repo, env=env)
    narrowed = run("git", "commit", "-m", "drop a topic", cwd=repo, env=env)
    assert narrowed.returncode != 0
    assert "KB033 topics 'risks'" in narrowed.stdout + narrowed.stderr
