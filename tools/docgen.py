"""Generated parts of the docs, from the same declarations the validator uses.

Markdown files carry blocks between `<!-- BEGIN GENERATED: name -->` and
`<!-- END GENERATED: name -->`; `refresh()` rewrites them. Whole files are generated too: the
JSON Schemas in docs/schema/. A test fails when a committed file differs from its refreshed
self (`stale()`). Run `uv run python -m tools.docgen` to update docs/.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

from kb.core.atomic import write_atomic
from kb.entries.jsonschema import SCHEMA_KINDS, schema_file_name, schema_text
from kb.entries.problems import CODES
from kb.entries.schema import (
    FIELDS_BY_KIND,
    PROVENANCE_FIELDS,
    REFERENCE_FIELDS,
    THESAURUS_FIELDS,
    Field,
)

DOCS = Path(__file__).resolve().parent.parent / "docs"
SCHEMA_DIR = DOCS / "schema"
_BLOCK = re.compile(
    r"(<!-- BEGIN GENERATED: (?P<name>[a-z-]+) -->\n).*?(<!-- END GENERATED: (?P=name) -->)",
    re.S,
)


def _constraints(spec: Field) -> str:
    parts = []
    if spec.min_items:
        parts.append(f"at least {spec.min_items} item(s)")
    if spec.min_length is not None or spec.max_length is not None:
        low, high = spec.min_length or 0, spec.max_length
        parts.append(f"{low}–{high} chars" if high else f"≥ {low} chars")
    if spec.pattern:
        parts.append(f"matches `{spec.pattern}`")
    if spec.vocabulary:
        parts.append(f"from kb.toml `{spec.vocabulary}`")
    if spec.ref:
        parts.append(f"a {spec.ref} id")
    if spec.default:
        parts.append(f"default `{spec.default}`")
    return "; ".join(parts)


def field_table(fields: tuple[Field, ...]) -> str:
    rows = ["| key | type | required | constraints | meaning |", "|---|---|---|---|---|"]
    for spec in fields:
        constraints = _constraints(spec).replace("|", "\\|")
        rows.append(
            f"| `{spec.name}` | {spec.type} | {'yes' if spec.required else 'no'} | "
            f"{constraints} | {spec.description} |"
        )
    return "\n".join(rows) + "\n"


def code_table() -> str:
    rows = ["| code | severity | problem | explanation |", "|---|---|---|---|"]
    for code in CODES:
        rows.append(f"| `{code.code}` | {code.severity} | {code.title} | {code.explanation} |")
    return "\n".join(rows) + "\n"


GENERATORS: dict[str, Callable[[], str]] = {
    "fields-fact": lambda: field_table(FIELDS_BY_KIND["fact"]),
    "fields-provenance": lambda: field_table(PROVENANCE_FIELDS),
    "fields-references": lambda: field_table(REFERENCE_FIELDS),
    "fields-source": lambda: field_table(FIELDS_BY_KIND["source"]),
    "fields-subject": lambda: field_table(FIELDS_BY_KIND["subject"]),
    "fields-kb": lambda: field_table(FIELDS_BY_KIND["kb"]),
    "fields-thesaurus": lambda: field_table(THESAURUS_FIELDS),
    "search-guide": lambda: _search_guide(),
    "validation-codes": code_table,
    "cli-reference": lambda: _command_reference(),
    "kb-coverage": lambda: _coverage(),
}


def _coverage() -> str:
    from tools.coverage import coverage_markdown  # loads the whole shipped KB: only when asked

    return coverage_markdown()


def _search_guide() -> str:
    from kb.cli.guides import search_guide  # what `kb help search` prints

    return f"```text\n{search_guide()}```\n"


def _command_reference() -> str:
    from tools.clidoc import command_reference  # imports the CLI: only when asked for

    return command_reference()


def generated_files() -> dict[Path, str]:
    """Files generated whole: the JSON Schema of each entry kind."""
    return {SCHEMA_DIR / schema_file_name(kind): schema_text(kind) for kind in SCHEMA_KINDS}


def refresh(text: str, generators: dict[str, Callable[[], str]] | None = None) -> str:
    table = generators or GENERATORS

    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        if name not in table:
            return match.group(0)
        return match.group(1) + table[name]() + match.group(3)

    return _BLOCK.sub(replace, text)


def _refreshed() -> dict[Path, str]:
    """Every generated file with the content it should have."""
    wanted = {path: refresh(path.read_text(encoding="utf-8")) for path in sorted(DOCS.glob("*.md"))}
    wanted.update(generated_files())
    return wanted


def _current(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def stale() -> list[Path]:
    """Generated files whose committed content is out of date."""
    return [path for path, text in _refreshed().items() if _current(path) != text]


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text)


def main() -> int:
    for path, text in _refreshed().items():
        if _current(path) != text:
            _write(path, text)
            sys.stderr.write(f"updated {path}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
