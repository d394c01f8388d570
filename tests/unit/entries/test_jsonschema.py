"""The JSON Schemas agree with the validator, as judged by an independent client:
check-jsonschema accepts every shipped entry and rejects every structural bad fixture."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kb.core.errors import UsageError
from kb.entries.jsonschema import SCHEMA_KINDS, entry_schema, schema_for, schema_text
from kb.entries.loading import read_settings
from kb.entries.schema import CONTROL_PATTERN, FIELDS_BY_KIND
from tests.conftest import MINI_KB, REPO, SHIPPED_KB

SCHEMA_DIR = REPO / "docs" / "schema"
BAD = REPO / "tests" / "fixtures" / "bad"
# The structural codes a JSON Schema can express, and the schema each fixture is checked with.
STRUCTURAL = {
    "KB010": "fact",
    "KB011": "fact",
    "KB012": "fact",
    "KB013": "fact",
    "KB016": "fact",
    "KB017": "fact",
    "KB018": "fact",
    "KB019": "source",
    "KB020": "source",
    "KB021": "fact",
    "KB022": "fact",
    "KB023": "fact",
    "KB024": "fact",
}


def check_jsonschema(kind: str, files: list[Path]) -> dict[str, list[str]]:
    """Run check-jsonschema on files; return the error messages per file that failed."""
    command = [
        sys.executable,
        "-m",
        "check_jsonschema",
        "--output-format",
        "json",
        "--schemafile",
        str(SCHEMA_DIR / f"{kind}.schema.json"),
        *map(str, files),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    report = json.loads(done.stdout)
    assert report.get("parse_errors", []) == [], report
    failed: dict[str, list[str]] = {}
    for error in report["errors"]:
        failed.setdefault(error["filename"], []).append(error["message"])
    assert (done.returncode == 0) == (not failed), done.stderr
    return failed


def shipped(kind: str) -> list[Path]:
    folder = {"fact": "facts", "source": "sources", "subject": "subjects"}[kind]
    pattern = "**/*.toml" if kind == "fact" else "*.toml"
    return sorted((SHIPPED_KB / folder).glob(pattern)) + sorted((MINI_KB / folder).glob(pattern))


@pytest.mark.parametrize("kind", ["fact", "source", "subject"])
def test_every_shipped_entry_passes_check_jsonschema(kind: str) -> None:
    files = shipped(kind)
    assert files
    assert check_jsonschema(kind, files) == {}


def test_kb_settings_pass_check_jsonschema() -> None:
    assert check_jsonschema("kb", [SHIPPED_KB / "kb.toml", MINI_KB / "kb.toml"]) == {}


@pytest.mark.parametrize("kind", sorted(set(STRUCTURAL.values())))
def test_every_structural_bad_fixture_fails_check_jsonschema(kind: str) -> None:
    fixtures = [BAD / f"{code}.toml" for code, k in STRUCTURAL.items() if k == kind]
    failed = check_jsonschema(kind, fixtures)
    assert sorted(failed) == sorted(str(f) for f in fixtures)


def test_toml_dates_arrive_as_iso_strings(tmp_path: Path) -> None:
    base = (MINI_KB / "sources" / "alpha-news.toml").read_text()
    variants = {
        "date.toml": base,
        "datetime.toml": base.replace("2024-05-01", "2024-05-01T10:00:00"),
        "impossible.toml": base.replace("2024-05-01", '"2024-02-31"'),
        "words.toml": base.replace("2024-05-01", '"May 2024"'),
    }
    for name, text in variants.items():
        (tmp_path / name).write_text(text)
    failed = check_jsonschema("source", [tmp_path / n for n in variants])
    assert sorted(Path(f).name for f in failed) == [
        "datetime.toml",
        "impossible.toml",
        "words.toml",
    ]


def test_control_characters_rejected_but_tab_and_newline_allowed(tmp_path: Path) -> None:
    base = (MINI_KB / "subjects" / "widgetol.toml").read_text()
    good = tmp_path / "good.toml"
    good.write_text(base.replace("A made-up drug", "A made-up\\tdrug\\nfor"))
    bidi = tmp_path / "bidi.toml"
    bidi.write_text(base.replace("A made-up drug", "A made-up \\u202e drug"))
    delete = tmp_path / "delete.toml"
    delete.write_text(base.replace("A made-up drug", "A made-up \\u007f drug"))
    failed = check_jsonschema("subject", [good, bidi, delete])
    assert sorted(Path(f).name for f in failed) == ["bidi.toml", "delete.toml"]


@pytest.mark.parametrize("kind", SCHEMA_KINDS)
def test_schema_mirrors_the_field_declarations(kind: str) -> None:
    schema = entry_schema(kind)
    fields = FIELDS_BY_KIND[kind]
    assert list(schema["properties"]) == [f.name for f in fields]
    assert schema["required"] == [f.name for f in fields if f.required]
    assert schema["additionalProperties"] is False
    for spec in fields:
        prop = schema["properties"][spec.name]
        assert prop["description"] == spec.description
        target = prop["items"] if spec.type == "string-array" else prop
        if spec.type in ("string", "string-array"):
            assert target["not"] == {"pattern": CONTROL_PATTERN}
            assert target.get("maxLength") == spec.max_length
            assert target.get("pattern") == spec.pattern
        if spec.type == "string-array":
            assert prop["uniqueItems"] is True


def test_fact_schema_rules_and_provenance_items() -> None:
    schema = entry_schema("fact")
    assert schema["dependentRequired"] == {"attribute": ["value"], "value": ["attribute"]}
    assert schema["then"] == {"required": ["note"]}
    assert schema["properties"]["provenance"]["items"] == {"$ref": "#/$defs/provenance"}
    provenance = schema["$defs"]["provenance"]
    assert provenance["required"] == ["source", "quote"]
    assert provenance["properties"]["quote"]["minLength"] == 10
    assert schema["properties"]["provenance"]["minItems"] == 1


def test_control_pattern_is_portable_json() -> None:
    text = schema_text("fact")
    assert re.search(r"[\x00-\x08\x0b-\x1f\x7f]", text) is None  # only escapes in the file
    assert "\\\\u001f" in text


def test_vocabularies_become_enums() -> None:
    settings = read_settings(MINI_KB)
    fact = entry_schema("fact", settings)
    assert fact["properties"]["topics"]["items"]["enum"] == list(settings.topics)
    assert fact["properties"]["status"]["enum"] == list(settings.statuses)
    source = entry_schema("source", settings)
    assert source["properties"]["reliability"]["enum"] == list(settings.reliability_levels)
    assert "enum" not in entry_schema("fact")["properties"]["topics"]["items"]


def test_unknown_kind_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="choose from: fact, source, subject, kb"):
        schema_for("facts")
