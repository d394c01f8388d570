"""`kb export sqlite` checked with real SQLite and through Datasette's own test client (the
facts table and full-text search give what `kb list` and `kb search` give), its atomic,
no-overwrite writing; `kb export jsonl` and its mapping."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kb.cli.app import app
from kb.entries.loading import load
from kb.entries.schema import ITEM_FIELDS
from kb.export import sqlite as export_module
from kb.export.documents import FIELDS, MAPPING
from tests.conftest import REPO, SHIPPED_KB

TABLES = {
    "facts",
    "provenance",
    "sources",
    "subjects",
    "topics",
    "tags",
    "fact_topics",
    "fact_tags",
    "fact_related",
    "fact_references",
}


def kb_json(*args: str, kb: Path = SHIPPED_KB, index: Path | None = None) -> Any:
    extra = ["--index-dir", str(index)] if index else []
    result = CliRunner().invoke(app, [*args, "--kb", str(kb), *extra, "-f", "json"])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped KB exported once for the module."""
    out = tmp_path_factory.mktemp("export") / "kb.db"
    result = CliRunner().invoke(app, ["export", "sqlite", str(out), "--kb", str(SHIPPED_KB)])
    assert result.exit_code == 0, result.output
    assert re.fullmatch(rf"kb: wrote {re.escape(str(out))}: subjects \d+, .*\n", result.stderr)
    return out


def datasette_get(db: Path, path: str) -> Any:
    """GET a Datasette JSON page for the database, through Datasette's test client."""
    from datasette.app import Datasette

    async def get() -> Any:
        response = await Datasette(files=[str(db)]).client.get(f"/{db.stem}/{path}")
        assert response.status_code == 200, response.text[:500]
        return response.json()

    return asyncio.run(get())


# ---- real SQLite ----------------------------------------------------------------------------


def test_tables_foreign_keys_and_counts(exported: Path) -> None:
    with sqlite3.connect(exported) as db:
        tables = {row[0] for row in db.execute("select name from sqlite_master where type='table'")}
        assert tables >= TABLES | {"facts_fts", "provenance_fts"}
        assert db.execute("pragma integrity_check").fetchall() == [("ok",)]
        assert db.execute("pragma foreign_key_check").fetchall() == []

        def targets(table: str) -> set[tuple[str, str]]:
            return {(row[3], row[2]) for row in db.execute(f"pragma foreign_key_list({table})")}

        assert targets("facts") == {("subject", "subjects")}
        assert targets("provenance") == {("fact", "facts"), ("source", "sources")}
        assert targets("fact_topics") == {("fact", "facts"), ("topic", "topics")}
        assert targets("fact_tags") == {("fact", "facts"), ("tag", "tags")}
        assert targets("fact_related") == {("fact", "facts"), ("related", "facts")}
        assert targets("fact_references") == {("fact", "facts")}

        stats = kb_json("stats")
        count = {t: db.execute(f"select count(*) from {t}").fetchone()[0] for t in TABLES}
        assert count["facts"] == stats["total"]["facts"]
        assert count["sources"] == stats["total"]["sources"]
        assert count["subjects"] == stats["total"]["subjects"]
        listed = kb_json("list")
        assert count["provenance"] == sum(len(f["provenance"]) for f in listed)
        assert count["fact_references"] == sum(len(f["references"]) for f in listed)
        assert count["fact_topics"] == sum(len(f["topics"]) for f in listed)
        # Full-text search with SQL, as anyone would write it.
        found = db.execute(
            "select facts.id from facts join facts_fts on facts.rowid = facts_fts.rowid "
            "where facts_fts match 'bladder' order by facts.id"
        ).fetchall()
        assert [row[0] for row in found] == sorted(
            h["id"] for h in kb_json("search", "bladder", "--all")["hits"]
        )


def test_the_sqlite3_program_reads_it(exported: Path) -> None:
    if shutil.which("sqlite3") is None:  # CI installs it (.ci/run)
        if os.environ.get("CI"):
            pytest.fail("the sqlite3 program is not installed")
        pytest.skip("the sqlite3 program is not installed")
    program = subprocess.run(
        ["sqlite3", str(exported), "select count(*) from facts where status = 'refuted'"],
        capture_output=True,
        text=True,
        check=True,
    )
    refuted = kb_json("list", "--status", "refuted")
    assert program.stdout.strip() == str(len(refuted))


# ---- through Datasette ----------------------------------------------------------------------


