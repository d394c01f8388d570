"""The top N of a search is exactly the first N of all its matches, whatever the query: no
match is lost to Whoosh's pruning (kb.index.whooshfix), ties at the cut go by fact id
(kb.index.livestats.best)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kb.search.api import search
from tests.conftest import SHIPPED_KB


def vocabulary() -> list[str]:
    words: set[str] = set()
    for path in sorted((SHIPPED_KB / "facts").rglob("*.toml"))[:120]:
        found = re.search(r'^statement = "(.*)"$', path.read_text(encoding="utf-8"), re.M)
        if found:
            words.update(w.lower() for w in re.findall(r"[A-Za-z]{3,}", found.group(1)))
    return sorted(words)


WORDS = vocabulary()
OPERATORS = ["", "", "", "OR", "AND", "NOT"]


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("exact") / "kb"
    shutil.copytree(SHIPPED_KB, root)
    index = str(root.parent / "index")
    search(root, "ketamine", index_dir=index)
    return root, index


query = st.lists(
    st.tuples(st.sampled_from(OPERATORS), st.sampled_from(WORDS)), min_size=1, max_size=6
).map(lambda parts: " ".join(f"{op} {word}".strip() for op, word in parts).strip())


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=query, limit=st.sampled_from([1, 3, 10]))
@example(text="study effect", limit=10)
@example(text="ketamine risk dose bladder spray approved", limit=10)
def test_the_top_n_is_the_first_n_of_every_match(
    text: str, limit: int, kb: tuple[Path, str]
) -> None:
    root, index = kb
    if text.split()[0] in ("OR", "AND", "NOT"):
        text = "ketamine " + text
    try:
        every = search(root, text, limit=None, index_dir=index, highlight=False).hits
    except Exception as error:  # a query kb refuses: refused either way
        with pytest.raises(type(error)):
            search(root, text, limit=limit, index_dir=index, highlight=False)
        return
    top = search(root, text, limit=limit, index_dir=index, highlight=False).hits
    assert [(h.id, round(h.score, 9)) for h in top] == [
        (h.id, round(h.score, 9)) for h in every[:limit]
    ], text
