"""JSON Schemas of the entry kinds, for editors (Taplo, Even Better TOML) and other clients.

Generated from the field declarations in kb.entries.schema, the same ones the validator
checks, so the two cannot drift apart. The committed copies live in docs/schema/ (refreshed by
`uv run python -m tools.docgen`; a test fails when they are stale); `kb schema KIND` prints one.

What a JSON Schema cannot check is left to `kb validate`: that `id` equals the file name,
references to other entries, duplicate ids, quotes against snapshots and, unless a KB's
vocabularies are included, the controlled vocabularies. TOML dates reach JSON Schema
validators as ISO strings (check-jsonschema and Taplo both convert them), so the schema cannot
tell the date `2024-05-01` from the string `"2024-05-01"`; the validator can (KB020).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from kb.core.errors import UsageError
from kb.entries.kinds import ENTRY_KINDS
from kb.entries.schema import CONTROL_PATTERN, DEFAULT_STATUS, FIELDS_BY_KIND, Field

if TYPE_CHECKING:
    from kb.entries.models import Settings

DIALECT = "https://json-schema.org/draft/2020-12/schema"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
SCHEMA_KINDS = (*ENTRY_KINDS, "kb")
_TITLES = {
    "fact": "kb fact entry (facts/**/<id>.toml)",
    "source": "kb source entry (sources/<id>.toml)",
    "subject": "kb subject entry (subjects/<id>.toml)",
    "kb": "kb settings (kb.toml)",
}


def _string(spec: Field, allowed: tuple[str, ...] | None) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "string"}
    if spec.min_length is not None:
        out["minLength"] = spec.min_length
    if spec.max_length is not None:
        out["maxLength"] = spec.max_length
    if spec.pattern:
        out["pattern"] = spec.pattern
    if allowed is not None:
        out["enum"] = list(allowed)
    out["not"] = {"pattern": CONTROL_PATTERN}
    return out


def _property(spec: Field, settings: Settings | None) -> dict[str, Any]:
    allowed = settings.vocabulary(spec.vocabulary) if settings and spec.vocabulary else None
    out: dict[str, Any] = {"description": spec.description}
    if spec.type == "date":
        out.update(type="string", format="date", pattern=DATE_PATTERN)
    elif spec.type == "string":
        out.update(_string(spec, allowed))
    elif spec.type == "string-array":
        out.update(type="array", items=_string(spec, allowed), uniqueItems=True)
    elif spec.type == "table-array":
        out.update(type="array", items={"$ref": f"#/$defs/{spec.name}"})
    else:  # pragma: no cover - a new type in kb.entries.schema must be mapped here
        raise ValueError(f"no JSON Schema mapping for field type {spec.type!r}")
    if spec.min_items:
        out["minItems"] = spec.min_items
    if spec.default is not None:
        out["default"] = _default(spec, settings)
    return out


def _default(spec: Field, settings: Settings | None) -> str | None:
    """A field's default; with a KB's settings, the one its vocabulary gives (the first
    status), so that the default is always one of the values its enum allows."""
    if settings is not None and spec.vocabulary == "statuses":
        return settings.default_status
    return spec.default


def _table(fields: tuple[Field, ...], settings: Settings | None) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {spec.name: _property(spec, settings) for spec in fields},
        "required": [spec.name for spec in fields if spec.required],
        "additionalProperties": False,
    }


def _fact_rules(default_status: str) -> dict[str, Any]:
    """The fact rules that span fields (KB022, KB023)."""
    together = {"attribute": ["value"], "value": ["attribute"]}
    return {
        "dependentRequired": together,
        # the same rule for draft-04/07 clients such as Taplo, which ignore dependentRequired
        "dependencies": together,
        "if": {
            "required": ["status"],
            "properties": {"status": {"not": {"const": default_status}}},
        },
        "then": {"required": ["note"]},
    }


def entry_schema(kind: str, settings: Settings | None = None) -> dict[str, Any]:
    """The JSON Schema of one entry kind; with settings, vocabularies become enums."""
    if kind not in SCHEMA_KINDS:
        raise ValueError(f"unknown entry kind {kind!r}")
    fields = FIELDS_BY_KIND[kind]
    schema: dict[str, Any] = {"$schema": DIALECT, "title": _TITLES[kind]}
    schema.update(_table(fields, settings))
    if kind == "fact":
        schema.update(_fact_rules(settings.default_status if settings else DEFAULT_STATUS))
    nested = {spec.name: _table(spec.item_fields, settings) for spec in fields if spec.item_fields}
    if nested:
        schema["$defs"] = nested
    return schema


def schema_for(kind: str, settings: Settings | None = None) -> str:
    """schema_text for a kind named by the user (an unknown kind is a usage error)."""
    if kind not in SCHEMA_KINDS:
        raise UsageError(f"unknown entry kind {kind!r}; choose from: {', '.join(SCHEMA_KINDS)}")
    return schema_text(kind, settings)


def schema_text(kind: str, settings: Settings | None = None) -> str:
    """The schema as committed in docs/schema/: indented JSON ending in a newline."""
    return json.dumps(entry_schema(kind, settings), indent=2, ensure_ascii=False) + "\n"


def schema_file_name(kind: str) -> str:
    return f"{kind}.schema.json"
