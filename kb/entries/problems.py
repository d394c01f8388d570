"""Validation problems and the catalogue of their stable codes (see docs/validation.md)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """How bad a problem is: errors always fail `kb validate`, warnings and notices only with
    --strict."""

    ERROR = "error"
    WARNING = "warning"
    NOTICE = "notice"


ERROR, WARNING, NOTICE = Severity.ERROR, Severity.WARNING, Severity.NOTICE


@dataclass(frozen=True)
class Code:
    code: str
    severity: Severity
    title: str
    explanation: str


CODES: tuple[Code, ...] = (
    Code("KB001", ERROR, "not UTF-8", "The file is not valid UTF-8 text."),
    Code("KB002", ERROR, "file too large", "The file is over the 64 KiB limit for one entry."),
    Code(
        "KB003",
        ERROR,
        "TOML syntax error",
        "The TOML parser rejected the file; line and column are the parser's.",
    ),
    Code("KB004", ERROR, "missing kb.toml", "The KB directory has no kb.toml settings file."),
    Code(
        "KB005",
        ERROR,
        "stray file",
        "A .toml file outside sources/, subjects/ and facts/ (it would be ignored).",
    ),
    Code(
        "KB010", ERROR, "unknown key", "A key the entry kind does not define (with a did-you-mean)."
    ),
    Code("KB011", ERROR, "missing required field", "A required key is absent."),
    Code(
        "KB012", ERROR, "wrong type", "A value of the wrong TOML type (e.g. a number for a string)."
    ),
    Code(
        "KB013",
        ERROR,
        "bad id",
        "An id that is not kebab-case `[a-z0-9]+(-[a-z0-9]+)*` or too long.",
    ),
    Code("KB014", ERROR, "id does not match file name", "`id` must equal the file name stem."),
    Code("KB015", ERROR, "duplicate id", "Two entries of the same kind share an id."),
    Code(
        "KB016",
        ERROR,
        "bad format",
        "A value that does not match its required format (tag, sha256, snapshot name...).",
    ),
    Code(
        "KB017",
        ERROR,
        "length out of bounds",
        "A string or list shorter or longer than its bounds (e.g. quote 10–300 characters).",
    ),
    Code(
        "KB018",
        ERROR,
        "control characters",
        "Control characters or terminal escape sequences in text.",
    ),
    Code("KB019", ERROR, "bad URL", "A URL that is not http:// or https://."),
    Code("KB020", ERROR, "bad date", "`retrieved` is not a TOML date (e.g. 2024-05-01)."),
    Code("KB021", ERROR, "empty provenance", "A fact with no [[provenance]] table."),
    Code(
        "KB022",
        ERROR,
        "attribute without value",
        "`attribute` and `value` must be given together or not at all.",
    ),
    Code(
        "KB023",
        ERROR,
        "note required",
        "A fact whose status is not the default (the first of kb.toml `statuses`) must carry "
        "a `note` explaining why.",
    ),
    Code("KB024", ERROR, "duplicate list item", "The same value twice in a list."),
    Code(
        "KB025",
        ERROR,
        "subject name collision",
        "A subject's id, name or alias is also another subject's id, name or alias "
        "(case-insensitively), so lookups by that name would be ambiguous.",
    ),
    Code("KB030", ERROR, "unknown subject", "`subject` names no subject entry."),
    Code("KB031", ERROR, "unknown source", "A provenance `source` names no source entry."),
    Code("KB032", ERROR, "unknown related fact", "`related` names no fact (or the fact itself)."),
    Code(
        "KB033",
        ERROR,
        "value outside vocabulary",
        "A topic, kind, reliability or status not listed in kb.toml (also a status named by "
        "kb.toml's `statuses_shown_refuted` or `statuses_shown_contested`).",
    ),
    Code(
        "KB040",
        ERROR,
        "quote not in snapshot",
        "The quote is not found verbatim in the source snapshot (after normalising whitespace "
        "and typographic quotes only).",
    ),
    Code(
        "KB041",
        ERROR,
        "snapshot checksum mismatch",
        "The snapshot's SHA-256 differs from `sha256`.",
    ),
    Code(
        "KB042",
        ERROR,
        "snapshot missing",
        "The source's snapshot file is not in the snapshots directory.",
    ),
    Code(
        "KB043",
        NOTICE,
        "quotes not checked",
        "No snapshots directory is available, so quotes and checksums were not checked "
        "(an error under --strict).",
    ),
    Code(
        "KB050",
        WARNING,
        "statement copies quote",
        "The statement merely repeats a quote instead of saying it in the KB's own words.",
    ),
    Code("KB051", WARNING, "source never cited", "No fact cites this source."),
    Code("KB052", WARNING, "subject never used", "No fact is about this subject."),
)

CODE_INDEX: dict[str, Code] = {c.code: c for c in CODES}


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    column: int
    code: str
    message: str
    severity: Severity = ERROR

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
        }

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.code} {self.message}"


def problem(path: str, line: int, column: int, code: str, message: str) -> Problem:
    """Build a Problem with the severity its code is catalogued with."""
    return Problem(path, line, column, code, message, CODE_INDEX[code].severity)
