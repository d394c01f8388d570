"""Interactive prompts for `kb new`: asked only when stdin is a terminal, on stderr, for the
values the options left out (and only those). Each answer is checked as it is typed — lengths
from the schema, vocabularies, subjects and sources that exist, a quote against its source's
snapshot (showing where it departs and the closest passage) — and asked again when wrong.
Without a terminal, missing values are a usage error instead."""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

from kb.author.create import ID_FROM, existing_path, missing_inputs, missing_quotes, parse_date
from kb.author.slug import propose_id
from kb.core.errors import UsageError
from kb.entries.loading import KnowledgeBase
from kb.entries.schema import FIELDS_BY_KIND, ID_MAX, ID_PATTERN, ITEM_FIELDS, Field

OPTION_NAMES = {
    "statement": "--statement",
    "subject": "--subject",
    "topics": "--topic",
    "provenance": "--source/--quote",
    "quote": "--quote",
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
    return sys.stdin is not None and not sys.stdin.closed and sys.stdin.isatty()


def ask(label: str, check: Callable[[str], Any] | None = None, default: str | None = None) -> Any:
    """One answer, checked by `check` (a UsageError: said, and asked again)."""

    def convert(answer: str) -> Any:
        try:
            return check(answer) if check else answer
        except UsageError as error:
            raise typer.BadParameter(error.message) from None

    return typer.prompt(
        label, default=default, value_proc=convert, err=True, show_default=bool(default)
    )


def _field(kind: str, name: str) -> Field | None:
    for spec in FIELDS_BY_KIND[kind]:
        if spec.name == name:
            return spec
    return None


def text_check(spec: Field | None, required: bool = True) -> Callable[[str], str]:
    """An answer checked against a text field's declared lengths."""

    def check(answer: str) -> str:
        value = answer.strip()
        if not value and required:
            raise UsageError("a value is required")
        if spec is not None and value:
            if spec.min_length is not None and len(value) < spec.min_length:
                raise UsageError(f"at least {spec.min_length} characters ({len(value)} typed)")
            if spec.max_length is not None and len(value) > spec.max_length:
                raise UsageError(f"at most {spec.max_length} characters ({len(value)} typed)")
        return value

    return check


def one_of(allowed: tuple[str, ...], what: str) -> Callable[[str], str]:
    def check(answer: str) -> str:
        if answer.strip() not in allowed:
            from kb.core.suggest import did_you_mean

            hint = did_you_mean(answer.strip(), allowed, limit=1)
            raise UsageError(f"{what} must be one of: {', '.join(allowed)}{hint}")
        return answer.strip()

    return check


def subject_check(kb: KnowledgeBase) -> Callable[[str], str]:
    def check(answer: str) -> str:
        found = kb.resolve_subject(answer.strip())
        if found is None:
            raise UsageError(f"no subject {answer.strip()!r} (give an id, name or alias)")
        return found.id

    return check


def topics_check(kb: KnowledgeBase) -> Callable[[str], list[str]]:
    allowed = kb.settings.topics

    def check(answer: str) -> list[str]:
        topics = [t.strip() for t in answer.split(",") if t.strip()]
        unknown = [t for t in topics if t not in allowed]
        if not topics or unknown:
            raise UsageError(f"topics come from: {', '.join(allowed)}")
        return topics

    return check


def quote_check(kb: KnowledgeBase, source: str, snapshots: Path | None) -> Callable[[str], str]:
    """A quote: its length, and, when the source's snapshot is available, that the snapshot
    has it (else where it departs and the closest passage)."""
    from kb.entries.snapshots import SnapshotStore, normalise, snapshots_dir

    lengths = text_check(next(s for s in ITEM_FIELDS["provenance"] if s.name == "quote"))
    directory = snapshots_dir(kb.root, kb.settings, snapshots)
    found = kb.sources.get(source)
    store = SnapshotStore(directory) if directory is not None else None
    name = found.snapshot if found is not None else None

    def check(answer: str) -> str:
        quote = lengths(answer)
        if store is None or name is None or store.raw(name) is None:
            return quote
        normalised = normalise(quote)
        if not store.contains_normalised(name, normalised):
            explained = store.mismatch(name, normalised).explain()
            raise UsageError(f"not in the snapshot {name}: {explained}")
        return quote

    return check


def _ask_provenance(kb: KnowledgeBase, snapshots: Path | None) -> list[dict[str, str]]:
    sources = tuple(sorted(kb.sources))
    source = ask(f"Source ({', '.join(sources)})", one_of(sources, "source"))
    return [_ask_quote(kb, {"source": source}, snapshots)]


def _ask_quote(kb: KnowledgeBase, item: dict[str, str], snapshots: Path | None) -> dict[str, str]:
    item = dict(item)
    label = f"Quote from {item['source']} (verbatim)"
    item["quote"] = ask(label, quote_check(kb, item["source"], snapshots))
    if "locator" not in item:
        locator = str(ask("Locator (e.g. section 3; empty for none)", default="")).strip()
        if locator:
            item["locator"] = locator
    return item


def _ask_value(kb: KnowledgeBase, kind: str, name: str, snapshots: Path | None) -> Any:
    settings = kb.settings
    if name == "subject":
        return ask("Subject (id, name or alias)", subject_check(kb))
    if name == "topics":
        return ask(f"Topics, comma-separated ({', '.join(settings.topics)})", topics_check(kb))
    if name == "provenance":
        return _ask_provenance(kb, snapshots)
    if name == "kind":
        allowed = settings.source_kinds if kind == "source" else settings.subject_kinds
        return ask(f"Kind ({', '.join(allowed)})", one_of(allowed, "kind"))
    if name == "reliability":
        allowed = settings.reliability_levels
        return ask(f"Reliability ({', '.join(allowed)})", one_of(allowed, "reliability"))
    if name == "retrieved":
        return ask("Retrieved (YYYY-MM-DD)", parse_date, default=dt.date.today().isoformat())
    return ask(name.replace("_", " ").capitalize(), text_check(_field(kind, name)))


def _ask_id(kb: KnowledgeBase, kind: str, values: dict[str, Any]) -> str:
    def check(answer: str) -> str:
        entry_id = answer.strip()
        if not re.fullmatch(ID_PATTERN, entry_id) or len(entry_id) > ID_MAX:
            raise UsageError(f"an id is kebab-case, at most {ID_MAX} characters")
        if existing_path(kb, kind, entry_id) is not None:
            raise UsageError(f"{kind} id {entry_id!r} is taken")
        return entry_id

    proposal = propose_id(str(values.get(ID_FROM[kind], ""))) or None
    return str(ask("Id", check, default=proposal))


def complete(
    kb: KnowledgeBase,
    kind: str,
    values: dict[str, Any],
    capturing: bool = False,
    snapshots: Path | None = None,
) -> dict[str, Any]:
    """values with every missing required value asked for (and the id, when not given); the
    values given are kept as they are (kb validate checks them at the end)."""
    missing = missing_inputs(kind, values, capturing)
    if not missing:
        return values
    if not stdin_is_terminal():
        options = ", ".join(OPTION_NAMES.get(name, name) for name in missing)
        if "quote" in missing:
            sources = [values["provenance"][i]["source"] for i in missing_quotes(values)]
            options = options.replace("--quote", f"--quote for --source {', '.join(sources)}")
        raise UsageError(f"missing {options} (kb new {kind} asks for them in a terminal)")
    filled = dict(values)
    for name in missing:
        if name == "quote":
            items = list(filled["provenance"])
            for index in missing_quotes(filled):
                items[index] = _ask_quote(kb, items[index], snapshots)
            filled["provenance"] = items
        else:
            filled[name] = _ask_value(kb, kind, name, snapshots)
    if not filled.get("id"):
        filled["id"] = _ask_id(kb, kind, filled)
    return filled
