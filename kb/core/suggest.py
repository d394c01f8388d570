"""Close matches for a mistyped name: the one "did you mean" of every message.

rapidfuzz scores the candidates (its `ratio`, 0-100, the normalised Indel similarity that
difflib's ratio approximates); it is imported only when a suggestion is wanted, which is always
on an error path, and it ranks 100,000 candidates in a few milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

CUTOFF = 60.0  # minimum rapidfuzz ratio (difflib's usual 0.6)
LIMIT = 3


def close_matches(
    wanted: str, candidates: Iterable[str] | Mapping[str, str], limit: int = LIMIT
) -> list[str]:
    """The candidates closest to `wanted`, best first, at most `limit`, compared without
    regard to case. Candidates that name the same thing count once: those equal but for case,
    and, when `candidates` maps each name to what it names (a subject's id, name and aliases
    to its id), those naming the same thing (the closest name is kept). `wanted` itself is
    never suggested."""
    from rapidfuzz import fuzz, process, utils

    owners = candidates if isinstance(candidates, Mapping) else None
    names = list(dict.fromkeys(candidates))
    scored = process.extract(
        wanted,
        names,
        scorer=fuzz.ratio,
        processor=utils.default_process,
        limit=None,
        score_cutoff=CUTOFF,
    )
    scored.sort(key=lambda item: (-item[1], item[2]))
    found: list[str] = []
    seen: set[str] = set()
    for name, _, _ in scored:
        key = owners[name] if owners is not None else name.casefold()
        if key in seen or name == wanted:
            continue
        seen.add(key)
        found.append(name)
        if len(found) == limit:
            break
    return found


def did_you_mean(
    wanted: str, candidates: Iterable[str] | Mapping[str, str], limit: int = LIMIT
) -> str:
    """` (did you mean 'a', 'b' or 'c'?)` for the close matches, or "" when there are none."""
    return hint(close_matches(wanted, candidates, limit))


def hint(close: list[str]) -> str:
    """The wording of a suggestion list, for matches found otherwise."""
    if not close:
        return ""
    quoted = [repr(name) for name in close]
    listed = quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"
    return f" (did you mean {listed}?)"
