"""Big KBs have their facts checked by worker processes: the report must be exactly the
in-process one, whatever the rule, and also when the workers cannot be used."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import pytest

from kb.validate import pool as readpool
from kb.validate.pool import CheckedFacts
from kb.validate.validator import validate
from tests.unit.validate.test_fixtures import FIXTURES, place

SKIPPED = ("KB004", "KB043")  # they remove kb.toml or the snapshots: nothing left to compare


def _spoil(kb: Path) -> None:
    """Every bad fixture at once, plus a statement that copies its quote."""
    for fixture in FIXTURES:
        if fixture.stem not in SKIPPED:
            place(fixture, kb)
    copy = kb / "facts" / "core" / "widgetol-bladder-damage.toml"
    copy.write_text(
        copy.read_text().replace(
            "Using widgetol for a long time can harm the bladder.",
            "Long-term use of widgetol can damage the bladder.",
        )
    )


def _in_workers(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Use worker processes even for a tiny KB, two facts per task; count the merges."""
    monkeypatch.setattr(readpool, "PARALLEL_MIN", 1)
    monkeypatch.setattr(readpool, "CHUNK", 2)
    merges: list[int] = []
    real = readpool._merged

    def counted(parts: Iterable[CheckedFacts]) -> CheckedFacts:
        merges.append(1)
        return real(parts)

    monkeypatch.setattr(readpool, "_merged", counted)
    return merges


def test_parallel_checking_gives_the_same_report(
    mini_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(mini_kb)
    _spoil(mini_kb)
    serial = validate(mini_kb)
    merges = _in_workers(monkeypatch)
    parallel = validate(mini_kb)
    assert merges
    assert parallel.problems == serial.problems
    assert parallel.summary() == serial.summary()
    codes = {p.code for p in parallel.problems}
    assert {"KB010", "KB015", "KB030", "KB031", "KB032", "KB033", "KB040", "KB050"} <= codes
    assert {"KB041", "KB042", "KB051", "KB052"} <= codes


def _die(marker: Path) -> None:
    marker.touch()
    os._exit(3)


def test_broken_workers_fall_back_to_checking_here(
    mini_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _spoil(mini_kb)
    serial = validate(mini_kb)
    _in_workers(monkeypatch)
    marker = tmp_path / "a worker started"
    monkeypatch.setattr(readpool, "_start", lambda context, parent: _die(marker))
    fallback = validate(mini_kb)
    assert marker.exists()
    assert fallback.problems == serial.problems
    assert fallback.summary() == serial.summary()


def test_one_file_in_a_big_kb_matches_its_part_of_the_whole(
    mini_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(mini_kb)
    _spoil(mini_kb)
    _in_workers(monkeypatch)
    whole = validate(mini_kb).problems
    for path in sorted((mini_kb / "facts").rglob("*.toml")):
        shown = str(path.relative_to(mini_kb))
        expected = [p for p in whole if p.path == shown]
        assert validate(mini_kb, [path]).problems == expected, shown
