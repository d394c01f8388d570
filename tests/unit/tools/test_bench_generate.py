"""The benchmark generator must keep producing KBs that `kb validate --strict` accepts."""

from __future__ import annotations

import random
from pathlib import Path

from bench.generate import generate, make_subjects
from kb.entries.problems import ERROR
from kb.validate.validator import validate


def test_generated_kb_is_valid(tmp_path: Path) -> None:
    root = tmp_path / "synthetic"
    counts = generate(30, root, seed=3)

    result = validate(root)

    assert counts["facts"] == 30
    assert len(list((root / "facts").rglob("*.toml"))) == 30
    assert len(list((root / "facts").iterdir())) > 1  # spread over sub-folders
    assert result.quotes_checked  # snapshots were found, so every quote and sha256 was checked
    assert [p for p in result.problems if p.severity == ERROR] == []
    assert result.ok(strict=True), result.problems


def test_generation_is_deterministic(tmp_path: Path) -> None:
    generate(30, tmp_path / "a", seed=5)
    generate(30, tmp_path / "b", seed=5)

    def files(root: Path) -> dict[str, bytes]:
        return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}

    assert files(tmp_path / "a") == files(tmp_path / "b")


def test_every_subject_name_and_alias_names_one_subject_even_at_100k() -> None:
    """KB025 at scale: 100k facts have 2,500 subjects (a 30-fact KB is too small to collide)."""
    subjects = make_subjects(random.Random(7), 2500)
    names = [n for s in subjects for n in {n.casefold() for n in (s.id, s.name, *s.aliases)}]
    assert len(subjects) > 2000
    assert len(names) == len(set(names))
