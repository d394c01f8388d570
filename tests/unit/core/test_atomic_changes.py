"""kb.core.atomic.apply_changes: several files changed all or nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kb.core import atomic
from kb.core.atomic import apply_changes


def files(folder: Path) -> dict[str, str]:
    """Every file below folder (hidden ones too) and its text."""
    return {
        str(p.relative_to(folder)): p.read_text() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "a.toml").write_text("a old\n")
    (tmp_path / "b.toml").write_text("b old\n")
    (tmp_path / "gone.toml").write_text("to remove\n")
    return tmp_path


def test_writes_replaces_creates_and_removes(folder: Path) -> None:
    apply_changes(
        [
            (folder / "a.toml", "a new\n"),
            (folder / "sub" / "c.toml", b"c new\n"),
            (folder / "gone.toml", None),
        ]
    )
    assert files(folder) == {"a.toml": "a new\n", "b.toml": "b old\n", "sub/c.toml": "c new\n"}


@pytest.mark.parametrize("failing_step", [1, 2, 3])
def test_a_failure_in_the_middle_puts_every_file_back(
    folder: Path, monkeypatch: pytest.MonkeyPatch, failing_step: int
) -> None:
    before = files(folder)
    calls = {"n": 0}
    real_replace, real_unlink, real_link = os.replace, os.unlink, os.link

    def counted(real, target_at: int):  # type: ignore[no-untyped-def]
        def step(*args, **kwargs):  # type: ignore[no-untyped-def]
            # the renames, links and removals of the apply phase (backups are links too, but
            # made before it: count only links onto a target and removals of a target)
            target = Path(args[target_at])
            if not target.name.startswith("."):
                calls["n"] += 1
                if calls["n"] == failing_step:
                    raise OSError(28, "No space left on device", str(target))
            return real(*args, **kwargs)

        return step

    monkeypatch.setattr(atomic.os, "replace", counted(real_replace, 1))
    monkeypatch.setattr(atomic.os, "unlink", counted(real_unlink, 0))
    monkeypatch.setattr(atomic.os, "link", counted(real_link, 1))
    with pytest.raises(OSError, match="No space"):
        apply_changes(
            [
                (folder / "a.toml", "a new\n"),
                (folder / "new.toml", "brand new\n"),
                (folder / "gone.toml", None),
                (folder / "b.toml", "b new\n"),
            ]
        )
    monkeypatch.undo()
    assert files(folder) == before  # no temporary or backup file left either


def test_a_failure_while_preparing_changes_nothing(folder: Path) -> None:
    before = files(folder)
    with pytest.raises(FileNotFoundError):
        apply_changes([(folder / "a.toml", "a new\n"), (folder / "missing.toml", None)])
    assert files(folder) == before


def test_a_new_file_never_replaces_one_that_appeared_meanwhile(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_prepare = atomic._Step.prepare

    def prepare_then_race(step: atomic._Step) -> None:
        real_prepare(step)
        if step.path.name == "race.toml":
            step.path.write_text("someone else's\n")

    monkeypatch.setattr(atomic._Step, "prepare", prepare_then_race)
    with pytest.raises(FileExistsError):
        apply_changes([(folder / "a.toml", "a new\n"), (folder / "race.toml", "mine\n")])
    assert (folder / "race.toml").read_text() == "someone else's\n"
    assert (folder / "a.toml").read_text() == "a old\n"
