"""An index updated edit by edit ranks exactly like a fresh build of the same KB: same top
ten, ids and order, same scores (kb.index.livestats: deleted documents do not count in the
statistics)."""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

import pytest

from kb.index.opening import _open_generation
from kb.index.store import Store
from kb.search.api import search

QUERIES = [
    "ketamine",
    "bladder damage",
    "depression OR anxiety",
    "risks",
    "approved",
    '"nasal spray"',
    "dose*",
    "subject:esketamine",
    "study effect",
    "regulation schedule",
    "what is ketamine used for",  # a question
    "ketamin bladdr",  # typos
    "spravato",  # a brand name (the thesaurus)
    "anaesth*",
]


def top(root: Path, query: str, **options: object) -> list[tuple[str, float]]:
    hits = search(root, query, limit=10, **options).hits  # type: ignore[arg-type]
    return [(hit.id, round(hit.score, 9)) for hit in hits]


def edit_one(root: Path, rng: random.Random, step: int) -> None:
    """One edit of a random kind: a statement reworded, a fact removed, a fact added (a copy
    of another under a new id), a subject's name changed."""
    facts = sorted((root / "facts").rglob("*.toml"))
    kind = rng.choice(["reword", "reword", "remove", "add", "subject"])
    if kind == "reword":
        path = rng.choice(facts)
        text = path.read_text(encoding="utf-8")
        words = ["ketamine", "bladder", "risk", "study", "approved", "dose", "spray", "effect"]
        path.write_text(
            re.sub(
                r'^statement = "(.*)"$',
                lambda m: f'statement = "{m.group(1)} {rng.choice(words)} {rng.choice(words)}"',
                text,
                count=1,
                flags=re.M,
            ),
            encoding="utf-8",
        )
    elif kind == "remove" and len(facts) > 20:
        rng.choice(facts).unlink()
    elif kind == "subject":
        path = rng.choice(sorted((root / "subjects").glob("*.toml")))
        text = path.read_text(encoding="utf-8")
        path.write_text(
            re.sub(r'^name = "', f'name = "Edit{step} ', text, count=1, flags=re.M),
            encoding="utf-8",
        )
    else:
        source = rng.choice(facts)
        old_id = source.stem
        new_id = f"{old_id[:80]}-copy-{step}"
        text = source.read_text(encoding="utf-8").replace(f'"{old_id}"', f'"{new_id}"', 1)
        source.with_name(f"{new_id}.toml").write_text(text, encoding="utf-8")


@pytest.mark.parametrize("seed", [1, 2])
def test_many_edits_rank_like_a_fresh_build(seed: int, shipped_kb: Path, tmp_path: Path) -> None:
    root = tmp_path / "kb"
    shutil.copytree(shipped_kb, root)
    rng = random.Random(seed)
    for query in QUERIES:
        top(root, query)  # the index, built once
    for step in range(40):
        edit_one(root, rng, step)
        top(root, rng.choice(QUERIES))  # each edit applied by an update of the index
    store = Store(root)
    generation = store.generation()[0]
    assert generation is not None
    with _open_generation(store, generation).reader() as reader:
        assert reader.has_deletions(), "no deleted documents: the test proves nothing"
    fresh = str(tmp_path / "fresh")
    for query in QUERIES:
        assert top(root, query) == top(root, query, index_dir=fresh), query
