"""The entry schema: the single source of truth for what a KB file may contain.

The validator (kb.entries.checks, kb.validate), the domain models (kb.entries.models), their
plain-data views (kb.entries.serialize, hence JSON output and the search index's stored
records), the JSON Schemas for editors (`kb schema`, `docs/schema/`) and the field tables of
`docs/entry-format.md` are all derived from the declarations below: a field added here is
validated, loaded, indexed and shown without another list to update.

(NamedTuples and an enum rather than dataclasses: the search path reads the field names.)
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple

from kb.entries.kinds import EntryKind

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
DEFAULT_STATUS = "established"  # a fact's status when kb.toml is not known (else its first)


class FieldType(StrEnum):
    """The TOML type of a field's value."""

    STRING = "string"
    DATE = "date"  # a TOML date (not a datetime)
    STRING_ARRAY = "string-array"
    TABLE_ARRAY = "table-array"  # an array of tables: `item_fields` applies to each


class Field(NamedTuple):
    """One key of an entry table.

    `vocabulary` names a list in kb.toml the value(s) must come from; `ref` names the entry
    kind (fact, source, subject) whose id the value(s) must be.
    """

    name: str
    type: FieldType
    required: bool
    description: str
    pattern: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    min_items: int | None = None
    vocabulary: str | None = None
    ref: str | None = None
    default: str | None = None
    item_fields: tuple[Field, ...] = ()


def _id(kind: str) -> Field:
    return Field(
        "id",
        FieldType.STRING,
        True,
        f"Unique {kind} id, kebab-case, equal to the file name without `.toml`.",
        pattern=ID_PATTERN,
        min_length=1,
        max_length=ID_MAX,
    )


PROVENANCE_FIELDS: tuple[Field, ...] = (
    Field(
        "source",
        FieldType.STRING,
        True,
        "Id of the source entry that makes the claim.",
        ref="source",
    ),
    Field(
        "quote",
        FieldType.STRING,
        True,
        "Verbatim excerpt of the source snapshot that supports the claim (whitespace and "
        "typographic quotes are normalised when checking).",
        min_length=QUOTE_MIN,
        max_length=QUOTE_MAX,
    ),
    Field(
        "locator",
        FieldType.STRING,
        False,
        "Where in the source the quote is, e.g. `section 6` or `FAQ table`.",
        max_length=120,
    ),
)

REFERENCE_FIELDS: tuple[Field, ...] = (
    Field(
        "title",
        FieldType.STRING,
        True,
        "Title of the external document (a page, report, paper or announcement).",
        min_length=1,
        max_length=300,
    ),
    Field(
        "publisher",
        FieldType.STRING,
        True,
        "Who published it (agency, journal, outlet).",
        min_length=1,
        max_length=200,
    ),
    Field(
        "url",
        FieldType.STRING,
        True,
        "Public address of the document (http or https only).",
        pattern=URL_PATTERN,
        max_length=2000,
    ),
    Field("date", FieldType.DATE, False, "Publication date of the document (a TOML date)."),
    Field(
        "says",
        FieldType.STRING,
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
        FieldType.STRING,
        True,
        "The fact in the KB's own words: one claim, one or two sentences.",
        min_length=STATEMENT_MIN,
        max_length=STATEMENT_MAX,
    ),
    Field("subject", FieldType.STRING, True, "Id of the subject the fact is about.", ref="subject"),
    Field(
        "topics",
        FieldType.STRING_ARRAY,
        True,
        "One or more topics from the `topics` vocabulary of kb.toml.",
        min_items=1,
        vocabulary="topics",
    ),
    Field(
        "tags",
        FieldType.STRING_ARRAY,
        False,
        "Free kebab-case keywords readers would search for.",
        pattern=TAG_PATTERN,
        max_length=40,
    ),
    Field(
        "attribute",
        FieldType.STRING,
        False,
        "Comparable property name (kebab-case, e.g. `route`); requires `value`.",
        pattern=ID_PATTERN,
        max_length=40,
    ),
    Field(
        "value",
        FieldType.STRING,
        False,
        "Short value of `attribute`, e.g. `intravenous infusion`; requires `attribute`.",
        min_length=1,
        max_length=120,
    ),
    Field(
        "status",
        FieldType.STRING,
        False,
        "From the `statuses` vocabulary, whose first is the default (`established`, then "
        "`contested` or `refuted` unless kb.toml says otherwise).",
        vocabulary="statuses",
        default=DEFAULT_STATUS,
    ),
    Field(
        "note",
        FieldType.STRING,
        False,
        "Editorial note; required when the status is not the default (say why).",
        min_length=1,
        max_length=1000,
    ),
    Field("related", FieldType.STRING_ARRAY, False, "Ids of related facts.", ref="fact"),
    Field(
        "references",
        FieldType.TABLE_ARRAY,
        False,
        "One `[[references]]` table per external document the note rests on (no snapshot is "
        "kept; the KB only says what the document says, in its own words).",
        item_fields=REFERENCE_FIELDS,
    ),
    Field(
        "provenance",
        FieldType.TABLE_ARRAY,
        True,
        "One `[[provenance]]` table per source that makes the claim.",
        min_items=1,
        item_fields=PROVENANCE_FIELDS,
    ),
)

