"""Running queries against the index: the query pipeline (query, with its limits), spelling
correction, highlighting and the search API (api). Imports kb.core, kb.entries (types and
filters) and kb.index. On the search fast path: no typer, rich, tomllib or dataclasses."""
