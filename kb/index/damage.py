"""What a damaged search index looks like: the errors that mean "rebuild it"."""

from __future__ import annotations

import pickle
import struct
import zlib

from kb.core.errors import IndexUnavailableError


class IndexDamaged(Exception):
    """The marker, manifest or index files are missing, partial or garbled: rebuild."""


def damage_errors() -> tuple[type[BaseException], ...]:
    """What reading a missing, truncated or garbled Whoosh index raises."""
    from whoosh.index import EmptyIndexError
    from whoosh.index import IndexError as WhooshIndexError

    return (
        EmptyIndexError,
        WhooshIndexError,
        IndexDamaged,
        EOFError,
        OSError,
        ValueError,
        LookupError,
        TypeError,
        AttributeError,
        AssertionError,
        ImportError,
        OverflowError,
        MemoryError,
        pickle.UnpicklingError,
        zlib.error,
        struct.error,
    )


def describe(error: BaseException) -> str:
    if isinstance(error, IndexDamaged):
        return str(error)
    if isinstance(error, OSError) and error.strerror:
        return f"{error.strerror}: {error.filename}" if error.filename else error.strerror
    text = str(error).splitlines()[0][:120] if str(error) else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def unusable(error: BaseException) -> IndexUnavailableError:
    return IndexUnavailableError(f"the search index cannot be used: {describe(error)}")
