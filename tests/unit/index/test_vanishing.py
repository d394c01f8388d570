"""An entry file that vanishes between the walk of the KB and its reading (deleted while the
index is updated or built) counts as removed, never as an invalid entry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import kb.entries.loading
from kb.index.store import Store
from kb.search.api import search


def vanishing_on_read(monkeypatch: pytest.MonkeyPatch, victims: set[str]) -> None:
    """Each file named in `victims` is deleted just before kb reads it."""
    real = kb.entries.loading.read_entry

    def read_entry(path: Path, kind: str) -> Any:
        if path.name in victims:
            victims.discard(path.name)
            path.unlink()
        return real(path, kind)

    monkeypatch.setattr(kb.entries.loading, "read_entry", read_entry)


@pytest.mark.parametrize("first_build", [True, False], ids=["build", "update"])
def test_a_file_deleted_while_indexed_is_removed_not_invalid(
    first_build: bool, mini_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not first_build:
        search(mini_kb, "widgetol")
        for name in ("widgetol-bladder-damage.toml", "gadgetine-stronger.toml"):
            path = mini_kb / "facts" / "core" / name
            path.write_text(path.read_text().replace("than", "than ever").replace("harm", "hurt"))
        subject = mini_kb / "subjects" / "gadgetine.toml"
        subject.write_text(subject.read_text().replace('name = "', 'name = "New ', 1))
    victims = {"widgetol-bladder-damage.toml", "gadgetine.toml"}
    vanishing_on_read(monkeypatch, victims)
    notices: list[str] = []
    result = search(mini_kb, "widgetol OR gadgetine", limit=None, notify=notices.append)
    assert not victims, "the files were never read: the test proves nothing"
    assert result.problems == [], result.problems
    assert "widgetol-bladder-damage" not in [hit.id for hit in result.hits]
    assert notices == []
    again = search(mini_kb, "widgetol OR gadgetine", limit=None)
    assert again.problems == []
    assert [h.id for h in again.hits] == [h.id for h in result.hits]
    manifest = Store(mini_kb).read_manifest(Store(mini_kb).generation()[0] or "")
    assert manifest.problems == {}
