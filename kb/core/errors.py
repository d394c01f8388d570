"""The one set of domain exceptions. The library raises them; only the CLI catches them."""

from __future__ import annotations

from collections.abc import Sequence


class KbError(Exception):
    """Base class. `exit_code` is what the CLI exits with when this reaches it."""

    exit_code = 1

    def __init__(self, message: str, details: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.details = tuple(details)  # shown one per line under the message (a problem list)

    def __str__(self) -> str:
        return "\n".join((self.message, *(f"  {detail}" for detail in self.details)))


class UsageError(KbError):
    """The user asked for something malformed (bad option value, bad query...)."""

    exit_code = 2


class KbNotFoundError(KbError):
    """No knowledge base at the given or discovered location."""


class EntryError(KbError):
    """An entry file that cannot be read or parsed (reported with its position)."""

    def __init__(self, path: str, line: int, column: int, message: str) -> None:
        super().__init__(f"{path}:{line}:{column}: {message}")
        self.path, self.line, self.column = path, line, column


class UnknownIdError(KbError):
    """One or more ids that are not in the knowledge base."""

    def __init__(self, kind: str, unknown: Sequence[str], suggestions: dict[str, list[str]]):
        from kb.core.suggest import hint

        parts = [f"unknown {kind} {item!r}{hint(suggestions.get(item) or [])}" for item in unknown]
        super().__init__("; ".join(parts))
        self.kind, self.unknown, self.suggestions = kind, list(unknown), suggestions


class QueryError(UsageError):
    """A search query that cannot be run (syntax, unknown field, too expensive)."""


class IndexUnavailableError(KbError):
    """The search index could not be built or opened."""
