"""Whoosh modules that no kb command uses, loaded only if something calls into them.

`whoosh.query` imports `whoosh.lang.morph_en` for one function, `variations` (English word
forms, used only by the `Variations` query, which kb never builds). Compiling that module's
rule table costs every start about 7 ms, half of a bare `python -c pass`, so `kb search`
(start-up bound: docs/performance.md) installs a stand-in first: the same function, which
loads the real module on its first call and from then on is just a way to reach it.

`whoosh.searching` imports `whoosh.highlight` (and with it `html.entities`: about 1.3 ms of every
search) to give each `Results` a default `Highlighter`, which kb never uses (it highlights with
kb.search.highlight). `defer_highlight` installs a stand-in whose `Highlighter` builds the real
one only when something uses it; any other name loads the real module.
"""

from __future__ import annotations

import functools
import sys
import types
from typing import Any

MORPH_EN = "whoosh.lang.morph_en"
HIGHLIGHT = "whoosh.highlight"


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


def defer_highlight() -> None:
    """Install the stand-in of whoosh.highlight, unless the module (or the stand-in) is there."""
    if HIGHLIGHT in sys.modules:
        return
    stand_in = types.ModuleType(HIGHLIGHT, "Stand-in: loads the real module when first used.")

    @functools.cache
    def real() -> Any:
        import importlib

        if sys.modules.get(HIGHLIGHT) is stand_in:
            del sys.modules[HIGHLIGHT]
        return importlib.import_module(HIGHLIGHT)

    class Highlighter:
        """What every whoosh Results is given: the real Highlighter, made when first used."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            self.__dict__["_made_with"] = (args, kwargs)

        def _real(self) -> Any:
            made = self.__dict__.get("_real_highlighter")
            if made is None:
                args, kwargs = self.__dict__["_made_with"]
                made = self.__dict__["_real_highlighter"] = real().Highlighter(*args, **kwargs)
            return made

        def __getattr__(self, name: str) -> Any:
            return getattr(self._real(), name)

        def __setattr__(self, name: str, value: Any) -> None:
            setattr(self._real(), name, value)

    def module_attribute(name: str) -> Any:
        return getattr(real(), name)

    stand_in.Highlighter = Highlighter  # type: ignore[attr-defined]
    stand_in.__getattr__ = module_attribute  # type: ignore[method-assign]
    sys.modules[HIGHLIGHT] = stand_in