def test_the_facts_table_in_datasette_is_kb_list(exported: Path) -> None:
    rows = datasette_get(exported, "facts.json?_shape=array&_size=max")
    listed = kb_json("list")
    assert [row["id"] for row in rows] == [fact["id"] for fact in listed]
    for row, fact in zip(rows, listed, strict=True):
        for key in ("statement", "subject", "attribute", "value", "status", "note", "path"):
            assert row[key] == fact[key], (fact["id"], key)
        for key in ("topics", "tags", "related"):
            assert json.loads(row[key]) == fact[key], (fact["id"], key)
        assert json.loads(row["sources"]) == list(
            dict.fromkeys(p["source"] for p in fact["provenance"])
        )


def test_provenance_in_datasette_is_what_kb_show_says(exported: Path) -> None:
    fact = kb_json("show", "ketamine-long-term-bladder-dysfunction")[0]
    rows = datasette_get(
        exported,
        "provenance.json?_shape=array&fact=ketamine-long-term-bladder-dysfunction&_sort=position",
    )
    assert [(r["source"], r["quote"], r["locator"]) for r in rows] == [
        (p["source"], p["quote"], p["locator"]) for p in fact["provenance"]
    ]


QUERIES = [
    ("bladder", "bladder"),
    ("spravato", "spravato"),  # an alias of esketamine: found through `names`
    ("schedule", "schedule"),
    ("infusion", "infusion"),
    ("dosing", "dosing"),  # stemmed alike: dose, dosing, doses
    ("refuted", "refuted"),  # the status, in `keywords`
    ("what.edu.vn", "what.edu.vn"),  # a publisher
    ('"nasal spray"', '"nasal spray"'),  # a phrase
    ("bladder damage", "bladder AND damage"),  # Datasette's words are all required
]


@pytest.fixture(scope="module")
def without_thesaurus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped KB without kb.toml's thesaurus, with which kb search also finds related
    words (docs/search.md) that Datasette's full-text search knows nothing of."""
    root = tmp_path_factory.mktemp("plain") / "kb"
    shutil.copytree(SHIPPED_KB, root)
    settings = (root / "kb.toml").read_text(encoding="utf-8")
    (root / "kb.toml").write_text(settings.split("[[thesaurus]]")[0], encoding="utf-8")
    return root


@pytest.mark.parametrize(("typed", "kb_query"), QUERIES, ids=[q[0] for q in QUERIES])
def test_full_text_search_in_datasette_finds_what_kb_search_finds(
    exported: Path, without_thesaurus: Path, tmp_path: Path, typed: str, kb_query: str
) -> None:
    from urllib.parse import quote

    rows = datasette_get(exported, f"facts.json?_search={quote(typed)}&_shape=array&_size=max")
    hits = kb_json("search", kb_query, "--all", kb=without_thesaurus, index=tmp_path / "ix")
    hits = hits["hits"]
    assert hits
    assert sorted(row["id"] for row in rows) == sorted(hit["id"] for hit in hits)


def test_datasette_facets_count_what_kb_stats_counts(exported: Path) -> None:
    page = datasette_get(
        exported, "facts.json?_facet=status&_facet=subject&_facet_array=topics&_size=0"
    )
    facets = {
        name: {item["value"]: item["count"] for item in facet["results"]}
        for name, facet in page["facet_results"].items()
    }
    stats = kb_json("stats")
    assert facets["status"] == {k: v for k, v in stats["status"].items() if v}
    assert facets["topics"] == {k: v for k, v in stats["topic"].items() if v}
    top_subjects = dict(list(stats["subject"].items())[:10])  # Datasette shows the top 30
    for subject, count in top_subjects.items():
        assert facets["subject"].get(subject) == count


def test_quotes_are_searchable_on_their_own(exported: Path) -> None:
    rows = datasette_get(exported, "provenance.json?_search=bladder&_shape=array&_size=max")
    assert rows and all("bladder" in row["quote"].lower() for row in rows)


# ---- writing --------------------------------------------------------------------------------


def test_an_existing_file_is_replaced_only_with_force(mini_kb: Path, tmp_path: Path) -> None:
    out = tmp_path / "mini.db"
    out.write_bytes(b"precious")
    runner = CliRunner()
    result = runner.invoke(app, ["export", "sqlite", str(out), "--kb", str(mini_kb)])
    assert result.exit_code == 1
    assert f"kb: error: {out} exists; --force replaces it" in result.stderr
    assert out.read_bytes() == b"precious"
    result = runner.invoke(app, ["export", "sqlite", str(out), "--force", "--kb", str(mini_kb)])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(out) as db:
        assert db.execute("select count(*) from facts").fetchone()[0] == 5
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mini-kb", "mini.db"]


def test_a_failed_export_leaves_nothing_behind(
    mini_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(db: Any, kb: Any) -> None:
        db["facts"].insert({"id": "x"})
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export_module, "_fill", broken)
    out = tmp_path / "out" / "kb.db"
    out.parent.mkdir()
    for existing in (None, b"old"):
        if existing is not None:
            out.write_bytes(existing)
        result = CliRunner().invoke(
            app, ["export", "sqlite", str(out), "--force", "--kb", str(mini_kb)]
        )
        assert result.exit_code == 1
        assert "No space left on device" in result.stderr
        assert [p.name for p in out.parent.iterdir()] == ([] if existing is None else ["kb.db"])
        if existing is not None:
            assert out.read_bytes() == existing


