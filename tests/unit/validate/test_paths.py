"""`kb validate FILE...` reports exactly the problems a whole-KB run reports for those files.

The per-file mode skips parsing the files it does not report on (that is what makes it fast in
a big KB), so check it against the whole-KB run on KBs with every kind of problem in them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kb.entries.loading import display_path
from kb.validate.validator import validate
from tests.unit.validate.test_fixtures import FIXTURES, place

MINI_KB = Path(__file__).resolve().parents[2] / "fixtures" / "mini-kb"
# The cross-file codes, and two single-file ones for contrast.
CHECKED = ("KB003", "KB014", "KB015", "KB030", "KB031", "KB032", "KB040", "KB041", "KB050")
CASES = [f for f in FIXTURES if f.stem in (*CHECKED, "KB051", "KB052")]


def _entry_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.toml") if not p.name.startswith("."))


def _assert_per_file_matches_whole(root: Path) -> None:
    whole = validate(root).problems
    for path in _entry_files(root):
        shown = display_path(path)
        expected = [p for p in whole if p.path == shown or p.code == "KB043"]
        assert validate(root, [path]).problems == expected, path


@pytest.mark.parametrize("fixture", CASES, ids=lambda f: f.stem)
def test_one_file_report_is_its_part_of_the_whole(fixture: Path, tmp_path: Path) -> None:
    root = tmp_path / "kb"
    shutil.copytree(MINI_KB, root)
    place(fixture, root)
    _assert_per_file_matches_whole(root)


def test_duplicate_ids_in_other_folders(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    shutil.copytree(MINI_KB, root)
    fact = _entry_files(root / "facts")[0]
    for folder in ("aaa", "zzz"):
        (root / "facts" / folder).mkdir()
        shutil.copy(fact, root / "facts" / folder / fact.name)

    _assert_per_file_matches_whole(root)
    assert sum(p.code == "KB015" for p in validate(root).problems) == 2


def test_files_are_listed_in_the_order_of_their_path_parts(tmp_path: Path) -> None:
    """The walk lists each folder sorted and goes depth first instead of sorting every path:
    the order (which decides which of two duplicates is reported) must be the same."""
    from kb.entries.walk import walk

    root = tmp_path / "kb"
    names = ["a/x", "a/b/y", "a.toml/z", "a-b/w", "A/v", "\u00e4/u", "b/a/t", "a/a.toml/s"]
    for name in names:
        (root / "facts" / f"{name}.toml").parent.mkdir(parents=True, exist_ok=True)
        (root / "facts" / f"{name}.toml").write_text("")
    (root / "facts" / "a.toml.toml").write_text("")
    (root / "kb.toml").write_text("")
    listed = [found.relpath.split("/") for found in walk(root, strays=True)]
    assert listed[0] == ["kb.toml"]
    assert listed[1:] == sorted(listed[1:])
    assert len(listed) == len(names) + 2  # kb.toml, a.toml.toml (folders named *.toml are folders)
