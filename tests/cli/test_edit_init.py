"""`kb edit` (with scripted editors) and `kb init`, refusals included."""

from __future__ import annotations

import json
import os
import stat
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kb.cli import prompts
from kb.cli.app import app

FACT = Path("facts/core/widgetol-schedule-iv.toml")


def editor(tmp_path: Path, *steps: str) -> str:
    """An EDITOR script that runs the next of `steps` (shell code on "$1") each time."""
    counter = tmp_path / "edits"
    counter.write_text("0")
    cases = "".join(f"  {number}) {step} ;;\n" for number, step in enumerate(steps))
    script = tmp_path / "editor.sh"
    script.write_text(
        "#!/bin/sh\n"
        f'n=$(cat "{counter}")\n'
        f'echo $((n + 1)) > "{counter}"\n'
        f'case "$n" in\n{cases}  *) exit 3 ;;\nesac\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


@pytest.fixture
def in_kb(mini_kb: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(mini_kb)
    monkeypatch.delenv("VISUAL", raising=False)
    return mini_kb


def test_edit_saves_a_valid_change(
    runner: CliRunner, in_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EDITOR", editor(tmp_path, 'sed -i \'s/^tags = .*/tags = ["law"]/\' "$1"'))
    result = runner.invoke(app, ["edit", "widgetol-schedule-iv"])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{FACT}\n"
    assert tomllib.loads((in_kb / FACT).read_text())["tags"] == ["law"]


def test_visual_wins_over_editor(
    runner: CliRunner, in_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EDITOR", "false")
    monkeypatch.setenv("VISUAL", editor(tmp_path, 'sed -i \'s/^tags = .*/tags = ["v"]/\' "$1"'))
    assert runner.invoke(app, ["edit", "widgetol-schedule-iv"]).exit_code == 0
    assert tomllib.loads((in_kb / FACT).read_text())["tags"] == ["v"]


def test_an_invalid_edit_is_never_saved_without_a_terminal(
    runner: CliRunner, in_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = (in_kb / FACT).read_bytes()
    monkeypatch.setenv("EDITOR", editor(tmp_path, "sed -i 's/^tags = /tagz = /' \"$1\""))
    result = runner.invoke(app, ["edit", "widgetol-schedule-iv"])
    assert result.exit_code == 1
    assert (in_kb / FACT).read_bytes() == before
    lines = result.stderr.splitlines()
    assert lines[0] == f"kb: error: {FACT} would not be valid, so it was not saved:"
    assert lines[1].startswith(f"  {FACT}:5:1: KB010 unknown key 'tagz'")
    kept = Path(lines[-1].split("your text is kept in ")[1])
    assert "tagz = " in kept.read_text()
    kept.unlink()


def test_a_draft_that_is_not_utf8_is_kb001_and_kept_byte_for_byte(
    runner: CliRunner, in_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = (in_kb / FACT).read_bytes()
    monkeypatch.setenv("EDITOR", editor(tmp_path, 'printf \'id = "\\377"\\n\' > "$1"'))
    result = runner.invoke(app, ["edit", "widgetol-schedule-iv"])
    assert result.exit_code == 1
    assert (in_kb / FACT).read_bytes() == before
    lines = result.stderr.splitlines()
    assert lines[1] == f"  {FACT}:1:7: KB001 not UTF-8: byte 0xff cannot be decoded"
    kept = Path(lines[-1].split("your text is kept in ")[1])
    assert kept.read_bytes() == b'id = "\xff"\n'
    kept.unlink()


@pytest.mark.parametrize("step", ['rm "$1"', 'rm "$1"; mkdir "$1"'])
def test_an_editor_that_leaves_no_file_is_one_error(
    runner: CliRunner, in_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    before = (in_kb / FACT).read_bytes()
    monkeypatch.setenv("EDITOR", editor(tmp_path, step))
    result = runner.invoke(app, ["edit", "widgetol-schedule-iv"])
    assert result.exit_code == 1
    assert (in_kb / FACT).read_bytes() == before
    assert result.stderr.startswith(f"kb: error: the editor left no text to read for {FACT} (")
    assert result.stderr.endswith("); nothing saved\n")


def test_edit_again_until_valid(
    runner: CliRunner, in_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(prompts, "stdin_is_terminal", lambda: True)
    monkeypatch.setenv(
        "EDITOR",
        editor(
            tmp_path,
            "sed -i 's/^tags = /tagz = /' \"$1\"",  # invalid: asked again
            'sed -i \'s/^tagz = /tags = /; s/^topics = .*/topics = ["risks"]/\' "$1"',
        ),
    )
    result = runner.invoke(app, ["edit", "widgetol-schedule-iv"], input="y\n")
    assert result.exit_code == 0, result.output
    assert "Edit again?" in result.stderr
    assert tomllib.loads((in_kb / FACT).read_text())["topics"] == ["risks"]


def test_abandon_or_end_of_input_keeps_the_entry(
    runner: CliRunner, in_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = (in_kb / FACT).read_bytes()
    monkeypatch.setattr(prompts, "stdin_is_terminal", lambda: True)
    for answer in ("n\n", ""):  # "" : stdin closed at the question
        monkeypatch.setenv("EDITOR", editor(tmp_path, 'sed -i \'s/^id = .*/id = "x"/\' "$1"'))
        result = runner.invoke(app, ["edit", "widgetol-schedule-iv"], input=answer)
        assert result.exit_code == 1, result.output
        assert "KB014" in result.stderr and "edit abandoned" in result.stderr
        assert "Traceback" not in result.output
        assert (in_kb / FACT).read_bytes() == before


def test_edit_refusals(
    runner: CliRunner, in_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EDITOR", "true")
    unchanged = runner.invoke(app, ["edit", "widgetol-schedule-iv"])
    assert unchanged.exit_code == 0 and "no change" in unchanged.stderr
    assert unchanged.stdout == ""
    monkeypatch.setenv("EDITOR", "false")
    failed = runner.invoke(app, ["edit", "widgetol-schedule-iv"])
    assert failed.exit_code == 1 and "failed with exit code 1" in failed.stderr
    monkeypatch.setenv("EDITOR", str(tmp_path / "no-such-editor"))
    missing = runner.invoke(app, ["edit", "widgetol-schedule-iv"])
    assert missing.exit_code == 2 and "no such editor" in missing.stderr
    unknown = runner.invoke(app, ["edit", "widgetol-schedule-5"])
    assert unknown.exit_code == 1 and "did you mean 'widgetol-schedule-iv'" in unknown.stderr
    # the file changed on disk while it was being edited: not overwritten
    other = (
        f"printf '# someone else\\n' >> {in_kb / FACT}; sed -i 's/^tags = /tags = [\"z\"]#/' \"$1\""
    )
    monkeypatch.setenv("EDITOR", editor(tmp_path, other))
    raced = runner.invoke(app, ["edit", "widgetol-schedule-iv"])
    assert raced.exit_code == 1 and "changed on disk" in raced.stderr
    assert (in_kb / FACT).read_text().endswith("# someone else\n")


def test_edit_a_source_checks_it_against_its_snapshot(
    runner: CliRunner, in_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "EDITOR",
        editor(
            tmp_path, "sed -i 's/^sha256 = .*/sha256 = \"'$(printf 0%.0s $(seq 64))'\"/' \"$1\""
        ),
    )
    result = runner.invoke(app, ["edit", "alpha-news"])
    assert result.exit_code == 1 and "KB041" in result.stderr


def test_init_creates_a_kb_that_validates_strictly(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["init", "my-kb"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "written\tmy-kb/README.md",
        "written\tmy-kb/.pre-commit-config.yaml",
        "written\tmy-kb/.gitignore",
        "written\tmy-kb/entries/kb.toml",
        "written\tmy-kb/entries/snapshots/README.md",
    ]
    settings = tomllib.loads((tmp_path / "my-kb/entries/kb.toml").read_text())
    assert settings["name"] == "my kb" and settings["snapshots"] == "snapshots"
    assert "# " in (tmp_path / "my-kb/entries/kb.toml").read_text()  # commented
    monkeypatch.chdir(tmp_path / "my-kb")
    check = runner.invoke(app, ["validate", "--strict"])
    assert check.exit_code == 0, check.output
    assert "0 notices" in check.stderr and "quotes not checked" not in check.stderr
    hook = (tmp_path / "my-kb/.pre-commit-config.yaml").read_text()
    assert "id: kb-validate" in hook and "kb validate --staged" in hook


def test_init_refuses_to_overwrite(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "README.md").write_text("mine\n")
    result = runner.invoke(app, ["init"])
    assert result.exit_code == 1
    assert "refusing to overwrite README.md; nothing written" in result.stderr
    assert sorted(os.listdir(tmp_path)) == ["README.md"]
    (tmp_path / "file").write_text("")
    not_dir = runner.invoke(app, ["init", "file"])
    assert not_dir.exit_code == 2 and "not a directory" in not_dir.stderr
    half = runner.invoke(app, ["init", "x", "--hook-repo", "https://example.org/kb"])
    assert half.exit_code == 2 and "needs --hook-rev" in half.stderr
    assert not (tmp_path / "x").exists()


def test_init_pins_kbs_own_hook(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    args = ["init", "k", "--name", "Birds", "--hook-repo", "https://example.org/kb"]
    result = runner.invoke(app, [*args, "--hook-rev", "v0.1.0"])
    assert result.exit_code == 0, result.output
    hook = (tmp_path / "k/.pre-commit-config.yaml").read_text()
    assert 'repo: "https://example.org/kb"' in hook and 'rev: "v0.1.0"' in hook
    assert tomllib.loads((tmp_path / "k/entries/kb.toml").read_text())["name"] == "Birds"
    assert "# Birds" in (tmp_path / "k/README.md").read_text()


CUSTOM = """\
name = "custom"
snapshots = "snapshots"
topics = ["pharmacology", "regulation", "risks"]
source_kinds = ["news", "blog"]
reliability_levels = ["high", "medium", "low"]
statuses = ["accepted", "disputed", "false", "withdrawn"]
statuses_shown_refuted = ["false"]
statuses_shown_contested = ["disputed"]
subject_kinds = ["drug", "organisation"]
"""


def custom_kb(mini_kb: Path) -> Path:
    (mini_kb / "kb.toml").write_text(CUSTOM)
    for path in (mini_kb / "facts" / "core").iterdir():
        text = path.read_text()
        text = text.replace('status = "contested"', 'status = "disputed"')
        path.write_text(text.replace('status = "refuted"', 'status = "false"'))
    return mini_kb


def test_custom_statuses_end_to_end(
    runner: CliRunner, mini_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(custom_kb(mini_kb))
    valid = runner.invoke(app, ["validate", "--strict"])
    assert valid.exit_code == 0, valid.output
    listed = runner.invoke(app, ["list", "--status", "accepted", "-f", "ids"])
    assert "widgetol-schedule-iv" in listed.stdout.split()
    searched = runner.invoke(app, ["search", "schedule", "--status", "accepted", "-f", "ids"])
    assert searched.stdout.split() == ["widgetol-schedule-iv"], searched.output
    shown = runner.invoke(app, ["show", "widgetol-first-made-1972", "-f", "rich"])
    assert "DISPUTED" in shown.stdout
    table = runner.invoke(app, ["list", "-f", "rich"])
    assert "DISPUTED" in table.stdout and "accepted" in table.stdout
    found = runner.invoke(app, ["search", "widgetol", "--all", "-f", "rich"])
    assert "DISPUTED" in found.stdout, found.output  # as kb.toml says
    hits = json.loads(runner.invoke(app, ["search", "widgetol", "--all", "-f", "json"]).stdout)
    assert hits["hits"] and all("status_display" not in hit for hit in hits["hits"])
    as_json = json.loads(runner.invoke(app, ["show", "widgetol-schedule-iv", "-f", "json"]).stdout)
    assert as_json[0]["status"] == "accepted" and "status_display" not in as_json[0]
    schema = json.loads(runner.invoke(app, ["schema", "fact", "--vocabularies"]).stdout)
    status = schema["properties"]["status"]
    assert status["default"] == "accepted" and status["default"] in status["enum"]
    assert schema["if"]["properties"]["status"] == {"not": {"const": "accepted"}}
    # a status other than the first needs a note, whatever it is called
    fact = mini_kb / FACT
    fact.write_text(fact.read_text().replace("value = ", 'status = "withdrawn"\nvalue = ', 1))
    needs_note = runner.invoke(app, ["validate"])
    assert needs_note.exit_code == 1 and "KB023" in needs_note.stdout
    fact.write_text(fact.read_text().replace('status = "withdrawn"', 'status = "accepted"'))
    assert runner.invoke(app, ["validate"]).exit_code == 0


def test_display_lists_must_name_statuses(
    runner: CliRunner, mini_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(custom_kb(mini_kb))
    settings = mini_kb / "kb.toml"
    settings.write_text(
        CUSTOM.replace('statuses_shown_refuted = ["false"]', 'statuses_shown_refuted = ["wrong"]')
    )
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 1
    assert "kb.toml:7:1: KB033 statuses_shown_refuted 'wrong' is not in kb.toml statuses" in (
        result.stdout
    )


def test_custom_statuses_in_comparisons(
    runner: CliRunner, mini_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(custom_kb(mini_kb))
    args = ["compare", "widgetol", "--by", "source", "--attribute", "year-developed"]
    plain = runner.invoke(app, [*args, "-f", "plain"])
    assert plain.exit_code == 0, plain.output
    assert "(DISPUTED)" in plain.stdout and "(ACCEPTED)" not in plain.stdout
    rich = runner.invoke(app, [*args, "-f", "rich"])
    assert "DISPUTED" in rich.stdout
    facts = runner.invoke(
        app, ["compare", "widgetol-first-made-1970", "widgetol-first-made-1972", "-f", "json"]
    )
    assert facts.exit_code == 0, facts.output
    assert "status_display" not in facts.stdout
