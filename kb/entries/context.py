"""`kb show --context`: each quote of a fact inside its passage of the source's snapshot.

Snapshots are found as `kb validate` finds them (kb.entries.snapshots.snapshots_dir: the
directory given, else kb.toml's `snapshots`); they are often kept outside the KB (the shipped
KB's are), so when they are not there the caller is told so, and where they were looked for.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kb.entries.loading import KnowledgeBase
from kb.entries.snapshots import SnapshotStore, find_quote, passage, snapshots_dir


def add_contexts(kb: KnowledgeBase, records: list[dict[str, Any]], given: Path | None) -> list[str]:
    """Set `context` on every provenance of the fact records (kb.entries.serialize.fact_dict):
    `{"snapshot", "line", "column", "before", "quote", "after"}`, or None when it cannot be
    shown. Returns what the user should be told (why some or all could not)."""
    directory = snapshots_dir(kb.root, kb.settings, given)
    if directory is None:
        for record in records:
            for prov in record["provenance"]:
                prov["context"] = None
        return [unavailable(kb)]
    store = SnapshotStore(directory)
    notes: list[str] = []
    for record in records:
        for prov in record["provenance"]:
            prov["context"] = None
            source = kb.sources.get(prov["source"])
            if source is None:
                notes.append(f"{record['id']}: unknown source {prov['source']!r}, no context")
                continue
            text = store.text(source.snapshot)
            if text is None:
                notes.append(
                    f"snapshot {source.snapshot} of source {source.id} is not in {directory}"
                )
                continue
            span = find_quote(text, prov["quote"])
            if span is None:
                notes.append(
                    f"{record['id']}: the quote from {source.id} is not in its snapshot "
                    f"{source.snapshot} (kb validate reports it)"
                )
                continue
            prov["context"] = {"snapshot": source.snapshot, **passage(text, *span)}
    return list(dict.fromkeys(notes))


def unavailable(kb: KnowledgeBase) -> str:
    """Why there are no snapshots, and where they come from."""
    named = kb.settings.snapshots
    fix = "give --snapshots DIR or set KB_SNAPSHOTS to the directory of the source texts"
    if not named:
        return f"no quote context: this knowledge base names no snapshots directory; {fix}"
    where = (kb.root / named).resolve()
    return (
        f"no quote context: the source snapshots are not available (kb.toml: snapshots = "
        f"{named!r}, which is {where}, not a directory here). The source texts are kept "
        f"outside the package; {fix}"
    )
