"""Reading only the entries a command needs: `kb show ID` in a 100k-fact KB should not read
3,000 sources and subjects and list 100,000 fact files to print one fact.

`find_entry` finds the file of one entry id without listing every path: the same file the
full walk (kb.entries.loading.discover) would give that id first. `Entries` is the mapping of a KB's
sources or subjects: looking one up by id reads only its file; iterating or counting reads
them all, once. Both rely on an entry's id being its file name (KB014): an entry whose id
differs from its file name is invalid and never loaded anyway.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Generic, TypeVar

from kb.entries.locate import inside

T = TypeVar("T")


def plausible_id(entry_id: str) -> bool:
    """Whether an entry with this id could exist: a file name, not hidden, not a path."""
    return bool(entry_id) and not entry_id.startswith(".") and not set(entry_id) & {"/", "\\", "\0"}


def find_entry(root: Path, folder: str, entry_id: str, recursive: bool) -> Path | None:
    """`root/folder/**/entry_id.toml` as kb.entries.loading.discover meets it first (names in sorted
    order at each level, folders entered where they sort, links out of the KB skipped), or
    None."""
    if not plausible_id(entry_id):
        return None
    return _find(str(root / folder), f"{entry_id}.toml", recursive, str(root))


def _find(directory: str, filename: str, recursive: bool, root: str) -> Path | None:
    folders: list[str] = []
    here = False
    try:
        with os.scandir(directory) as scan:
            for item in scan:
                name = item.name
                if name.startswith("."):
                    continue
                if item.is_dir(follow_symlinks=False):
                    folders.append(name)
                elif name == filename:
                    here = not item.is_symlink() or inside(root, item.path)
    except OSError:
        return None
    for name in sorted(folders) if recursive else []:
        if here and filename < name:
            break
        found = _find(os.path.join(directory, name), filename, recursive, root)
        if found is not None:
            return found
    return Path(directory, filename) if here else None


class Entries(Mapping[str, T], Generic[T]):
    """Sources or subjects by id, read on demand (see the module docstring)."""

    def __init__(
        self, load_one: Callable[[str], T | None], load_all: Callable[[], dict[str, T]]
    ) -> None:
        self._load_one, self._load_all = load_one, load_all
        self._all: dict[str, T] | None = None
        self._some: dict[str, T | None] = {}

    def __getitem__(self, entry_id: str) -> T:
        if self._all is not None:
            return self._all[entry_id]
        if entry_id not in self._some:
            self._some[entry_id] = self._load_one(entry_id)
        found = self._some[entry_id]
        if found is None:
            raise KeyError(entry_id)
        return found

    def everything(self) -> dict[str, T]:
        """Every entry, read now if not read yet."""
        if self._all is None:
            self._all = self._load_all()
        return self._all

    def __iter__(self) -> Iterator[str]:
        return iter(self.everything())

    def __len__(self) -> int:
        return len(self.everything())
