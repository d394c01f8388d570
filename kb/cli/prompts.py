"""Interactive prompts for `kb new`: asked only when stdin is a terminal, on stderr, each answer
checked at once (and asked again when wrong). Without a terminal, missing values are a usage
error instead."""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Callable
from typing import Any

import typer

from kb.author.create import ID_FROM, existing_path, missing_inputs, parse_date
from kb.author.slug import propose_id
from kb.core.errors import UsageError
from kb.entries.loading import KnowledgeBase
from kb.entries.schema import ID_MAX, ID_PATTERN

OPTION_NAMES = {
    "statement": "--statement",
    "subject": "--subject",
    "topics": "--topic",
    "provenance": "--source/--quote",
    "title": "--title",
    "publisher": "--publisher",
    "kind": "--kind",
    "reliability": "--reliability",
    "reliability_note": "--reliability-note",
    "retrieved": "--retrieved",
    "snapshot": "--snapshot",
    "name": "--name",
}


def stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def _ask(label: str, check: Callable[[str], Any] | None = None, default: str | None = None) -> Any:
    def convert(answer: str) -> Any:
        try:
            return check(answer) if check else answer
        except UsageError as error:
            raise typer.BadParameter(error.message) from None

    return typer.prompt(
        label, default=default, value_proc=convert, err=True, show_default=bool(default)
    )


def _non_empty(answer: str) -> str:
    if not answer.strip():
        raise UsageError("a value is required")
    return answer.strip()


def _one_of(allowed: tuple[str, ...], what: str) -> Callable[[str], str]:
    def check(answer: str) -> str:
        if answer.strip() not in allowed:
            raise UsageError(f"{what} must be one of: {', '.join(allowed)}")
        return answer.strip()

    return check


def _ask_subject(kb: KnowledgeBase) -> str:
    def check(answer: str) -> str:
        found = kb.resolve_subject(answer.strip())
        if found is None:
            raise UsageError(f"no subject {answer.strip()!r} (give an id, name or alias)")
        return found.id

    return str(_ask("Subject (id, name or alias)", check))


def _ask_topics(kb: KnowledgeBase) -> list[str]:
    allowed = kb.settings.topics

    def check(answer: str) -> list[str]:
        topics = [t.strip() for t in answer.split(",") if t.strip()]
        unknown = [t for t in topics if t not in allowed]
        if not topics or unknown:
            raise UsageError(f"topics come from: {', '.join(allowed)}")
        return topics

    return list(_ask(f"Topics, comma-separated ({', '.join(allowed)})", check))


def _ask_provenance(kb: KnowledgeBase) -> list[dict[str, str]]:
    source = _ask(f"Source ({', '.join(sorted(kb.sources))})", _one_of(tuple(kb.sources), "source"))
    quote = _ask("Quote (verbatim from the source)", _non_empty)
    locator = str(_ask("Locator (e.g. section 3; empty for none)", default="")).strip()
    item = {"source": source, "quote": quote}
    return [{**item, "locator": locator}] if locator else [item]


def _ask_value(kb: KnowledgeBase, kind: str, name: str) -> Any:
    settings = kb.settings
    if name == "subject":
        return _ask_subject(kb)
    if name == "topics":
        return _ask_topics(kb)
    if name == "provenance":
        return _ask_provenance(kb)
    if name == "kind":
        allowed = settings.source_kinds if kind == "source" else settings.subject_kinds
        return _ask(f"Kind ({', '.join(allowed)})", _one_of(allowed, "kind"))
    if name == "reliability":
        allowed = settings.reliability_levels
        return _ask(f"Reliability ({', '.join(allowed)})", _one_of(allowed, "reliability"))
    if name == "retrieved":
        return _ask("Retrieved (YYYY-MM-DD)", parse_date, default=dt.date.today().isoformat())
    return _ask(name.replace("_", " ").capitalize(), _non_empty)


def _ask_id(kb: KnowledgeBase, kind: str, values: dict[str, Any]) -> str:
    def check(answer: str) -> str:
        entry_id = answer.strip()
        if not re.fullmatch(ID_PATTERN, entry_id) or len(entry_id) > ID_MAX:
            raise UsageError(f"an id is kebab-case, at most {ID_MAX} characters")
        if existing_path(kb, kind, entry_id) is not None:
            raise UsageError(f"{kind} id {entry_id!r} is taken")
        return entry_id

    proposal = propose_id(str(values.get(ID_FROM[kind], ""))) or None
    return str(_ask("Id", check, default=proposal))


def complete(
    kb: KnowledgeBase, kind: str, values: dict[str, Any], capturing: bool = False
) -> dict[str, Any]:
    """values with every missing required value asked for (and the id, when not given)."""
    missing = missing_inputs(kind, values, capturing)
    if not missing:
        return values
    if not stdin_is_terminal():
        options = ", ".join(OPTION_NAMES.get(name, name) for name in missing)
        raise UsageError(f"missing {options} (kb new {kind} asks for them in a terminal)")
    filled = dict(values)
    for name in missing:
        filled[name] = _ask_value(kb, kind, name)
    if not filled.get("id"):
        filled["id"] = _ask_id(kb, kind, filled)
    return filled
