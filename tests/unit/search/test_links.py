"""Backlinks from the search index agree with those read from the files, and stay fresh."""

from __future__ import annotations

from pathlib import Path

from kb.entries.loading import load
from kb.entries.selection import backlinks, link_views
from kb.search.api import index
from kb.search.links import backlinks as indexed

LINKER = (
    'id = "widgetol-doubt"\nstatement = "A blog doubts it."\nsubject = "widgetol"\n'
    'topics = ["regulation"]\nrelated = ["widgetol-schedule-iv", "widgetol-first-made-1970"]\n\n'
    '[[provenance]]\nsource = "beta-blog"\nquote = "Widgetol was first made in 1972"\n'
)
IDS = ["widgetol-schedule-iv", "widgetol-first-made-1970", "gadgetine-stronger"]


def from_files(root: Path) -> dict[str, list[dict[str, str]]]:
    return {i: link_views(found) for i, found in backlinks(load(root, on_demand=True), IDS).items()}


def test_no_index_no_answer(mini_kb: Path, tmp_path: Path) -> None:
    assert indexed(mini_kb, IDS, str(tmp_path / "ix")) is None  # and none is built:
    assert not (tmp_path / "ix").exists()


def test_the_index_agrees_with_the_files_and_follows_edits(mini_kb: Path, tmp_path: Path) -> None:
    where = str(tmp_path / "ix")
    index(mini_kb, index_dir=where)
    assert indexed(mini_kb, IDS, where) == from_files(mini_kb)
    (mini_kb / "facts" / "core" / "widgetol-doubt.toml").write_text(LINKER)
    found = indexed(mini_kb, IDS, where)
    assert found == from_files(mini_kb)
    assert found is not None
    assert [link["id"] for link in found["widgetol-schedule-iv"]] == ["widgetol-doubt"]
    assert [link["id"] for link in found["widgetol-first-made-1970"]] == [
        "widgetol-doubt",
        "widgetol-first-made-1972",
    ]
    assert found["gadgetine-stronger"] == []
