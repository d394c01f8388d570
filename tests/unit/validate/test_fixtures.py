"""Data-driven: every file in tests/fixtures/bad/ is placed into a copy of the mini KB and must
produce the validation code it is named after, at its own path, with a line number."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kb.entries.problems import CODE_INDEX
from kb.validate.validator import validate

BAD = Path(__file__).resolve().parents[2] / "fixtures" / "bad"
FIXTURES = sorted(BAD.glob("KB*.toml"))


def _directives(raw: bytes) -> dict[str, str]:
    found = re.findall(rb"^# ([a-z-]+): (.+)$", raw, flags=re.M)
    return {k.decode(): v.decode().strip() for k, v in found}


def place(fixture: Path, kb: Path) -> Path:
    raw = fixture.read_bytes()
    directives = _directives(raw)
    if "pad-to" in directives:
        raw += b"# padding\n" * (int(directives["pad-to"]) // 10)
    if directives.get("remove") == "kb.toml":
        (kb / "kb.toml").unlink()
    if directives.get("snapshots") == "none":
        settings = kb / "kb.toml"
        settings.write_text(settings.read_text().replace('snapshots = "snapshots"\n', ""))
    target = kb / directives["as"]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(raw)
    return target


def test_every_code_has_a_fixture() -> None:
    assert {f.stem for f in FIXTURES} == set(CODE_INDEX)


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_fixture_produces_its_code(
    fixture: Path, mini_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(mini_kb)
    target = place(fixture, mini_kb)
    result = validate(mini_kb)
    code = fixture.stem
    matching = [p for p in result.problems if p.code == code]
    assert matching, f"{code} not reported; got {[str(p) for p in result.problems]}"
    expected_path = "kb.toml" if code in ("KB004", "KB043") else str(target.relative_to(mini_kb))
    assert any(p.path == expected_path for p in matching), [str(p) for p in matching]
    assert all(p.line >= 1 and p.column >= 1 for p in matching)
    assert not result.ok(strict=True)


def test_clean_mini_kb_is_valid(mini_kb: Path) -> None:
    result = validate(mini_kb)
    assert result.problems == []
    assert result.ok(strict=True)
    assert result.quotes_checked


def test_key_positions_point_at_offending_key(
    mini_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(mini_kb)
    place(BAD / "KB010.toml", mini_kb)
    place(BAD / "KB017.toml", mini_kb)
    problems = {p.code: p for p in validate(mini_kb).problems}
    assert (problems["KB010"].line, problems["KB010"].column) == (4, 1)  # tagz =
    assert problems["KB017"].line == 9  # quote = "bladder" inside [[provenance]]


def test_only_given_paths_are_reported_but_cross_file_rules_apply(
    mini_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(mini_kb)
    bad = place(BAD / "KB030.toml", mini_kb)
    other = place(BAD / "KB010.toml", mini_kb)
    result = validate(mini_kb, [bad])
    assert {p.code for p in result.problems} == {"KB030"}
    assert other.exists()


def test_typographic_quotes_and_whitespace_are_normalised(mini_kb: Path) -> None:
    fact = mini_kb / "facts" / "core" / "widgetol-schedule-iv.toml"
    # the snapshot has curly quotes around “Schedule IV”; the entry uses straight ones
    assert '\\"Schedule IV\\"' in fact.read_text()
    fact.write_text(fact.read_text().replace("in the country", "in   the\\ncountry"))
    assert validate(mini_kb).ok(strict=True)
