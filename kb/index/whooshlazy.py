"""A Whoosh module that no kb command uses, loaded only if something calls into it.

`whoosh.query` imports `whoosh.lang.morph_en` for one function, `variations` (English word
forms, used only by the `Variations` query, which kb never builds). Compiling that module's
rule table costs every start about 7 ms, half of a bare `python -c pass`, so `kb search`
(start-up bound: docs/performance.md) installs a stand-in first: the same function, which
loads the real module on its first call and from then on is just a way to reach it.
"""

from __future__ import annotations

import functools
import sys
import types
from typing import Any

MORPH_EN = "whoosh.lang.morph_en"


def defer_morph_en() -> None:
    """Install the stand-in, unless the real module (or the stand-in) is there already."""
    if MORPH_EN in sys.modules:
        return
    stand_in = types.ModuleType(MORPH_EN, "Stand-in: loads the real module when first used.")

    @functools.cache
    def real() -> Any:
        import importlib

        del sys.modules[MORPH_EN]
        return importlib.import_module(MORPH_EN)

    def variations(word: str) -> Any:
        return real().variations(word)

    stand_in.variations = variations  # type: ignore[attr-defined]
    sys.modules[MORPH_EN] = stand_in
