"""The models, their plain views and the index's records all follow the schema."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from typer.testing import CliRunner

from kb.cli.app import app
from kb.entries.models import MODEL_FIELDS
from kb.entries.schema import FACT_FIELDS


def test_every_model_has_exactly_its_schema_fields() -> None:
    for model, fields in MODEL_FIELDS.items():
        declared = {f.name for f in dataclasses.fields(model)} - {"path"}
        assert declared == {spec.name for spec in fields}, model.__name__


def test_show_list_and_search_json_carry_every_schema_field(tmp_path: Path) -> None:
    runner = CliRunner()
    wanted = [spec.name for spec in FACT_FIELDS]
    fact = "ketamine-schedule-iii"
    outputs = {
        "show": runner.invoke(app, ["show", fact, "-f", "json"]).stdout,
        "list": runner.invoke(app, ["list", "--subject", "ketamine", "-f", "json"]).stdout,
        "search": runner.invoke(
            app, ["search", "schedule", "-f", "json", "--index-dir", str(tmp_path / "ix")]
        ).stdout,
    }
    for command, text in outputs.items():
        data = json.loads(text)
        first = (data["hits"] if command == "search" else data)[0]
        keys = [key for key in first if key in wanted]
        assert keys == wanted, command  # all of them, in schema order
