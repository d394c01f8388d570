"""Big KBs are parsed by worker processes: the report must be exactly the in-process one."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb import validation
from kb.validation import validate


def test_parallel_parsing_gives_the_same_report(
    mini_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = mini_kb / "facts" / "core" / "broken.toml"
    bad.write_text('id = "broken"\nstatment = "x"\n')
    copy = mini_kb / "facts" / "core" / "widgetol-bladder-damage.toml"
    copy.write_text(
        copy.read_text().replace(
            "Using widgetol for a long time can harm the bladder.",
            "Long-term use of widgetol can damage the bladder.",
        )
    )
    serial = validate(mini_kb)
    monkeypatch.setattr(validation, "PARALLEL_MIN", 1)
    calls: list[int] = []
    real = validation.parse_in_parallel
    monkeypatch.setattr(
        validation, "parse_in_parallel", lambda pairs: calls.append(len(pairs)) or real(pairs)
    )
    parallel = validate(mini_kb)
    assert calls and calls[0] >= 6
    assert parallel.problems == serial.problems
    assert parallel.summary() == serial.summary()
    assert {"KB010", "KB050"} <= {p.code for p in parallel.problems}
