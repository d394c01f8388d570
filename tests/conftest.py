"""Shared fixtures. Every test runs with an isolated environment: no KB_DIR, a home, index and
cache directory of its own, a fixed terminal width, no colour settings leaking in, and no
watchman (KB_WATCHMAN=0) unless a test starts its own."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

# No watchman for the whole session, fixtures of any scope and the processes they start
# included: kb would otherwise start the user's watchman server and watch every test KB. The
# tests of the watcher start private servers of their own (tests/watchmanserver.py) and set
# KB_WATCHMAN=1 for the processes that use them.
os.environ["KB_WATCHMAN"] = "0"

REPO = Path(__file__).resolve().parent.parent
SHIPPED_KB = REPO / "entries"
MINI_KB = Path(__file__).resolve().parent / "fixtures" / "mini-kb"
SHARED_SOURCES = REPO.parent / "shared" / "sources"


@pytest.fixture(autouse=True)
def isolated_env(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    home = tmp_path_factory.mktemp("home")
    for name in ("KB_DIR", "KB_SNAPSHOTS", "NO_COLOR", "FORCE_COLOR", "KB_INDEX_DIR"):
        monkeypatch.delenv(name, raising=False)
    # The library's default index location is ~/.cache, the CLI's the platform's cache
    # directory ($XDG_CACHE_HOME here): both inside a home of the test's own.
    (home / ".cache").mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("LINES", "40")
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.setenv("KB_WATCHMAN", "0")  # as for the session (above), in case a test changed it
    yield


@pytest.fixture
def mini_kb(tmp_path: Path) -> Path:
    """A writable copy of the tiny test KB (with its own snapshots)."""
    target = tmp_path / "mini-kb"
    shutil.copytree(MINI_KB, target)
    return target


@pytest.fixture
def shipped_kb() -> Path:
    return SHIPPED_KB


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
