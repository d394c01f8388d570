"""Exports of a whole knowledge base for other tools: one JSON document per fact for a search
engine (kb.export.documents), a SQLite database for Datasette and SQL (kb.export.sqlite)."""
