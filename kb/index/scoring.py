"""Whoosh's BM25F, with each field's lengths read once per search instead of once per match.

BM25F scores a match with the length of the field it was found in. Whoosh reads that length
from the segment's length column one document at a time: a seek and a one-byte read through
the file (the index is not memory-mapped, see kb.index.opening), plus four calls, for every
field of every match — about half of the time a search for a common word spends scoring at
100,000 facts. `weighting()` is BM25F with the same parameters and the same formula; only its
length function differs: the first time a field of a segment is scored, its whole length
column (one byte per document) is read at once, and each match then looks its byte up.

This reaches into Whoosh internals (the per-document reader of the whoosh3 codec and its
length column), which is one reason whoosh3 is pinned exactly: tests/unit/index/test_scoring.py
checks that every score is identical to Whoosh's own. Where the internals are not what this
expects (another codec, an in-memory index), Whoosh's own length function is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from whoosh import scoring

Lengths = Callable[[int], Any]


def weighting() -> scoring.BM25F:
    """The weighting model for one searcher (it keeps the lengths it has read)."""
    return LengthsOnce()


class LengthsOnce(scoring.BM25F):
    """BM25F (same B, K1 and per-field B) reading each segment's field lengths once."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # id(reader) -> (reader, {field: lengths}); the reader is held so its id stays unique
        self._read: dict[int, tuple[Any, dict[str, Lengths | None]]] = {}

    def scorer(self, searcher: Any, fieldname: str, text: str, qf: int = 1) -> Any:
        scorer: Any = super().scorer(searcher, fieldname, text, qf=qf)
        if getattr(scorer, "dfl", None) is not None and searcher.is_atomic():
            lengths = self._lengths(searcher.reader(), fieldname)
            if lengths is not None:
                scorer.dfl = lengths
        return scorer

    def _lengths(self, reader: Any, fieldname: str) -> Lengths | None:
        held = self._read.get(id(reader))
        if held is None:
            held = self._read[id(reader)] = (reader, {})
        fields = held[1]
        if fieldname not in fields:
            fields[fieldname] = _read_lengths(reader, fieldname)
        return fields[fieldname]


def _read_lengths(reader: Any, fieldname: str) -> Lengths | None:
    """A function giving the length of `fieldname` in a document of the segment `reader`,
    exactly as whoosh3's W3PerDocReader.doc_field_length(docnum, fieldname, 1) does; None
    when the reader is not one this knows."""
    try:
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3PerDocReader, _lenfield
        from whoosh.columns import NumericColumn
        from whoosh.util.numeric import byte_to_length

        perdoc = reader._perdoc
        if type(perdoc) is not W3PerDocReader:
            return None
        column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if column is None:
            return lambda docnum: 1  # no lengths at all: Whoosh's default
        if type(column) is not NumericColumn.Reader or column._fixedlen != 1:
            return None
        doccount = perdoc.doc_count_all()
        stored = min(column._count, doccount + 1)
        raw = column._dbfile.get(column._basepos, stored) if stored else b""
    except (AttributeError, ImportError, TypeError):
        return None
    # Documents past the end of the column have the default byte, 0; for a byte of 0 Whoosh
    # returns None (no document with a match in a field has an empty field).
    raw = bytes(raw) + bytes(doccount + 1 - len(raw))
    table = [None, *(byte_to_length(byte) for byte in range(1, 256))]

    def lengths(docnum: int) -> Any:
        return table[raw[docnum]]

    return lengths
