"""`kb new`: build an entry from given values, check it like `kb validate` would, write it.

The entry is validated before anything touches the disk (structure, references, vocabularies
and, for facts, each quote against its source's snapshot), then written atomically without
ever replacing an existing file.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w

from kb.author.slug import propose_id
from kb.core.atomic import apply_changes, write_atomic
from kb.core.errors import KbError, UsageError
from kb.entries.kinds import FOLDERS, EntryKind
from kb.entries.loading import KnowledgeBase, display_path
from kb.entries.problems import ERROR, Problem
from kb.entries.schema import FIELDS_BY_KIND, ID_MAX, ID_PATTERN, SNAPSHOT_PATTERN
from kb.entries.snapshots import SnapshotStore, snapshots_dir
from kb.entries.walk import find
from kb.validate.pending import pending_entry, validate_pending

# Values each kind needs before an entry can be built (the id is proposed when not given).
REQUIRED_INPUTS: dict[str, tuple[str, ...]] = {
    "fact": ("statement", "subject", "topics", "provenance"),
    "source": (
        "title",
        "publisher",
        "kind",
        "reliability",
        "reliability_note",
        "retrieved",
        "snapshot",
    ),
    "subject": ("name", "kind"),
}
ID_FROM = {"fact": "statement", "source": "title", "subject": "name"}
# Warnings that every brand-new source or subject gets: nothing cites or uses it yet.
_EXPECTED_FOR_NEW = {"KB051", "KB052"}


@dataclass(frozen=True)
class Created:
    """An entry built (and written, unless a dry run): where, what, and notes for the user;
    for a source captured with --from, its snapshot file too."""

    kind: str
    entry_id: str
    path: Path
    text: str
    notes: tuple[str, ...]
    snapshot: Path | None = None


# Values a captured source (`--from`) does not need: the snapshot is named after the id, and
# taken today.
CAPTURED = ("snapshot", "retrieved")


class InvalidEntry(UsageError):
    """A new entry that would not be valid: its problems (one per line) and its text, so that
    nothing typed is lost (the CLI offers to fix it in an editor)."""

    def __init__(self, kind: str, path: Path, text: str, details: list[str]) -> None:
        super().__init__(f"the new {kind} would not be valid, nothing written:", details)
        self.kind, self.path, self.text = kind, path, text


def missing_inputs(kind: str, values: dict[str, Any], capturing: bool = False) -> list[str]:
    """Required values that are absent or empty (for a fact, `quote` when a source was given
    without its quote)."""
    skip = CAPTURED if capturing and kind == "source" else ()
    missing = [name for name in REQUIRED_INPUTS[kind] if not values.get(name) and name not in skip]
    if kind == "fact" and "provenance" not in missing and missing_quotes(values):
        missing.append("quote")
    return missing


def provenance_items(
    sources: list[str], quotes: list[str], locators: list[str]
) -> list[dict[str, str]]:
    """Pair repeated --source/--quote (and optional --locator) options in order. A source
    without its quote yet is kept without one (`missing_quotes`: asked for in a terminal)."""
    if len(quotes) > len(sources):
        raise UsageError(
            f"give one --source per --quote ({len(sources)} source(s), {len(quotes)} quote(s))"
        )
    if locators and len(locators) != len(sources):
        raise UsageError("give one --locator per --source, or none")
    items = []
    for index, source in enumerate(sources):
        item = {"source": source}
        if index < len(quotes):
            item["quote"] = quotes[index]
        if locators and locators[index].strip():
            item["locator"] = locators[index]
        items.append(item)
    return items


def missing_quotes(values: dict[str, Any]) -> list[int]:
    """The provenance items (by index) that name a source but no quote yet."""
    items = values.get("provenance") or []
    return [i for i, item in enumerate(items) if not str(item.get("quote") or "").strip()]


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"not a date (YYYY-MM-DD): {text!r}") from None


_EMPTY: tuple[Any, ...] = ("", None, [], {})


def _clean(value: Any) -> Any:
    """Strings stripped; empty strings, lists and tables dropped, recursively."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):
        return [item for item in map(_clean, value) if item not in _EMPTY]
    if isinstance(value, dict):
        cleaned = {key: _clean(item) for key, item in value.items()}
        return {key: item for key, item in cleaned.items() if item not in _EMPTY}
    return value


