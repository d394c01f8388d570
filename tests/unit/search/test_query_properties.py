"""Property tests of the query language: any string typed is either searched (hits or none)
or refused with a QueryError (exit 2); nothing else escapes, whatever it contains."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kb.cli.app import app
from kb.core.errors import QueryError
from kb.search.api import search
from kb.search.query import parse
from tests.conftest import MINI_KB

PIECES = [
    "widgetol", "bladder", "Gizmo", "café", "東京", "1970", "5", "4.5", "100,000", "26%",
    "the", "how", "does", "not", "who", "should", "AND", "OR", "NOT", "ANDNOT", "REQUIRE",
    "(", ")", '"', "*", "?", "~", "~2", "~9", "^", "^2", ":", "-", "'", "\\", "/", "[", "]",
    "{", "}", "subject:", "tag:", "topic:", "status:", "attribute:", "id:", "quote:",
    "colour:", "wid*", "*get", "bla?der", "side effects", "nasal-spray", "https://x.org",
    " ", "  ", "\t", "é", "ß", "\u0663", "😀",
]  # fmt: skip

queries = st.one_of(
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=12).map("".join),
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=8).map(" ".join),
    st.text(max_size=60),
)


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("properties") / "mini-kb"
    shutil.copytree(MINI_KB, root)
    return root, str(tmp_path_factory.mktemp("properties-index"))


@settings(max_examples=400, deadline=None)
@given(text=queries)
def test_parsing_refuses_or_builds_a_query(text: str) -> None:
    try:
        parsed = parse(text)
    except QueryError as error:
        assert error.exit_code == 2 and error.message
        return
    assert parsed.query is not None


@settings(
    max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=queries)
def test_searching_any_string_gives_hits_none_or_a_query_error(
    kb: tuple[Path, str], text: str
) -> None:
    root, index_dir = kb
    try:
        result = search(root, text, limit=None, index_dir=index_dir)
    except QueryError as error:
        assert error.exit_code == 2
        return
    assert all(hit.id for hit in result.hits)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=queries)
def test_the_cli_exits_0_1_or_2_without_a_traceback(kb: tuple[Path, str], text: str) -> None:
    root, index_dir = kb
    result = CliRunner().invoke(
        app, ["search", "--kb", str(root), "--index-dir", index_dir, "-f", "ids", "--", text]
    )
    assert result.exit_code in (0, 1, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
