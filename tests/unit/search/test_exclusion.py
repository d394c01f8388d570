"""`A NOT B` never returns a fact that contains B, at any limit (kb.search.matchers: Whoosh's
AndNot matcher lets one through when B's first match comes before A's)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.search.api import search
from kb.search.query import parse
from tests.conftest import SHIPPED_KB


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The shipped KB without its thesaurus (B is then exactly the facts containing the word:
    a positive word also looks for its thesaurus words, an excluded one does not), indexed."""
    root = tmp_path_factory.mktemp("exclusion") / "kb"
    shutil.copytree(SHIPPED_KB, root)
    settings = (root / "kb.toml").read_text(encoding="utf-8")
    (root / "kb.toml").write_text(settings.split("[[thesaurus]]")[0], encoding="utf-8")
    index_dir = str(tmp_path_factory.mktemp("exclusion-index"))
    search(root, "ketamine", index_dir=index_dir)  # built once
    return root, index_dir


def _words() -> list[str]:
    """Words of the shipped KB's statements (4 letters or more, not stop words), most frequent
    first."""
    from whoosh.analysis import STOP_WORDS

    counts: dict[str, int] = {}
    for path in sorted((SHIPPED_KB / "facts").rglob("*.toml")):
        match = re.search(r'^statement = "(.*)"$', path.read_text(encoding="utf-8"), re.M)
        for word in set(re.findall(r"[a-z]{4,}", (match.group(1) if match else "").lower())):
            if word not in STOP_WORDS:
                counts[word] = counts.get(word, 0) + 1
    return sorted(counts, key=lambda w: (-counts[w], w))[:80]


WORDS = _words()


def _ids(kb: tuple[Path, str], text: str, limit: int | None) -> list[str]:
    root, index_dir = kb
    result = search(root, text, limit=limit, index_dir=index_dir, highlight=False, records=False)
    return [hit.id for hit in result.hits]


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    a=st.sampled_from(WORDS),
    b=st.sampled_from(WORDS),
    form=st.sampled_from(["{a} NOT {b}", "{a} AND NOT {b}", "{a} ANDNOT {b}", "NOT {b} {a}"]),
    limit=st.one_of(st.none(), st.integers(min_value=1, max_value=300)),
)
def test_an_excluded_fact_never_appears(
    kb: tuple[Path, str], a: str, b: str, form: str, limit: int | None
) -> None:
    with_a = set(_ids(kb, a, None))
    with_b = set(_ids(kb, b, None))
    found = _ids(kb, form.format(a=a, b=b), limit)
    assert not set(found) & with_b
    expected = with_a - with_b
    assert len(found) == (len(expected) if limit is None else min(limit, len(expected)))
    assert set(found) <= expected


def test_the_matcher_skips_a_first_match_that_the_excluded_side_starts_before(
    tmp_path: Path,
) -> None:
    """The case Whoosh's AndNotMatcher gets wrong, built directly: B matches documents 0 and 1,
    A matches 1 and 2; `A ANDNOT B` is document 2 only, also through skip_to."""
    from whoosh import fields, index

    ix = index.create_in(str(tmp_path), fields.Schema(n=fields.ID(stored=True), t=fields.TEXT))
    with ix.writer() as writer:
        for n, text in enumerate(["bee", "ay bee", "ay"]):
            writer.add_document(n=str(n), t=text)
    query = parse("ay NOT bee").query
    query = type(query)(_field(query.a), _field(query.b))
    with ix.searcher() as searcher:
        assert [searcher.stored_fields(d)["n"] for d in searcher.docs_for_query(query)] == ["2"]
        matcher = query.matcher(searcher)
        assert matcher.id() == 2
        matcher = query.matcher(searcher)
        matcher.skip_to(1)
        assert matcher.is_active() and matcher.id() == 2


def _field(query: object) -> object:
    """The word of a plain one-word query, as a term of field `t`."""
    from whoosh.query import Term

    leaf = next(q for q in query.leaves() if isinstance(q, Term))  # type: ignore[attr-defined]
    return Term("t", leaf.text)


def test_excluded_facts_are_not_counted(kb: tuple[Path, str]) -> None:
    root, index_dir = kb
    result = search(root, "esketamine NOT ketamine", limit=1, index_dir=index_dir, count=True)
    assert result.total == len(_ids(kb, "esketamine NOT ketamine", None))
    assert not set(_ids(kb, "esketamine NOT ketamine", None)) & set(_ids(kb, "ketamine", None))