def _ordered(kind: str, values: dict[str, Any]) -> dict[str, Any]:
    """Schema order, empty values dropped; unknown keys kept last (the validator names them)."""
    cleaned = _clean(values)
    names = [spec.name for spec in FIELDS_BY_KIND[kind]]
    order = names + [k for k in cleaned if k not in names]
    return {name: cleaned[name] for name in order if name in cleaned}


def _fill_defaults(kb: KnowledgeBase, kind: str, data: dict[str, Any], store: Any) -> None:
    if kind == "fact":
        found = kb.resolve_subject(data["subject"]) if "subject" in data else None
        if found is not None:
            data["subject"] = found.id
        if data.get("status") == kb.settings.default_status:
            del data["status"]
    if kind == "source":
        if isinstance(data.get("retrieved"), str):
            data["retrieved"] = parse_date(data["retrieved"])
        if "sha256" not in data and store is not None and isinstance(data.get("snapshot"), str):
            digest = store.sha256(data["snapshot"])
            if digest is not None:
                data["sha256"] = digest
    if "id" not in data:
        data["id"] = propose_id(str(data.get(ID_FROM[kind], "")))


def build(
    kb: KnowledgeBase, kind: str, values: dict[str, Any], snapshots: Path | None
) -> dict[str, Any]:
    """The entry table: values cleaned and put in schema order, the id proposed if not given,
    a subject alias turned into its id, a source's sha256 computed from its snapshot."""
    data = _ordered(kind, values)
    directory = snapshots_dir(kb.root, kb.settings, snapshots)
    _fill_defaults(kb, kind, data, SnapshotStore(directory) if directory else None)
    return _ordered(kind, data)


def existing_path(kb: KnowledgeBase, kind: str, entry_id: str) -> Path | None:
    """The file already holding an entry of this kind and id (by file name), if any."""
    if kind == "fact":
        return kb.fact_paths.get(entry_id)
    return find(kb.root, EntryKind(kind), entry_id)


def target_path(kb: KnowledgeBase, kind: str, data: dict[str, Any]) -> Path:
    """facts/<first topic>/<id>.toml, sources/<id>.toml or subjects/<id>.toml."""
    entry_id = data.get("id", "")
    if entry_id == "":
        raise UsageError("no id could be proposed from the text; pass --id")
    if not isinstance(entry_id, str) or not re.fullmatch(ID_PATTERN, entry_id):
        raise UsageError(f"id {entry_id!r} is not kebab-case ([a-z0-9]+(-[a-z0-9]+)*); pass --id")
    if len(entry_id) > ID_MAX:
        raise UsageError(f"id {entry_id!r} is longer than {ID_MAX} characters")
    folder = kb.root / FOLDERS[EntryKind(kind)]
    if kind != "fact":
        return folder / f"{entry_id}.toml"
    topics = data.get("topics") or [""]
    topic = topics[0] if isinstance(topics, list) else topics
    if not isinstance(topic, str) or not re.fullmatch(ID_PATTERN, topic):
        raise UsageError(f"topic {topic!r} is not one of kb.toml topics")
    return folder / topic / f"{entry_id}.toml"


def _toml_value(value: Any) -> str:
    """One value in TOML, arrays kept on one line like the hand-written entries."""
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    return tomli_w.dumps({"v": value})[len("v = ") :].rstrip("\n")


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_value(key)


def _is_table_array(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(i, dict) for i in value)


def render(data: dict[str, Any]) -> str:
    """The entry as TOML: keys in the given order, then one [[table]] per table-array item."""
    tables = {k: v for k, v in data.items() if _is_table_array(v)}
    lines = [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in data.items() if k not in tables]
    for key, items in tables.items():
        for item in items:
            lines += ["", f"[[{_toml_key(key)}]]"]
            lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in item.items()]
    return "\n".join(lines) + "\n"


def _describe(found: Problem) -> str:
    return f"{found.code} {found.message}"


def check(
    kb: KnowledgeBase,
    kind: str,
    path: Path,
    text: str,
    snapshots: Path | None,
    ignore: frozenset[str] = frozenset(),
) -> list[str]:
    """Raise UsageError listing every error the entry would have (but the codes in `ignore`);
    return notes otherwise."""
    result = validate_pending(kb.root, pending_entry(path, kind, text), snapshots)
    result.problems = [p for p in result.problems if p.code not in ignore]
    errors = [p for p in result.problems if p.severity == ERROR]
    if errors:
        raise InvalidEntry(kind, path, text, [_describe(p) for p in errors])
    notes = [
        _describe(p)
        for p in result.problems
        if p.code not in _EXPECTED_FOR_NEW and p.code != "KB043"
    ]
    if kind == "fact":
        notes.append(
            "quotes checked against the source snapshots"
            if result.quotes_checked
            else "quotes NOT checked: no snapshots directory (use --snapshots DIR); "
            "run kb validate once snapshots are available"
        )
    return notes


