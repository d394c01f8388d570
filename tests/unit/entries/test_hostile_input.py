"""Hostile entries and settings: clear problems with file and position, never a traceback,
and nothing read from outside the places the KB names."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from kb.entries.loading import display_path, load, read_entry
from kb.entries.selection import lookup_facts
from kb.entries.snapshots import SnapshotStore
from kb.index.damage import unusable
from kb.validate.validator import validate

FACT = """statement = "Widgetol can harm the bladder over time."
subject = "widgetol"
topics = ["risks"]

[[provenance]]
source = "alpha-news"
quote = "Long-term use of widgetol can damage the bladder."
"""


def _only(problems: list, code: str) -> list[str]:
    return [p.message for p in problems if p.code == code]


def test_snapshot_name_cannot_climb_out_and_back_in(tmp_path: Path) -> None:
    snapshots = tmp_path / "snapshots"
    snapshots.mkdir()
    (snapshots / "secret.txt").write_text("private")
    store = SnapshotStore(snapshots)
    assert store.raw("secret.txt") == b"private"
    for name in ("../snapshots/secret.txt", "./secret.txt", "", ".", ".."):
        assert store.raw(name) is None, name
        assert store.sha256(name) is None, name


def test_validate_does_not_hash_a_file_reached_through_dot_dot(mini_kb: Path) -> None:
    source = mini_kb / "sources" / "alpha-news.toml"
    text = source.read_text().replace(
        'snapshot = "alpha.txt"', 'snapshot = "../snapshots/alpha.txt"'
    )
    source.write_text(text)
    problems = validate(mini_kb).problems
    real = hashlib.sha256((mini_kb / "snapshots" / "alpha.txt").read_bytes()).hexdigest()
    assert not any(real in p.message for p in problems)
    assert any(p.code == "KB042" and "alpha-news" in p.path for p in problems)


def test_bom_and_nul_are_named(mini_kb: Path) -> None:
    folder = mini_kb / "facts" / "core"
    (folder / "has-bom.toml").write_bytes(b'\xef\xbb\xbfid = "has-bom"\n' + FACT.encode())
    (folder / "has-nul.toml").write_bytes(b'id = "has-nul"\nnote = "a\x00b"\n' + FACT.encode())
    bom = read_entry(folder / "has-bom.toml", "fact").problems
    nul = read_entry(folder / "has-nul.toml", "fact").problems
    assert "byte order mark" in bom[0].message and (bom[0].line, bom[0].column) == (1, 1)
    assert "NUL byte" in nul[0].message and (nul[0].line, nul[0].column) == (2, 10)


def test_duplicate_key_is_explained(mini_kb: Path) -> None:
    path = mini_kb / "facts" / "core" / "twice.toml"
    path.write_text('id = "twice"\nid = "twice"\n' + FACT)
    found = read_entry(path, "fact").problems
    assert "given twice" in found[0].message and found[0].line == 2


def test_non_string_status_is_a_type_error_only(mini_kb: Path) -> None:
    path = mini_kb / "facts" / "core" / "odd-status.toml"
    path.write_text('id = "odd-status"\nstatus = 1979-05-27\n' + FACT)
    problems = read_entry(path, "fact").problems
    assert [p.code for p in problems] == ["KB012"]
    assert "datetime" not in problems[0].message


def test_symlinked_entry_is_named_by_its_own_path(
    mini_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the target is below the working directory
    target = tmp_path / "elsewhere"
    target.mkdir()
    link = mini_kb / "facts" / "core" / "linked.toml"
    link.symlink_to(target)
    assert display_path(link).endswith("linked.toml")
    assert "linked" not in load(mini_kb).fact_paths  # a link out of the KB is never read
    problems = validate(mini_kb).problems
    assert any(p.path.endswith("linked.toml") and p.code == "KB005" for p in problems)


def test_invalid_fact_is_not_suggested_as_its_own_correction(mini_kb: Path) -> None:
    (mini_kb / "facts" / "core" / "broken-fact.toml").write_text('id = "broken-fact"\n')
    found = lookup_facts(load(mini_kb), ["broken-fact", "widgetol-schedule-v"])
    assert found.unknown == ("broken-fact", "widgetol-schedule-v")
    assert "broken-fact" not in found.suggestions["broken-fact"]
    assert "widgetol-schedule-iv" in found.suggestions["widgetol-schedule-v"]


def test_many_or_huge_unknown_ids_are_cheap(mini_kb: Path) -> None:
    ids = ["x" * 100_000] + [f"widgetol-schedule-{n}" for n in range(1000)]
    found = lookup_facts(load(mini_kb), ids)
    assert len(found.unknown) == 1001
    assert found.suggestions.get("x" * 100_000) == []
    assert len(found.suggestions) <= 20


def test_unusable_index_names_the_os_error_plainly() -> None:
    error = unusable(FileNotFoundError(2, "No such file or directory", "/proc/x"))
    assert error.message == "the search index cannot be used: No such file or directory: /proc/x"


def test_symlinks_out_of_the_kb_are_never_loaded_or_indexed(mini_kb: Path, tmp_path: Path) -> None:
    from kb.entries.loading import load
    from kb.index.scan import scan

    outside = tmp_path / "outside.toml"
    outside.write_text(
        (mini_kb / "facts" / "core" / "widgetol-schedule-iv.toml")
        .read_text()
        .replace("widgetol-schedule-iv", "outside")
    )
    (mini_kb / "facts" / "core" / "outside.toml").symlink_to(outside)
    inner = mini_kb / "facts" / "core" / "inner-link.toml"
    inner.symlink_to(mini_kb / "facts" / "core" / "widgetol-bladder-damage.toml")
    kb = load(mini_kb)
    assert "outside" not in kb.fact_paths
    assert "inner-link" in kb.fact_paths  # a link within the KB is an ordinary entry
    assert "facts/core/outside.toml" not in scan(mini_kb)
    assert "facts/core/inner-link.toml" in scan(mini_kb)
