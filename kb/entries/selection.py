"""Selecting facts: by id (with close matches for unknown ids) and by filters
(kb.entries.filters)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from kb.entries.filters import Filters, resolve
from kb.entries.loading import KnowledgeBase
from kb.entries.models import Fact
from kb.entries.problems import Problem

MAX_SUGGESTED = 20  # unknown ids that get close matches (each costs a scan of every id)
MAX_ID_CHARS = 200  # longer "ids" are no typo of a real one


def _close_ids(kb: KnowledgeBase, wanted: str) -> list[str]:
    """Close matches among the fact ids, never the id itself (its file exists but is invalid)."""
    from kb.core.suggest import close_matches

    if len(wanted) > MAX_ID_CHARS:
        return []
    lower = wanted.lower()  # ids are lower case: an id typed in capitals is that id
    if lower != wanted and kb.fact_path(lower) is not None:
        return [lower]
    return close_matches(wanted, kb.fact_paths)


@dataclass(frozen=True)
class Lookup:
    found: tuple[Fact, ...]
    unknown: tuple[str, ...]  # not found: no such fact, or its file is invalid
    suggestions: dict[str, list[str]]
    invalid: dict[str, Problem] = field(default_factory=dict)  # unknown id -> why its file is

    def unknown_problems(self, problems: Iterable[Problem]) -> list[Problem]:
        """`problems` except those of the files already reported as invalid facts."""
        reported = {p.path for p in self.invalid.values()}
        return [p for p in problems if p.path not in reported]


def fact_id_of(text: str) -> str:
    """The fact id an argument of `kb show` names: an entry path as git prints it
    (`entries/facts/risks/x.toml`, `facts\\risks\\x.toml`) names the fact of its file name; anything
    else is taken as an id."""
    return PurePosixPath(text.replace("\\", "/")).stem if is_entry_path(text) else text


def is_entry_path(text: str) -> bool:
    """Whether an argument is an entry file's path (it ends in `.toml`) rather than an id."""
    return text.endswith(".toml")


def _same_file(given: str, relpath: str) -> bool:
    """Whether a path as typed names the entry at `relpath` (from the KB root): their last
    parts agree, so that a path from the repository root, the KB root or the working directory
    all name it, and a fact's id under the wrong folder does not."""
    typed = [part for part in PurePosixPath(given.replace("\\", "/")).parts if part != "."]
    known = PurePosixPath(relpath).parts
    common = min(len(typed), len(known))
    return typed[len(typed) - common :] == list(known[len(known) - common :])


def lookup_facts(kb: KnowledgeBase, ids: Sequence[str]) -> Lookup:
    """Facts in the order asked for; unknown ids with their closest known ids.

    An argument may also be an entry path (see `fact_id_of`): it must then name the fact's
    file, else it is unknown, with the fact's real path suggested. Ids are only ever looked up
    among the KB's fact files, never used as paths.
    """
    wanted = list(dict.fromkeys(i.strip() for i in ids if i.strip()))
    by_id = {text: fact_id_of(text) for text in wanted}
    loaded, _ = kb.get_facts(list(dict.fromkeys(by_id.values())))
    found: dict[str, Fact] = {}
    missing: list[str] = []
    suggestions: dict[str, list[str]] = {}
    for text, fact_id in by_id.items():
        fact = loaded.get(fact_id)
        if fact is not None and is_entry_path(text) and fact.path is not None:
            relpath = kb.relative_path(fact.path)
            if not _same_file(text, relpath):
                missing.append(text)
                suggestions[text] = [relpath]
                continue
        if fact is not None:
            found.setdefault(fact_id, fact)
        else:
            missing.append(text)
    invalid = {
        m: why
        for m in missing
        if m not in suggestions and (why := _why_invalid(kb, by_id[m])) is not None
    }
    for text in [m for m in missing if m not in suggestions][:MAX_SUGGESTED]:
        suggestions[text] = _close_ids(kb, by_id[text])
    return Lookup(tuple(found.values()), tuple(missing), suggestions, invalid)


def _why_invalid(kb: KnowledgeBase, fact_id: str) -> Problem | None:
    """The first error of the fact's file, when the file exists but could not be loaded."""
    path = kb.fact_path(fact_id)
    if path is None:
        return None
    target = path.resolve()
    return next((p for p in kb.problems if Path(p.path).resolve() == target), None)


def select_facts(kb: KnowledgeBase, filters: Filters) -> tuple[Fact, ...]:
    """The facts that pass the filters, sorted by id; UsageError for a bad filter value."""
    checked = resolve(filters, kb.catalog())
    return tuple(
        f
        for f in sorted(kb.facts.values(), key=lambda f: f.id)
        if checked.match(f.subject, f.topics, f.tags, f.sources, f.status)
    )


SCAN_BELOW = 2000  # fact files: below this, backlinks are found by reading them (not the index)


def backlinks(kb: KnowledgeBase, ids: Iterable[str]) -> dict[str, list[Fact]]:
    """For each id, the facts whose `related` names it (sorted by id): what contradicts,
    refines or repeats it. With every fact loaded (kb list) a lookup; otherwise (kb show)
    only the fact files that mention one of the ids are parsed."""
    wanted = set(ids)
    found: dict[str, list[Fact]] = {i: [] for i in wanted}
    if "facts" in kb.__dict__:
        candidates: Iterable[Fact] = kb.facts.values()
    else:
        needles = [i.encode("utf-8") for i in wanted]
        mentioning = []
        for fact_id, path in kb.fact_paths.items():
            try:
                data = path.read_bytes()
            except OSError:
                continue
            if any(needle in data for needle in needles):
                mentioning.append(fact_id)
        candidates = kb.get_facts(mentioning)[0].values()
    for fact in candidates:
        for target in wanted.intersection(fact.related):
            if target != fact.id:
                found[target].append(fact)
    return {i: sorted(facts, key=lambda f: f.id) for i, facts in found.items()}


def link_views(facts: Iterable[Fact]) -> list[dict[str, str]]:
    """Linked facts as plain data: `{"id", "status", "statement"}`."""
    return [{"id": f.id, "status": f.status, "statement": f.statement} for f in facts]
