"""Reading a big KB for `kb validate`: entries parsed by worker processes, together with the
per-entry content check (KB050, a statement that copies its quote) that is worth doing there."""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Any

from kb.loading import RawEntry, read_entry
from kb.snapshots import normalise


def string_items(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def table_items(value: object) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _copies(statement: str, quote: str) -> bool:
    a, b = normalise(statement).casefold(), normalise(quote).casefold()
    if a == b:
        return True
    # Cheap upper bounds of ratio() first: the length ratio (SequenceMatcher.real_quick_ratio,
    # without building a matcher), then quick_ratio.
    if 2.0 * min(len(a), len(b)) / (len(a) + len(b)) < 0.9:
        return False
    matcher = difflib.SequenceMatcher(None, a, b)
    return matcher.quick_ratio() >= 0.9 and matcher.ratio() >= 0.9


PARALLEL_MIN = 2000  # below this, starting worker processes costs more than it saves


def copied_quotes(data: dict[str, Any]) -> bool:
    """Whether the statement merely copies one of its quotes (KB050)."""
    statement = data.get("statement")
    if not isinstance(statement, str):
        return False
    quotes = (p.get("quote") for p in table_items(data.get("provenance")))
    return any(isinstance(q, str) and _copies(statement, q) for q in quotes)


def _read_pair(pair: tuple[Path, str]) -> tuple[RawEntry, bool]:
    """In a worker: read one entry and do its per-entry content check too."""
    entry = read_entry(*pair)
    return entry, entry.data is not None and pair[1] == "fact" and copied_quotes(entry.data)


def parse_in_parallel(
    pairs: list[tuple[Path, str]],
) -> tuple[dict[Path, RawEntry], dict[Path, bool]]:
    """Entries parsed by worker processes, with their KB050 verdicts; both empty (so: read
    in-process) if worker processes cannot be used."""
    from concurrent.futures import ProcessPoolExecutor

    try:
        with ProcessPoolExecutor(max_workers=min(4, os.cpu_count() or 2)) as pool:
            results = list(pool.map(_read_pair, pairs, chunksize=256))
    except (OSError, RuntimeError, ImportError):
        return {}, {}
    return {e.path: e for e, _ in results}, {e.path: c for e, c in results}
