"""`kb search` as real processes: several at once while the index changes, and what the
fast path imports (no timing asserts: the modules loaded are what can be checked)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def kb(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "kb", *args],
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "KB_INDEX_DIR": str(tmp_path / "index")}


def test_concurrent_searches_while_the_index_is_updated_and_rebuilt(
    mini_kb: Path, env: dict[str, str]
) -> None:
    fact = mini_kb / "facts" / "core" / "widgetol-bladder-damage.toml"
    first = kb("search", "harm", "-f", "ids", "--kb", str(mini_kb), env=env)
    assert first.communicate()[0] == "widgetol-bladder-damage\n"
    for word in ("wreck", "ruin"):
        fact.write_text(
            fact.read_text().replace("can harm", f"can {word}").replace("can wreck", f"can {word}")
        )
        searches = [
            kb("search", word, "-f", "ids", "--kb", str(mini_kb), env=env) for _ in range(4)
        ]
        rebuild = kb("index", "--rebuild", "--kb", str(mini_kb), env=env)
        outputs = []
        for process in [*searches, rebuild]:
            out, err = process.communicate(timeout=120)
            assert process.returncode == 0, err
            assert "Traceback" not in err
            outputs.append(out)
        assert set(outputs[:-1]) == {"widgetol-bladder-damage\n"}
        assert outputs[-1].startswith("index rebuilt: 5 facts")


def test_the_fresh_path_imports_neither_rich_nor_toml_parsing(
    mini_kb: Path, env: dict[str, str]
) -> None:
    code = (
        "import sys; sys.argv = ['kb', 'search', 'bladder', '-f', 'ids', '--kb', {kb!r}]; "
        "from kb.cli.app import run; status = run(sys.argv[1:]); "
        "print(' '.join(sorted(sys.modules)), file=sys.stderr); sys.exit(status)"
    )
    command = [sys.executable, "-c", code.format(kb=str(mini_kb))]
    build = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    assert build.stdout == "widgetol-bladder-damage\n"
    fresh = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    modules = set(fresh.stderr.split())
    assert "whoosh.searching" in modules  # the check below would be vacuous otherwise
    for heavy in (
        "rich",
        "tomllib",
        "kb.entries.loading",
        "kb.entries.models",
        "pydantic",
        "whoosh.writing",
        "kb.search.highlight",
        "kb.search.spelling",
    ):
        assert heavy not in modules, heavy


def test_the_fast_path_of_a_plain_search_imports_only_what_it_uses(
    mini_kb: Path, env: dict[str, str]
) -> None:
    """Start-up is most of a search on a small KB (docs/performance.md): the fast path must not
    pull in typer, dataclasses (inspect, ast), the query parser or the rich renderers."""
    code = (
        "import sys; from kb.cli.fastpath import run; "
        "status = run(['kb', 'search', 'bladder', '-f', 'ids', '--kb', {kb!r}]); "
        "base = sys.modules['kb.render.base']; "
        "unsafe = 'unsafe-compiled' if base._unsafe is not None else ''; "
        "print(' '.join(sorted(sys.modules)), unsafe, file=sys.stderr); sys.exit(status)"
    )
    command = [sys.executable, "-c", code.format(kb=str(mini_kb))]
    subprocess.run(command, env=env, capture_output=True, text=True, check=True)  # builds
    fresh = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    assert fresh.stdout == "widgetol-bladder-damage\n"
    modules = set(fresh.stderr.split())
    assert "whoosh.searching" in modules
    for heavy in (
        "typer",
        "click",
        "dataclasses",
        "inspect",
        "whoosh.qparser",
        "rich",
        "kb.entries.loading",
        "kb.render.facts",
        "kb.index.writer",  # only to update or build the index
        "unsafe-compiled",  # the unsafe-character pattern (~0.5 ms): ids are printable
    ):
        assert heavy not in modules, heavy
