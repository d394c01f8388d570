from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kb.cli.app import app
from tests.conftest import SHARED_SOURCES

TOML_TEST_INVALID = SHARED_SOURCES.parent / "corpora" / "toml-test" / "invalid"


def _add_bad_fact(kb: Path) -> Path:
    path = kb / "facts" / "core" / "bad-one.toml"
    path.write_text('id = "bad-one"\nstatment = "typo"\nsubject = "nobody"\n')
    return path


def test_valid_kb_exits_0_with_summary_on_stderr(runner: CliRunner, mini_kb: Path) -> None:
    result = runner.invoke(app, ["validate", "--kb", str(mini_kb), "--strict"])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "valid: 10 files checked, 0 errors" in result.stderr


def test_all_problems_at_once_in_plain_format(
    runner: CliRunner, mini_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(mini_kb)
    _add_bad_fact(mini_kb)
    result = runner.invoke(app, ["validate", "-f", "plain"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert (
        "facts/core/bad-one.toml:2:1: KB010 unknown key 'statment' (did you mean "
        "'statement'?)" in lines[0] + "".join(lines)
    )
    codes = {line.split(": ")[1].split()[0] for line in lines}
    assert {"KB010", "KB011", "KB021", "KB030"} <= codes


def test_json_format_has_problems_and_summary(runner: CliRunner, mini_kb: Path) -> None:
    _add_bad_fact(mini_kb)
    result = runner.invoke(app, ["validate", "--kb", str(mini_kb), "-f", "json"])
    data = json.loads(result.stdout)
    assert set(data) == {"problems", "summary"}
    first = data["problems"][0]
    assert set(first) == {"path", "line", "column", "code", "severity", "message"}
    assert data["summary"]["errors"] >= 3


def test_github_annotations(runner: CliRunner, mini_kb: Path) -> None:
    _add_bad_fact(mini_kb)
    result = runner.invoke(app, ["validate", "--kb", str(mini_kb), "-f", "github"])
    assert result.stdout.startswith("::error file=")
    assert ",line=2,col=1,title=KB010::" in result.stdout


def test_strict_fails_on_warnings_and_missing_snapshots(runner: CliRunner, mini_kb: Path) -> None:
    settings = mini_kb / "kb.toml"
    settings.write_text(settings.read_text().replace('snapshots = "snapshots"\n', ""))
    relaxed = runner.invoke(app, ["validate", "--kb", str(mini_kb)])
    assert relaxed.exit_code == 0
    assert "quotes not checked" in relaxed.stderr
    strict = runner.invoke(app, ["validate", "--kb", str(mini_kb), "--strict"])
    assert strict.exit_code == 1
    env = runner.invoke(
        app,
        ["validate", "--kb", str(mini_kb), "--strict"],
        env={"KB_SNAPSHOTS": str(mini_kb / "snapshots")},
    )
    assert env.exit_code == 0, env.output


def test_missing_snapshots_dir_is_usage_error(runner: CliRunner, mini_kb: Path) -> None:
    result = runner.invoke(app, ["validate", "--kb", str(mini_kb), "--snapshots", "/nope"])
    assert result.exit_code == 2
    assert "not a directory" in result.stderr


def test_unknown_format_is_usage_error(runner: CliRunner, mini_kb: Path) -> None:
    result = runner.invoke(app, ["validate", "--kb", str(mini_kb), "-f", "toml"])
    assert result.exit_code == 2


def test_missing_kb_is_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", "--kb", str(tmp_path)])
    assert result.exit_code == 1
    assert "no knowledge base" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.skipif(not TOML_TEST_INVALID.is_dir(), reason="../shared toml-test corpus absent")
def test_every_invalid_toml_test_file_is_reported(mini_kb: Path, tmp_path: Path) -> None:
    """Each file of toml-test/invalid, placed as a fact, gets a located problem and no traceback."""
    from kb.validate.validator import validate

    corpus = sorted(TOML_TEST_INVALID.rglob("*.toml"))
    assert len(corpus) > 100
    target_dir = mini_kb / "facts" / "corpus"
    target_dir.mkdir()
    unreported = []
    for number, source in enumerate(corpus):
        target = target_dir / f"case-{number}.toml"
        shutil.copyfile(source, target)
        problems = [
            p
            for p in validate(mini_kb, [target]).problems
            if p.path.endswith(f"case-{number}.toml")
        ]
        errors = [p for p in problems if p.severity == "error" and p.line >= 1]
        if not errors:
            unreported.append(str(source.relative_to(TOML_TEST_INVALID)))
        target.unlink()
    assert unreported == []