def write_new(path: Path, text: str, also: dict[Path, bytes] | None = None) -> None:
    """Write a file that must not exist yet: complete before it appears, never replacing one;
    with `also`, other new files at the same time, all or nothing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if also:
            apply_changes([*also.items(), (path, text)], new=True)
        else:
            write_atomic(path, text, exclusive=True)
    except FileExistsError as error:
        where = Path(error.filename) if error.filename else path
        raise KbError(f"{display_path(where)} already exists; nothing written") from None


def capture_folder(kb: KnowledgeBase, snapshots: Path | None) -> Path:
    """Where a captured snapshot goes: the snapshots directory given, else the KB's own
    (kb.toml `snapshots`, created when missing)."""
    if snapshots is not None:
        return snapshots
    if kb.settings.snapshots:
        return kb.root / kb.settings.snapshots
    raise UsageError(
        'this KB has no snapshots folder: add snapshots = "snapshots" to kb.toml '
        "(kb init does), or pass --snapshots DIR"
    )


def _capture(
    kb: KnowledgeBase,
    data: dict[str, Any],
    captured: bytes,
    snapshots: Path | None,
    given_sha256: str | None,
) -> Path | None:
    """Name the captured snapshot (after the id, unless named), fill `sha256`; the file to
    write (None when the very same text is there already)."""
    import hashlib

    data.setdefault("snapshot", f"{data['id']}.txt")
    data.setdefault("retrieved", dt.date.today())
    digest = hashlib.sha256(captured).hexdigest()
    if given_sha256 not in (None, "", digest):
        raise UsageError(f"--sha256 {given_sha256} is not the sha256 of the captured text")
    data["sha256"] = digest
    name = data["snapshot"]
    if not isinstance(name, str) or not re.fullmatch(SNAPSHOT_PATTERN, name):
        raise UsageError(f"snapshot name {name!r} must match {SNAPSHOT_PATTERN}")
    target = capture_folder(kb, snapshots) / name
    if target.exists():
        if target.read_bytes() == captured:
            return None
        raise KbError(
            f"{display_path(target)} already exists with another text; "
            "name the new snapshot with --snapshot NAME.txt"
        )
    return target


def create(
    kb: KnowledgeBase,
    kind: str,
    values: dict[str, Any],
    snapshots: Path | None = None,
    dry_run: bool = False,
    captured: bytes | None = None,
) -> Created:
    """Build, check and (unless dry_run) write a new entry of kind. For a source, `captured` is
    the text of its snapshot (kb.author.capture): written to the snapshots folder with the
    entry, all or nothing."""
    if kind not in REQUIRED_INPUTS:
        raise UsageError(f"unknown entry kind {kind!r}; choose from: {', '.join(REQUIRED_INPUTS)}")
    if "_shipped_entries" in kb.root.parts:
        raise UsageError("refusing to write into the KB installed with the package; pass --kb DIR")
    capturing = captured is not None and kind == "source"
    missing = missing_inputs(kind, values, capturing)
    if missing:
        raise UsageError(f"missing required value(s) for a new {kind}: {', '.join(missing)}")
    data = build(kb, kind, values, snapshots)
    path = target_path(kb, kind, data)
    taken = existing_path(kb, kind, data["id"])
    if taken is not None:
        raise KbError(
            f"{kind} id {data['id']!r} is taken by {display_path(taken)}; choose another with --id"
        )
    snapshot = None
    if capturing and captured is not None:
        snapshot = _capture(kb, data, captured, snapshots, values.get("sha256"))
        data = _ordered(kind, data)
    text = render(data)
    # the captured snapshot is not in the folder yet (KB042); its sha256 was just computed
    ignore = frozenset({"KB042"} if snapshot is not None else ())
    notes = check(kb, kind, path, text, snapshots, ignore)
    if not dry_run:
        write_new(path, text, {snapshot: captured} if snapshot and captured is not None else {})
    return Created(kind, data["id"], path, text, tuple(notes), snapshot)
