"""The knowledge base as a SQLite database (`kb export sqlite OUT.db`), written with
sqlite-utils, so that `datasette OUT.db` browses and facets it and SQL can query it.

Tables (columns follow kb.entries.schema; lists are JSON arrays, dates ISO text):

| table | one row per | keys |
|---|---|---|
| `subjects` | subject | `id` |
| `sources` | source | `id` |
| `topics` | topic of kb.toml, in its order | `id` |
| `tags` | tag used by a fact | `id` |
| `facts` | fact that loads, by id | `id`; `subject` → subjects |
| `provenance` | quote: a fact's `[[provenance]]` table | `fact` → facts, `source` → sources |
| `fact_references` | a fact's `[[references]]` table | `fact` → facts |
| `fact_topics`, `fact_tags` | fact and topic, fact and tag | → facts, topics / tags |
| `fact_related` | fact and related fact | `fact`, `related` → facts |

`facts` also has `sources` and `best_reliability` (as in `kb export jsonl`), and three columns
that hold the rest of what `kb search` searches, so that SQLite full-text search finds what
kb's does: `names` (the subject's id, name and aliases), `keywords` (topics, tags, attribute,
status and source publishers) and `quotes` (every quote). Full-text search (FTS5, Porter
stemming) is enabled on `facts` (statement, names, value, keywords, quotes) and on
`provenance` (quote); foreign-key columns are indexed.

The database is written to a temporary file next to OUT and renamed into place when complete
(kb.core.atomic); an existing OUT is replaced only when asked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kb.core.atomic import AtomicPath
from kb.core.errors import KbError
from kb.entries.loading import KnowledgeBase
from kb.entries.schema import FACT_FIELDS, ITEM_FIELDS, SOURCE_FIELDS, SUBJECT_FIELDS, FieldType
from kb.export.documents import fact_document

FACTS_SEARCHED = ("statement", "names", "value", "keywords", "quotes")
_EXTRA_FACT_COLUMNS = ("sources", "best_reliability", "path", "names", "keywords", "quotes")


def _columns(fields: Any, *extra: str) -> dict[str, type]:
    """SQLite columns for the schema fields that are not tables (all TEXT), then `extra`."""
    names = [spec.name for spec in fields if spec.type is not FieldType.TABLE_ARRAY]
    return {name: str for name in (*names, *extra)}


def _plain(model: Any) -> dict[str, Any]:
    from kb.entries.serialize import plain

    return plain(model)


def export_sqlite(kb: KnowledgeBase, out: Path, *, replace: bool = False) -> dict[str, int]:
    """Write the KB to the SQLite database `out`; the number of rows of each table. KbError
    when `out` exists and `replace` is not set, or when it is a directory."""
    import sqlite3

    if out.is_dir():
        raise KbError(f"{out} is a directory; give the database file to write")
    if not out.parent.is_dir():
        raise KbError(f"cannot write {out}: no such folder {out.parent}")
    if out.exists() and not replace:
        raise KbError(f"{out} exists; --force replaces it")
    try:
        with AtomicPath(out, exclusive=not replace) as temp:
            counts = _write(kb, temp)
    except FileExistsError:
        raise KbError(f"{out} exists; --force replaces it") from None
    except sqlite3.Error as error:  # such as a full disk while SQLite writes
        raise KbError(f"cannot write {out}: {error}") from None
    return counts


def _write(kb: KnowledgeBase, path: Path) -> dict[str, int]:
    import sqlite_utils

    db = sqlite_utils.Database(path, execute_plugins=False)
    try:
        with db.conn:
            _fill(db, kb)
        db.table("facts").enable_fts(FACTS_SEARCHED, tokenize="porter")
        db.table("provenance").enable_fts(["quote"], tokenize="porter")
        db.index_foreign_keys()
        db.vacuum()
        return {name: db[name].count for name in db.table_names() if not _fts_table(name)}
    finally:
        db.close()


def _fts_table(name: str) -> bool:
    return "_fts" in name


def _fill(db: Any, kb: KnowledgeBase) -> None:
    from kb.index.fields import text_fields

    subjects = [kb.subjects[key] for key in sorted(kb.subjects)]
    sources = [kb.sources[key] for key in sorted(kb.sources)]
    views = [kb.fact_view(kb.facts[key]) for key in sorted(kb.facts)]
    tags = sorted({tag for view in views for tag in view["tags"]})

    db["subjects"].create(_columns(SUBJECT_FIELDS, "path"), pk="id")
    db["subjects"].insert_all(
        {**_plain(s), "path": kb.relative_path(s.path) if s.path else None} for s in subjects
    )
    db["sources"].create(_columns(SOURCE_FIELDS, "path"), pk="id")
    db["sources"].insert_all(
        {**_plain(s), "path": kb.relative_path(s.path) if s.path else None} for s in sources
    )
    db["topics"].create({"id": str, "position": int}, pk="id")
    db["topics"].insert_all(
        {"id": topic, "position": number} for number, topic in enumerate(kb.settings.topics, 1)
    )
    db["tags"].create({"id": str}, pk="id")
    db["tags"].insert_all({"id": tag} for tag in tags)

    db["facts"].create(
        _columns(FACT_FIELDS, *_EXTRA_FACT_COLUMNS),
        pk="id",
        foreign_keys=[("subject", "subjects", "id")],
    )
    facts = []
    for view in views:
        document = fact_document(kb, view)
        searched = text_fields({**view, "subject_aliases": document["subject_aliases"]})
        row = {key: view[key] for key in _columns(FACT_FIELDS) if key in view}
        row.update(
            sources=document["sources"],
            best_reliability=document["best_reliability"],
            path=view["path"],
            names=searched["names"],
            keywords=searched["meta"],
            quotes=searched["quote"],
        )
        facts.append(row)
    db["facts"].insert_all(facts)

    to_fact = ("fact", "facts", "id")
    db["provenance"].create(
        {"id": int, "fact": str, "position": int, **_columns(ITEM_FIELDS["provenance"])},
        pk="id",
        foreign_keys=[to_fact, ("source", "sources", "id")],
    )
    db["provenance"].insert_all(
        {
            "fact": view["id"],
            "position": number,
            **{k: p[k] for k in _item(ITEM_FIELDS["provenance"])},
        }
        for view in views
        for number, p in enumerate(view["provenance"], 1)
    )
    db["fact_references"].create(
        {"id": int, "fact": str, "position": int, **_columns(ITEM_FIELDS["references"])},
        pk="id",
        foreign_keys=[to_fact],
    )
    db["fact_references"].insert_all(
        {
            "fact": view["id"],
            "position": number,
            **{k: r[k] for k in _item(ITEM_FIELDS["references"])},
        }
        for view in views
        for number, r in enumerate(view["references"], 1)
    )
    links = (
        ("fact_topics", "topic", "topics", lambda view: view["topics"]),
        ("fact_tags", "tag", "tags", lambda view: view["tags"]),
        ("fact_related", "related", "facts", lambda view: view["related"]),
    )
    for table, column, target, values in links:
        db[table].create(
            {"fact": str, column: str},
            pk=("fact", column),
            foreign_keys=[to_fact, (column, target, "id")],
        )
        db[table].insert_all(
            ({"fact": view["id"], column: value} for view in views for value in values(view)),
            ignore=True,  # a value listed twice in one fact
        )


def _item(fields: Any) -> list[str]:
    return [spec.name for spec in fields]
