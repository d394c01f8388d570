"""`--sort FIELD` of `kb list` and `kb search`: which fields facts can be sorted by, and how.

The fields are the fact's single-valued fields from the schema (id, statement, subject,
attribute, value, status, note) and its `path`; `kb search` adds `score`. Text is compared
without regard to case; a fact without the field (no attribute) comes last either way. `-FIELD`
sorts the other way. Ties keep the order they came in (by id for `kb list`, by relevance for
`kb search`). `score` sorts best first, `-score` worst first.

(No dataclasses: `kb search --sort` uses this on the fast path.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple, TypeVar

from kb.core.errors import UsageError

T = TypeVar("T")

DESCENDING_FIRST = frozenset({"score"})  # best first without a `-`


def fact_sort_fields() -> tuple[str, ...]:
    """The fields `kb list --sort` accepts, in schema order, then `path`."""
    from kb.entries.schema import FACT_FIELDS, FieldType

    return (*(f.name for f in FACT_FIELDS if f.type is FieldType.STRING), "path")


class SortKey(NamedTuple):
    field: str
    descending: bool


def parse_sort(text: str, fields: Sequence[str]) -> SortKey:
    """`FIELD` or `-FIELD` as a SortKey; UsageError (exit 2) for an unknown field."""
    name = text.strip()
    reverse = name.startswith("-")
    name = name.removeprefix("-").strip().casefold()
    if name not in fields:
        from kb.core.suggest import did_you_mean

        raise UsageError(
            f"cannot sort by {text.strip()!r}{did_you_mean(name, fields)}; "
            f"fields: {', '.join(fields)} (-FIELD: the other way)"
        )
    return SortKey(name, reverse != (name in DESCENDING_FIRST))


def ordered(items: Iterable[T], key: SortKey, value: Callable[[T, str], Any]) -> list[T]:
    """`items` sorted by `value(item, key.field)`; items without a value last, ties in the
    order given."""
    present: list[tuple[Any, T]] = []
    absent: list[T] = []
    for item in items:
        found = value(item, key.field)
        if found is None or found == "":
            absent.append(item)
        else:
            present.append((found.casefold() if isinstance(found, str) else found, item))
    present.sort(key=lambda pair: pair[0], reverse=key.descending)  # stable both ways
    return [item for _, item in present] + absent
