"""The entry schema: the single source of truth for what a KB file may contain.

The validator (kb.entries.checks, kb.validate), the JSON Schemas for editors (`kb schema`,
`docs/schema/`) and the field tables of `docs/entry-format.md` are all derived from the
declarations below.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
ID_MAX = 80
TAG_PATTERN = ID_PATTERN
SNAPSHOT_PATTERN = r"^[A-Za-z0-9._-]+\.txt$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"
URL_PATTERN = r"^https?://[^\s/$.?#][^\s]*$"
# C0/C1 control characters (tab and newline allowed), DEL, and bidirectional overrides, which
# can hide or reorder text on a terminal. Written with escapes so that Python's re, ECMA-262
# (JSON Schema) and Rust regex engines all read it the same way.
CONTROL_PATTERN = r"[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]"
MAX_FILE_BYTES = 64 * 1024
QUOTE_MIN, QUOTE_MAX = 10, 300
STATEMENT_MIN, STATEMENT_MAX = 10, 400


@dataclass(frozen=True)
class Field:
    """One key of an entry table.

    `type` is one of: string, date, string-array, table-array (then `item_fields` applies).
    `vocabulary` names a list in kb.toml the value(s) must come from; `ref` names the entry
    kind (fact, source, subject) whose id the value(s) must be.
    """

    name: str
    type: str
    required: bool
    description: str
    pattern: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    min_items: int | None = None
    vocabulary: str | None = None
    ref: str | None = None
    default: str | None = None
    example: object = None
    item_fields: tuple[Field, ...] = field(default_factory=tuple)


def _id(kind: str) -> Field:
    return Field(
        "id",
        "string",
        True,
        f"Unique {kind} id, kebab-case, equal to the file name without `.toml`.",
        pattern=ID_PATTERN,
        min_length=1,
        max_length=ID_MAX,
    )


PROVENANCE_FIELDS: tuple[Field, ...] = (
    Field("source", "string", True, "Id of the source entry that makes the claim.", ref="source"),
    Field(
        "quote",
        "string",
        True,
        "Verbatim excerpt of the source snapshot that supports the claim (whitespace and "
        "typographic quotes are normalised when checking).",
        min_length=QUOTE_MIN,
        max_length=QUOTE_MAX,
    ),
    Field(
        "locator",
        "string",
        False,
        "Where in the source the quote is, e.g. `section 6` or `FAQ table`.",
        max_length=120,
    ),
)

REFERENCE_FIELDS: tuple[Field, ...] = (
    Field(
        "title",
        "string",
        True,
        "Title of the external document (a page, report, paper or announcement).",
        min_length=1,
        max_length=300,
    ),
    Field(
        "publisher",
        "string",
        True,
        "Who published it (agency, journal, outlet).",
        min_length=1,
        max_length=200,
    ),
    Field(
        "url",
        "string",
        True,
        "Public address of the document (http or https only).",
        pattern=URL_PATTERN,
        max_length=2000,
    ),
    Field("date", "date", False, "Publication date of the document (a TOML date)."),
    Field(
        "says",
        "string",
        True,
        "What the document says that the note relies on, in our own words (never copied text).",
        min_length=10,
        max_length=400,
    ),
)

FACT_FIELDS: tuple[Field, ...] = (
    _id("fact"),
    Field(
        "statement",
        "string",
        True,
        "The fact in the KB's own words: one claim, one or two sentences.",
        min_length=STATEMENT_MIN,
        max_length=STATEMENT_MAX,
    ),
    Field("subject", "string", True, "Id of the subject the fact is about.", ref="subject"),
    Field(
        "topics",
        "string-array",
        True,
        "One or more topics from the `topics` vocabulary of kb.toml.",
        min_items=1,
        vocabulary="topics",
    ),
    Field(
        "tags",
        "string-array",
        False,
        "Free kebab-case keywords readers would search for.",
        pattern=TAG_PATTERN,
        max_length=40,
    ),
    Field(
        "attribute",
        "string",
        False,
        "Comparable property name (kebab-case, e.g. `route`); requires `value`.",
        pattern=ID_PATTERN,
        max_length=40,
    ),
    Field(
        "value",
        "string",
        False,
        "Short value of `attribute`, e.g. `intravenous infusion`; requires `attribute`.",
        min_length=1,
        max_length=120,
    ),
    Field(
        "status",
        "string",
        False,
        "`established` (default), `contested` or `refuted`, from the `statuses` vocabulary.",
        vocabulary="statuses",
        default="established",
    ),
    Field(
        "note",
        "string",
        False,
        "Editorial note; required when status is not `established` (say why).",
        min_length=1,
        max_length=1000,
    ),
    Field("related", "string-array", False, "Ids of related facts.", ref="fact"),
    Field(
        "references",
        "table-array",
        False,
        "One `[[references]]` table per external document the note rests on (no snapshot is "
        "kept; the KB only says what the document says, in its own words).",
        item_fields=REFERENCE_FIELDS,
    ),
    Field(
        "provenance",
        "table-array",
        True,
        "One `[[provenance]]` table per source that makes the claim.",
        min_items=1,
        item_fields=PROVENANCE_FIELDS,
    ),
)

SOURCE_FIELDS: tuple[Field, ...] = (
    _id("source"),
    Field("title", "string", True, "Title of the document.", min_length=1, max_length=300),
    Field("publisher", "string", True, "Who published it (site or outlet).", max_length=200),
    Field("authors", "string-array", False, "Authors named by the document.", max_length=200),
    Field(
        "url",
        "string",
        False,
        "Address of the document (http or https only; only when the text names it).",
        pattern=URL_PATTERN,
        max_length=2000,
    ),
    Field(
        "kind",
        "string",
        True,
        "Kind of document, from the `source_kinds` vocabulary.",
        vocabulary="source_kinds",
    ),
    Field(
        "reliability",
        "string",
        True,
        "Reliability judgement, from the `reliability_levels` vocabulary.",
        vocabulary="reliability_levels",
    ),
    Field(
        "reliability_note",
        "string",
        True,
        "Why the source got that reliability.",
        min_length=10,
        max_length=1000,
    ),
    Field("retrieved", "date", True, "Date the snapshot was taken (a TOML date)."),
    Field(
        "snapshot",
        "string",
        True,
        "File name of the archived text in the snapshots directory.",
        pattern=SNAPSHOT_PATTERN,
        max_length=200,
    ),
    Field(
        "sha256",
        "string",
        True,
        "SHA-256 of the snapshot file, lowercase hex.",
        pattern=SHA256_PATTERN,
    ),
)

SUBJECT_FIELDS: tuple[Field, ...] = (
    _id("subject"),
    Field("name", "string", True, "Display name.", min_length=1, max_length=120),
    Field(
        "aliases",
        "string-array",
        False,
        "Other names people search for (brand names, abbreviations).",
        min_length=1,
        max_length=80,
    ),
    Field(
        "kind",
        "string",
        True,
        "Kind of subject, from the `subject_kinds` vocabulary.",
        vocabulary="subject_kinds",
    ),
    Field("description", "string", False, "One or two sentences.", max_length=600),
)

KB_FIELDS: tuple[Field, ...] = (
    Field("name", "string", True, "Name of the knowledge base.", min_length=1, max_length=120),
    Field("description", "string", False, "What the knowledge base covers.", max_length=1000),
    Field(
        "topics",
        "string-array",
        True,
        "Vocabulary of fact topics.",
        min_items=1,
        pattern=ID_PATTERN,
    ),
    Field(
        "source_kinds",
        "string-array",
        True,
        "Vocabulary of source kinds.",
        min_items=1,
        pattern=ID_PATTERN,
    ),
    Field(
        "reliability_levels",
        "string-array",
        True,
        "Vocabulary of reliability levels, most reliable first.",
        min_items=1,
        pattern=ID_PATTERN,
    ),
    Field(
        "statuses",
        "string-array",
        True,
        "Vocabulary of fact statuses.",
        min_items=1,
        pattern=ID_PATTERN,
    ),
    Field(
        "subject_kinds",
        "string-array",
        True,
        "Vocabulary of subject kinds.",
        min_items=1,
        pattern=ID_PATTERN,
    ),
    Field(
        "snapshots",
        "string",
        False,
        "Directory of source snapshots, relative to kb.toml (optional).",
    ),
)

FIELDS_BY_KIND: dict[str, tuple[Field, ...]] = {
    "fact": FACT_FIELDS,
    "source": SOURCE_FIELDS,
    "subject": SUBJECT_FIELDS,
    "kb": KB_FIELDS,
}

ENTRY_KINDS = ("fact", "source", "subject")
