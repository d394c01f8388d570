"""`kb validate`: the rules that need more than one entry (references, vocabularies, quotes
against snapshots, duplicates, unused entries), the validator that collects every problem
before deciding the result, its worker processes, and checks of entries not yet written.
Imports kb.core and kb.entries."""
