"""The stand-ins for whoosh.lang.morph_en and whoosh.highlight behave as the real modules do."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import kb.index.fields  # noqa: F401  (installs the stand-in)


def _real_variations(word: str) -> set[str]:
    spec = importlib.util.find_spec("whoosh.lang.morph_en")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return set(module.variations(word))


def test_variations_through_whoosh_query_equal_the_real_ones() -> None:
    from whoosh.query.terms import variations

    assert variations.__module__ == "kb.index.whooshlazy"  # the stand-in, not the real function
    for word in ("render", "bladder", "study", "running"):
        assert set(variations(word)) == _real_variations(word)
    assert "rendering" in variations("render")


def test_a_plain_search_never_loads_the_real_module(mini_kb: object, tmp_path: object) -> None:
    code = (
        "import sys, io, contextlib\n"
        "from kb.cli.fastpath import run\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    run(['kb', 'search', 'bladder', '--kb', {str(mini_kb)!r},"
        f" '--index-dir', {str(tmp_path)!r}])\n"
        "import whoosh.lang.morph_en as m\n"
        "print(hasattr(m, 'exceptions'))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_whoosh_highlighting_still_works_through_the_stand_in(tmp_path: object) -> None:
    """whoosh.searching gives every Results a Highlighter from the stand-in; kb never uses it,
    but it must work as Whoosh's own when something does."""
    from whoosh import fields, index

    ix = index.create_in(str(tmp_path), fields.Schema(t=fields.TEXT(stored=True)))
    with ix.writer() as writer:
        writer.add_document(t="the bladder and the kidneys")
    with ix.searcher() as searcher:
        from whoosh.query import Term

        results = searcher.search(Term("t", "bladder"))
        assert "<b" in results[0].highlights("t")  # Whoosh's own formatter, loaded on demand


def test_a_plain_search_never_loads_whoosh_highlighting(mini_kb: Path, tmp_path: Path) -> None:
    code = (
        "import sys, io, contextlib\n"
        "from kb.cli.fastpath import run\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        f"    run(['kb', 'search', 'bladder', '-f', 'ids', '--kb', {str(mini_kb)!r},"
        f" '--index-dir', {str(tmp_path / 'index')!r}])\n"
        "print(out.getvalue().strip(), 'html.entities' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["widgetol-bladder-damage", "False"]
