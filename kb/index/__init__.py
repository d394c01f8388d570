"""The search index, a cache of the entries that is always fresh: fields and documents
(fields), where it lives on disk (store), writing (writer), opening it up to date (opening,
scan), and what damage looks like (damage). Imports kb.core and kb.entries; reads and parses
entry files only to update the index (the search fast path parses no TOML)."""
