"""The stand-in for whoosh.lang.morph_en behaves as the real module does."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

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
