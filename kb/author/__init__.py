"""Writing entries: building, checking and creating a new entry (create) and proposing ids
(slug). Imports kb.core, kb.entries and kb.validate."""
