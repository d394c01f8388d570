from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from kb.cli import completion
from kb.cli.completion import (
    complete_fact_ids,
    complete_source_ids,
    complete_subject_ids,
    complete_subject_or_fact_ids,
    entry_ids,
)


def ctx(kb: Path | None = None) -> Any:
    return SimpleNamespace(params={"kb_path": kb})


def test_fact_ids_come_from_file_names(mini_kb: Path) -> None:
    assert complete_fact_ids(ctx(mini_kb), "widgetol-first") == [
        "widgetol-first-made-1970",
        "widgetol-first-made-1972",
    ]
    assert len(complete_fact_ids(ctx(mini_kb), "")) == 5
    assert complete_fact_ids(ctx(mini_kb), "zzz") == []


def test_no_toml_is_parsed(mini_kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = mini_kb / "facts" / "core" / "broken-entry.toml"
    broken.write_text("this is [not toml")
    import tomllib

    def refuse(*args: object) -> None:
        raise AssertionError("completion parsed TOML")

    monkeypatch.setattr(tomllib, "loads", refuse)
    monkeypatch.setattr(tomllib, "load", refuse)
    assert "broken-entry" in complete_fact_ids(ctx(mini_kb), "b")


def test_subject_source_and_mixed(mini_kb: Path) -> None:
    assert complete_subject_ids(ctx(mini_kb), "") == ["gadgetine", "widgetol"]
    assert complete_source_ids(ctx(mini_kb), "b") == ["beta-blog"]
    assert complete_subject_or_fact_ids(ctx(mini_kb), "gadget") == [
        "gadgetine",
        "gadgetine-stronger",
    ]


def test_kb_from_environment_and_no_kb_at_all(
    mini_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KB_DIR", str(mini_kb))
    assert complete_subject_ids(ctx(None), "w") == ["widgetol"]
    assert complete_subject_ids(ctx(tmp_path / "nowhere"), "w") == []
    monkeypatch.setattr(completion, "_root", lambda ctx: None)
    assert complete_fact_ids(ctx(mini_kb), "") == []


def test_entry_ids_sorted_and_unique(mini_kb: Path) -> None:
    (mini_kb / "facts" / "other").mkdir()
    (mini_kb / "facts" / "other" / "widgetol-schedule-iv.toml").write_text("")
    ids = entry_ids(mini_kb, "fact")
    assert ids == sorted(set(ids))
    assert ids.count("widgetol-schedule-iv") == 1