SOURCE_FIELDS: tuple[Field, ...] = (
    _id("source"),
    Field("title", FieldType.STRING, True, "Title of the document.", min_length=1, max_length=300),
    Field(
        "publisher", FieldType.STRING, True, "Who published it (site or outlet).", max_length=200
    ),
    Field(
        "authors", FieldType.STRING_ARRAY, False, "Authors named by the document.", max_length=200
    ),
    Field(
        "url",
        FieldType.STRING,
        False,
        "Address of the document (http or https only; only when the text names it).",
        pattern=URL_PATTERN,
        max_length=2000,
    ),
    Field(
        "kind",
        FieldType.STRING,
        True,
        "Kind of document, from the `source_kinds` vocabulary.",
        vocabulary="source_kinds",
    ),
    Field(
        "reliability",
        FieldType.STRING,
        True,
        "Reliability judgement, from the `reliability_levels` vocabulary.",
        vocabulary="reliability_levels",
    ),
    Field(
        "reliability_note",
        FieldType.STRING,
        True,
        "Why the source got that reliability.",
        min_length=10,
        max_length=1000,
    ),
    Field("retrieved", FieldType.DATE, True, "Date the snapshot was taken (a TOML date)."),
    Field(
        "snapshot",
        FieldType.STRING,
        True,
        "File name of the archived text in the snapshots directory.",
        pattern=SNAPSHOT_PATTERN,
        max_length=200,
    ),
    Field(
        "sha256",
        FieldType.STRING,
        True,
        "SHA-256 of the snapshot file, lowercase hex.",
        pattern=SHA256_PATTERN,
    ),
)

SUBJECT_FIELDS: tuple[Field, ...] = (
    _id("subject"),
    Field("name", FieldType.STRING, True, "Display name.", min_length=1, max_length=120),
    Field(
        "aliases",
        FieldType.STRING_ARRAY,
        False,
        "Other names people search for (brand names, abbreviations).",
        min_length=1,
        max_length=80,
    ),
    Field(
        "kind",
        FieldType.STRING,
        True,
        "Kind of subject, from the `subject_kinds` vocabulary.",
        vocabulary="subject_kinds",
    ),
    Field("description", FieldType.STRING, False, "One or two sentences.", max_length=600),
)

THESAURUS_FIELDS: tuple[Field, ...] = (
    Field(
        "words",
        FieldType.STRING_ARRAY,
        True,
        "Words or phrases that mean the same in this KB (`cost`, `price`). A query with one of "
        "them also looks for the others and for `also`, with a lower weight (docs/search.md).",
        min_items=1,
        min_length=1,
        max_length=80,
    ),
    Field(
        "also",
        FieldType.STRING_ARRAY,
        False,
        "Words or phrases a query with one of `words` also looks for, one way only: a query "
        "with one of these does not look for `words` (`cost` → `insurance`).",
        min_length=1,
        max_length=80,
    ),
)

KB_FIELDS: tuple[Field, ...] = (
    Field(
        "name", FieldType.STRING, True, "Name of the knowledge base.", min_length=1, max_length=120
    ),
    Field(
        "description", FieldType.STRING, False, "What the knowledge base covers.", max_length=1000
    ),
    Field(
        "topics",
        FieldType.STRING_ARRAY,
        True,
        "Vocabulary of fact topics.",
        min_items=1,
        pattern=ID_PATTERN,
    ),
    Field(
        "source_kinds",
        FieldType.STRING_ARRAY,
        True,
        "Vocabulary of source kinds.",
        min_items=1,
        pattern=ID_PATTERN,
    ),
    Field(
        "reliability_levels",
        FieldType.STRING_ARRAY,
        True,
        "Vocabulary of reliability levels, most reliable first.",
        min_items=1,
        pattern=ID_PATTERN,
    ),
    Field(
        "statuses",
        FieldType.STRING_ARRAY,
        True,
        "Vocabulary of fact statuses; the first is the default (a fact without `status` has "
        "it), any other needs a `note`.",
        min_items=1,
        pattern=ID_PATTERN,
    ),
    Field(
        "statuses_shown_refuted",
        FieldType.STRING_ARRAY,
        False,
        "Statuses shown loudly, as a refuted claim is (default: `refuted`, when neither this "
        "nor `statuses_shown_contested` is given).",
        pattern=ID_PATTERN,
        vocabulary="statuses",
    ),
    Field(
        "statuses_shown_contested",
        FieldType.STRING_ARRAY,
        False,
        "Statuses flagged as a contested claim is (default: `contested`, when neither this nor "
        "`statuses_shown_refuted` is given); statuses in neither list are shown plainly.",
        pattern=ID_PATTERN,
        vocabulary="statuses",
    ),
    Field(
        "subject_kinds",
        FieldType.STRING_ARRAY,
        True,
        "Vocabulary of subject kinds.",
        min_items=1,
        pattern=ID_PATTERN,
    ),
    Field(
        "snapshots",
        FieldType.STRING,
        False,
        "Directory of source snapshots, relative to kb.toml (optional).",
    ),
    Field(
        "thesaurus",
        FieldType.TABLE_ARRAY,
        False,
        "Words a search treats as related: each `[[thesaurus]]` table lists `words` that mean "
        "the same and, optionally, what they `also` look for (docs/search.md).",
        item_fields=THESAURUS_FIELDS,
    ),
)

FIELDS_BY_KIND: dict[str, tuple[Field, ...]] = {
    EntryKind.FACT: FACT_FIELDS,
    EntryKind.SOURCE: SOURCE_FIELDS,
    EntryKind.SUBJECT: SUBJECT_FIELDS,
    EntryKind.KB: KB_FIELDS,
}
# The tables of a table-array field, by field name (provenance, references).
ITEM_FIELDS: dict[str, tuple[Field, ...]] = {
    spec.name: spec.item_fields for spec in FACT_FIELDS if spec.type is FieldType.TABLE_ARRAY
}
