"""Generated parts of the docs, from the same declarations the validator uses.

Markdown files carry blocks between `<!-- BEGIN GENERATED: name -->` and
`<!-- END GENERATED: name -->`; `refresh()` rewrites them and a test fails when a committed file
differs from its refreshed self. Run `uv run python -m kb.docgen` to update docs/.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

from kb.problems import CODES
from kb.schema import FIELDS_BY_KIND, PROVENANCE_FIELDS, Field

DOCS = Path(__file__).resolve().parent.parent / "docs"
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
    "fields-source": lambda: field_table(FIELDS_BY_KIND["source"]),
    "fields-subject": lambda: field_table(FIELDS_BY_KIND["subject"]),
    "fields-kb": lambda: field_table(FIELDS_BY_KIND["kb"]),
    "validation-codes": code_table,
}


def refresh(text: str, generators: dict[str, Callable[[], str]] | None = None) -> str:
    table = generators or GENERATORS

    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        if name not in table:
            return match.group(0)
        return match.group(1) + table[name]() + match.group(3)

    return _BLOCK.sub(replace, text)


def main() -> int:
    changed = 0
    for path in sorted(DOCS.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        new = refresh(text)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed += 1
            sys.stderr.write(f"updated {path}\n")
    return 0 if changed >= 0 else 1


if __name__ == "__main__":
    sys.exit(main())