def test_a_missing_folder_or_a_folder_as_output_is_an_error(mini_kb: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    for out, says in ((tmp_path / "no" / "kb.db", "no such folder"), (tmp_path, "is a directory")):
        result = runner.invoke(app, ["export", "sqlite", str(out), "--kb", str(mini_kb)])
        assert result.exit_code == 1 and says in result.stderr, result.stderr


def test_sqlite_utils_is_imported_only_by_the_export(mini_kb: Path) -> None:
    runs = [["list", "--kb", str(mini_kb)], ["export", "jsonl", "--kb", str(mini_kb)], ["--help"]]
    code = (
        f"import sys; from kb.cli.app import run; codes = [run(args) for args in {runs!r}]; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlite_utils', 'sqlite3')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"


# ---- jsonl ----------------------------------------------------------------------------------


def test_jsonl_is_one_document_per_fact(mini_kb: Path) -> None:
    result = CliRunner().invoke(app, ["export", "jsonl", "--kb", str(mini_kb)])
    assert result.exit_code == 0 and result.stderr == ""
    docs = [json.loads(line) for line in result.stdout.splitlines()]
    listed = kb_json("list", kb=mini_kb)
    assert [d["id"] for d in docs] == [f["id"] for f in listed]
    for doc, fact in zip(docs, listed, strict=True):
        assert tuple(doc) == FIELDS
        shown = {k: v for k, v in fact.items() if k != "backlinks"}  # other documents' `related`
        assert {k: v for k, v in doc.items() if k in shown} == shown  # kb show's fields, as is
    bladder = next(d for d in docs if d["id"] == "widgetol-bladder-damage")
    assert bladder["sources"] == ["alpha-news"] and bladder["best_reliability"] == "high"
    assert bladder["subject_aliases"] == list(load(mini_kb).subjects["widgetol"].aliases)


def test_bulk_is_an_action_line_before_each_document(mini_kb: Path) -> None:
    result = CliRunner().invoke(
        app, ["export", "jsonl", "--bulk", "kb-facts", "--kb", str(mini_kb)]
    )
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.exit_code == 0 and len(lines) == 10
    for action, doc in zip(lines[::2], lines[1::2], strict=True):
        assert action == {"index": {"_index": "kb-facts", "_id": doc["id"]}}
        assert tuple(doc) == FIELDS
    assert CliRunner().invoke(app, ["export", "jsonl", "--bulk", " "]).exit_code == 2


def test_the_mapping_covers_every_field_and_nothing_else(shipped_kb: Path) -> None:
    properties = MAPPING["mappings"]["properties"]
    assert tuple(properties) == FIELDS
    assert MAPPING["mappings"]["dynamic"] == "strict"
    for table in ("provenance", "references"):
        nested = properties[table]
        assert nested["type"] == "nested"
        documented = {spec.name for spec in ITEM_FIELDS[table]}
        extra = {"title", "publisher", "reliability"} if table == "provenance" else set()
        assert set(nested["properties"]) == documented | extra
    # Every key a document of the shipped KB has is in the mapping, nested ones too.
    result = CliRunner().invoke(app, ["export", "jsonl", "--kb", str(shipped_kb)])
    for line in result.stdout.splitlines():
        doc = json.loads(line)
        assert set(doc) <= set(properties)
        for table in ("provenance", "references"):
            for item in doc[table]:
                assert set(item) <= set(properties[table]["properties"])
    printed = CliRunner().invoke(app, ["export", "mapping"])
    assert json.loads(printed.stdout) == MAPPING


def test_every_field_of_a_fact_view_is_in_the_documents(mini_kb: Path) -> None:
    """A field added to the schema must be added to FIELDS and the mapping, not dropped."""
    kb = load(mini_kb)
    for fact in kb.facts.values():
        shown = set(kb.fact_view(fact)) - {"status_display"}  # for renderers, not the data
        assert shown <= set(FIELDS)


def test_the_docs_list_the_document_fields_and_the_mapping() -> None:
    cli_md = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    section = cli_md[cli_md.index("### `kb export jsonl`") :]
    documented = re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.MULTILINE)
    assert tuple(documented[: len(FIELDS)]) == FIELDS
    export_md = (REPO / "docs" / "export.md").read_text(encoding="utf-8")
    block = re.search(r"```json\n(.*?)```", export_md, flags=re.DOTALL)
    assert block is not None and json.loads(block.group(1)) == MAPPING
