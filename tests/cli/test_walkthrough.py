"""The walkthrough of docs/contributing.md, from an empty directory to a first commit through
the pre-commit hook, run exactly as written (with the real kb, git and pre-commit of this
environment on PATH)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

MARKER = "<!-- walkthrough:"


def walkthrough() -> str:
    text = (REPO / "docs" / "contributing.md").read_text(encoding="utf-8")
    after = text[text.index(MARKER) :]
    found = re.search(r"```sh\n(.*?)\n```", after, re.S)
    assert found is not None
    return found.group(1)


def environment(home: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GIT_", "PRE_COMMIT", "KB_", "VIRTUAL_ENV"))
    }
    bin_dir = str(Path(sys.executable).parent)  # kb and pre-commit, as installed by uv sync
    env.update(
        PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
        HOME=str(home),
        PRE_COMMIT_HOME=str(home / "pre-commit"),
        GIT_AUTHOR_NAME="A Contributor",
        GIT_AUTHOR_EMAIL="contributor@example.invalid",
        GIT_COMMITTER_NAME="A Contributor",
        GIT_COMMITTER_EMAIL="contributor@example.invalid",
        GIT_CONFIG_NOSYSTEM="1",
    )
    return env


def shell(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-e", "-c", command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_contributing_walkthrough_runs_as_written(tmp_path: Path) -> None:
    for program in ("git", "bash"):
        if shutil.which(program) is None:
            pytest.fail(f"{program} is needed to run the walkthrough")
    start = tmp_path / "work"
    start.mkdir()
    home = tmp_path / "home"
    home.mkdir()
    env = environment(home)
    done = shell(walkthrough(), start, env)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert re.search(r"kb validate\.+Passed", output), output  # the commit went through the hook
    repo = start / "birds"
    log = shell("git log --format=%s --name-only", repo, env).stdout
    assert log.splitlines()[0] == "A first fact about robins"
    for path in (
        "entries/kb.toml",
        "entries/snapshots/robin.txt",
        "entries/sources/robin.toml",
        "entries/subjects/european-robin.toml",
        "entries/facts/overview/earthworms-insects-make-robins-eat.toml",
        ".pre-commit-config.yaml",
    ):
        assert path in log.splitlines(), (path, log)
    # the hook is live: a commit that breaks an entry it does not touch is refused
    broken = shell("git rm -q entries/subjects/european-robin.toml; git commit -q -m x", repo, env)
    assert broken.returncode != 0
    assert "KB030 unknown subject 'european-robin'" in broken.stdout + broken.stderr
