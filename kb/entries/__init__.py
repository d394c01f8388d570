"""The on-disk format of a knowledge base: finding it (locate), the one walker that decides
which files are entries (walk), the schema and the domain models, reading an entry and checking
it against its schema (loading, checks, problems, tomlpos), source snapshots, filters, lookups
and plain-data views. Imports only kb.core."""
