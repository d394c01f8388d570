from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from kb.entries.jsonschema import SCHEMA_KINDS
from tests.conftest import REPO
from tools import docgen
from tools.docgen import DOCS, SCHEMA_DIR, refresh, stale


def test_generated_docs_and_schemas_are_up_to_date() -> None:
    assert [str(p.relative_to(REPO)) for p in stale()] == [], "run: uv run python -m tools.docgen"


def test_refresh_replaces_only_named_blocks() -> None:
    text = "a\n<!-- BEGIN GENERATED: x -->\nold\n<!-- END GENERATED: x -->\nb\n"
    assert refresh(text, {"x": lambda: "new\n"}) == text.replace("old", "new")
    assert refresh(text, {"y": lambda: "new\n"}) == text


def test_stale_notices_an_edited_schema_and_main_rewrites_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "x.md").write_text(
        "<!-- BEGIN GENERATED: validation-codes -->\n<!-- END GENERATED: validation-codes -->\n"
    )
    monkeypatch.setattr(docgen, "DOCS", docs)
    monkeypatch.setattr(docgen, "SCHEMA_DIR", docs / "schema")
    assert {p.name for p in docgen.stale()} == {"x.md"} | {f"{k}.schema.json" for k in SCHEMA_KINDS}
    assert docgen.main() == 0
    assert docgen.stale() == []
    assert "KB040" in (docs / "x.md").read_text()
    (docs / "schema" / "fact.schema.json").write_text("{}\n")
    assert [p.name for p in docgen.stale()] == ["fact.schema.json"]


def test_a_schema_file_for_every_kind() -> None:
    assert sorted(p.name for p in SCHEMA_DIR.glob("*.json")) == sorted(
        f"{kind}.schema.json" for kind in SCHEMA_KINDS
    )


def test_cli_reference_lists_every_command() -> None:
    from typer.main import get_command

    from kb.cli.app import app

    root = get_command(app)
    text = (DOCS / "cli-reference.md").read_text(encoding="utf-8")
    for name in root.list_commands(None):
        assert f"`kb {name}`" in text
    assert "#### `kb new fact`" in text
    assert "| `--statement TEXT` |" in text


def test_readme_links_every_doc() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    linked = set(re.findall(r"\]\((docs/[^)#]+\.md)\)", readme))
    present = {f"docs/{p.name}" for p in DOCS.glob("*.md")}
    assert present - linked == set(), "add a line for each doc to README's Documentation section"


def test_taplo_config_maps_each_kind_to_its_schema() -> None:
    config = tomllib.loads((REPO / ".taplo.toml").read_text(encoding="utf-8"))
    rules = {rule["schema"]["path"]: rule["include"] for rule in config["rule"]}
    assert rules == {
        "./docs/schema/fact.schema.json": ["entries/facts/**/*.toml"],
        "./docs/schema/source.schema.json": ["entries/sources/*.toml"],
        "./docs/schema/subject.schema.json": ["entries/subjects/*.toml"],
        "./docs/schema/kb.schema.json": ["entries/kb.toml"],
    }
    for path in rules:
        assert (REPO / path).is_file()


def test_pre_commit_hook_declaration() -> None:
    import yaml  # comes with pre-commit, a dev dependency

    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = hooks
    assert hook["id"] == "kb-validate"
    assert hook["entry"] == "kb validate --staged"  # and whatever the change can break
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is True
    assert hook["always_run"] is True  # a commit that only removes files can break others
    assert re.search(hook["files"], "entries/facts/risks/x.toml")
    assert re.search(hook["files"], "entries/kb.toml")
    assert re.search(hook["files"], "entries/snapshots/a.txt")  # a snapshot: its quotes
    assert not re.search(hook["files"], "tests/fixtures/bad/KB010.toml")
