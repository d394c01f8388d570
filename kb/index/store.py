"""Where the search index lives on disk, and the files kb keeps next to it.

Layout of an index directory (`--index-dir` / `$KB_INDEX_DIR`, else
`<user cache directory>/kb/index/<hash of the KB path>`):

    kb-index.json     marker: our format version, the KB path, the live generation
    write.lock        writer lock (an OS file lock; readers never take it)
    ix-<16 hex>/      the live generation: a Whoosh index plus
        manifest.marshal        what it was built from (`Manifest`), without the file listing
        files-<16 hex>.marshal  the listing: every entry file's size and mtime (7 MB at 100k)
        watch.json              the watchman clock it is up to date with (`WatchState`)
    .tmp-<16 hex>/    a full rebuild in progress (renamed to ix-... when complete)

A directory is only opened when its marker says kb wrote it; a Whoosh table of contents is a
pickle, so an index from anywhere else is never read. The manifest records what the index was
built from (see `Manifest`) and the size and mtime of every Whoosh file, so that a truncated,
garbled or deleted index file is noticed before it is read. The file listing is a file of its
own, read only when the KB is walked or an update needs it: a search that watchman says nothing
changed for reads the small manifest only. A new listing gets a new name, written before the
manifest that names it, so that the two always agree on disk.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import marshal
import os
import re
from collections.abc import Callable, Collection, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kb.core.errors import IndexUnavailableError
from kb.entries.filters import Catalog
from kb.index.damage import IndexDamaged
from kb.index.fields import FORMAT
from kb.index.scan import Listing, Stat, compact

if TYPE_CHECKING:
    from kb.index.lock import Locked

MARKER = "kb-index.json"
LOCK = "write.lock"
MANIFEST = "manifest.marshal"
WATCH_STATE = "watch.json"
LAYOUT = 3  # of the manifest: 2 = the file listing in a file of its own; 3 = status_display
# Names of kb's files and folders. The two a search checks are plain string tests (compiling
# a regular expression costs more than a search of a small KB spends on them); the others are
# compiled when a directory is cleaned or checked.
_HEX = frozenset("0123456789abcdef")
_OURS = r"^(kb-index\.json|write\.lock|(ix|\.tmp)-[0-9a-f]{16}|\.kb-index\.json\.\w+\.tmp)$"
_BUILDS = r"^((ix|\.tmp)-[0-9a-f]{16}|\.kb-index\.json\.\w+\.tmp)$"


def _hex16(text: str) -> bool:
    return len(text) == 16 and _HEX.issuperset(text)


def is_listing(name: str) -> bool:
    """files-<16 hex digits>.marshal: a file listing (kb.index.scan.Listing)."""
    return name.startswith("files-") and name.endswith(".marshal") and _hex16(name[6:-8])


def is_generation(name: str) -> bool:
    """ix-<16 hex digits>: a generation's folder."""
    return name.startswith("ix-") and _hex16(name[3:])


def index_dir(
    root: Path, explicit: str | os.PathLike[str] | None = None, cache_home: Path | None = None
) -> tuple[Path, bool]:
    """The index directory for a KB, and whether the user chose it: `explicit`, else
    `<cache_home>/kb/index/<hash of the KB's path>` (cache_home: the CLI passes the platform's
    user cache directory; default ~/.cache)."""
    if explicit is not None:
        return Path(explicit).expanduser().absolute(), True
    base = cache_home if cache_home is not None else Path.home() / ".cache"
    key = hashlib.sha256(str(root.resolve()).encode("utf-8", "surrogateescape")).hexdigest()
    return base / "kb" / "index" / key[:16], False


class Manifest:
    """What a generation of the index was built from. (A plain class, not a dataclass: it is
    read by every search, and `dataclasses` costs ~7 ms to import.)

    The file listing (`files`) is saved in a file of its own and read only when asked for:
    assign a new dict to `files` to change it (it is not watched for changes in place)."""

    # Saved as they are in manifest.marshal; `files` goes to the listing file, compact
    # (kb.index.scan.Listing).
    FIELDS = (
        "racy", "index_files", "subjects", "sources", "topics", "statuses", "problems", "facts",
        "reliability_levels",
        "thesaurus", "status_display",
    )  # fmt: skip

    def __init__(
        self,
        files: dict[str, Stat] | None = None,
        racy: dict[str, int] | None = None,
        index_files: dict[str, Stat] | None = None,
        subjects: dict[str, dict[str, Any]] | None = None,
        sources: dict[str, dict[str, Any]] | None = None,
        topics: list[str] | None = None,
        statuses: list[str] | None = None,
        problems: dict[str, str] | None = None,
        facts: int = 0,
        reliability_levels: list[str] | None = None,
        thesaurus: list[list[list[str]]] | None = None,
        status_display: dict[str, str] | None = None,
    ) -> None:
        self._files: dict[str, Stat] | None = files if files is not None else {}
        self._listing: Listing | None = None  # the same, compact: as read from disk
        self._read_listing: Callable[[], Listing] | None = None  # reads it, when not read yet
        self.listing_name: str | None = None  # the listing file on disk, while files is unchanged
        self.stamp: tuple[int, int, int] | None = None  # manifest.marshal as read: ino, size, mtime
        self.racy = racy if racy is not None else {}  # too recent to trust mtime: crc32
        self.index_files = index_files if index_files is not None else {}  # the Whoosh files
        self.subjects = subjects if subjects is not None else {}  # id -> name, aliases
        self.sources = sources if sources is not None else {}  # id -> title, publisher, ...
        self.topics = topics if topics is not None else []
        self.statuses = statuses if statuses is not None else []
        self.problems = problems if problems is not None else {}  # skipped entry -> why
        self.facts = facts
        self.reliability_levels = reliability_levels if reliability_levels is not None else []
        # kb.toml's thesaurus, ready for queries (kb.index.fields.thesaurus_record)
        self.thesaurus = thesaurus if thesaurus is not None else []
        # status -> how kb.toml says it is shown: "refuted", "contested" or "plain"
        self.status_display = status_display if status_display is not None else {}

    @property
    def files(self) -> dict[str, Stat]:
        """Each entry file the index was built from (path from the KB root) -> (size, mtime)."""
        if self._files is None:
            self._files = self.listing().as_dict()
        return self._files

    @files.setter
    def files(self, files: dict[str, Stat]) -> None:
        self._files, self._listing, self._read_listing, self.listing_name = files, None, None, None

    def listing(self) -> Listing:
        """`files` in compact form (kb.index.scan.listing), to compare with the KB as it is now.
        Reads the listing file on first use (IndexDamaged when it is missing or damaged)."""
        if self._listing is None:
            if self._files is None:
                assert self._read_listing is not None
                self._listing = self._read_listing()
            else:
                self._listing = compact(self._files)
        return self._listing

    def catalog(self) -> Catalog:
        """What filter values are checked against, as the index recorded the KB."""
        subjects = {
            sid: (sid, info["name"], *info["aliases"]) for sid, info in self.subjects.items()
        }
        reliability = {sid: info["reliability"] for sid, info in self.sources.items()}
        return Catalog(
            subjects, self.topics, self.statuses, self.sources, reliability, self.reliability_levels
        )

    def dumps(self) -> bytes:
        """manifest.marshal (the listing file must have been named: `listing_name`)."""
        data = {name: getattr(self, name) for name in self.FIELDS}
        count = len(self._files) if self._files is not None else _count(self.listing())
        return marshal.dumps(
            {
                "format": FORMAT,
                "layout": LAYOUT,
                "listing": self.listing_name,
                "count": count,
                **data,
            }
        )

    def listing_bytes(self) -> bytes:
        listing = self.listing()
        return marshal.dumps((listing.paths, listing.stats))

    @classmethod
    def loads(cls, raw: bytes, read_listing: Callable[[str, int], Listing]) -> Manifest:
        """A manifest from manifest.marshal; its listing is read by `read_listing(name,
        count)` when first needed."""
        try:
            data = marshal.loads(raw)
        except (EOFError, ValueError, TypeError) as error:
            raise IndexDamaged(f"manifest unreadable: {error}") from None
        if not isinstance(data, dict) or data.pop("format", None) != FORMAT:
            raise IndexDamaged("manifest of another format")
        if data.pop("layout", None) != LAYOUT:
            raise IndexDamaged("manifest of another layout")
        name, count = data.pop("listing", None), data.pop("count", None)
        if not isinstance(name, str) or not is_listing(name) or not isinstance(count, int):
            raise IndexDamaged("manifest incomplete: no file listing")
        try:
            manifest = cls(**data)
        except TypeError as error:
            raise IndexDamaged(f"manifest incomplete: {error}") from None
        manifest._files, manifest.listing_name = None, name
        manifest._read_listing = lambda: read_listing(name, count)
        for field in ("racy", "index_files", "subjects", "sources", "problems"):
            if not isinstance(getattr(manifest, field), dict):
                raise IndexDamaged(f"manifest field {field} is not a table")
        return manifest


def _count(listing: Listing) -> int:
    return listing.paths.count("\0") + 1 if listing.paths else 0


def load_listing(raw: bytes, count: int) -> Listing:
    """A listing file's content, checked against the number of files the manifest expects."""
    try:
        data = marshal.loads(raw)
    except (EOFError, ValueError, TypeError) as error:
        raise IndexDamaged(f"file listing unreadable: {error}") from None
    if not isinstance(data, tuple) or len(data) != 2:
        raise IndexDamaged("file listing garbled")
    listing = Listing(*data)
    if not isinstance(listing.paths, str) or not isinstance(listing.stats, bytes):
        raise IndexDamaged("file listing garbled")
    if _count(listing) != count or len(listing.stats) != 16 * count:
        raise IndexDamaged("file listing truncated")
    return listing


def not_whoosh(name: str) -> bool:
    """Whether a file of a generation's folder is not one of Whoosh's: the manifest, a listing,
    the watch state, a lock, a temporary file."""
    return (
        name in (MANIFEST, WATCH_STATE)
        or name.startswith(".")
        or name.endswith("LOCK")
        or is_listing(name)
    )


def fingerprint(directory: Path) -> dict[str, Stat]:
    """Size and mtime of each Whoosh file of a generation (not the locks, nor kb's own files:
    the manifest, the listing, the watch state, temporary files)."""
    found: dict[str, Stat] = {}
    with os.scandir(directory) as scan:
        for item in scan:
            name = item.name
            if not_whoosh(name):
                continue
            info = item.stat()
            found[name] = (info.st_size, info.st_mtime_ns)
    return found


class WatchState:
    """What watchman said the index is up to date with (kb.index.watching), saved beside the
    manifest as watch.json: the server's socket, the watched root and the KB's path inside it,
    the clock that every change before it is indexed, how many recrawls watchman had reported
    then, and when it was saved. Or that watchman cannot be used (`broken_until`, `why`: it
    failed, or symbolic links are among the entries): it is left alone until then."""

    FIELDS = (
        "sockname", "watch", "relative", "clock", "recrawls", "saved", "broken_until", "why",
    )  # fmt: skip

    def __init__(
        self,
        sockname: str | None = None,
        watch: str | None = None,
        relative: str | None = None,
        clock: str | None = None,
        recrawls: int | None = 0,
        saved: float = 0.0,
        broken_until: float = 0.0,
        why: str | None = None,
    ) -> None:
        self.sockname, self.watch, self.relative, self.clock = sockname, watch, relative, clock
        self.recrawls, self.saved = recrawls, saved
        self.broken_until, self.why = broken_until, why

    def __repr__(self) -> str:
        return "WatchState(" + ", ".join(f"{n}={getattr(self, n)!r}" for n in self.FIELDS) + ")"

    def usable(self) -> bool:
        """Whether it holds a clock to ask watchman with."""
        return bool(self.sockname and self.watch and self.clock)

    def dumps(self) -> bytes:
        return json.dumps({name: getattr(self, name) for name in self.FIELDS}).encode()

    @classmethod
    def loads(cls, raw: bytes) -> WatchState | None:
        """The state, or None when the file is not one (it is then simply not used)."""
        try:
            data = json.loads(raw)
            state = cls(**data)
        except (ValueError, TypeError):
            return None
        texts = (state.sockname, state.watch, state.relative, state.clock, state.why)
        if not all(value is None or isinstance(value, str) for value in texts):
            return None
        numbers = (state.saved, state.broken_until)
        if not all(isinstance(value, int | float) for value in numbers):
            return None
        if not (state.recrawls is None or isinstance(state.recrawls, int)):
            return None
        return state


class Store:
    """One index directory for one KB."""

    def __init__(
        self,
        root: Path,
        explicit: str | os.PathLike[str] | None = None,
        cache_home: Path | None = None,
    ) -> None:
        self.root = root.resolve()
        self.dir, self.chosen = index_dir(self.root, explicit, cache_home)

    # ---- reading ---------------------------------------------------------------------------

    def generation(self) -> tuple[str | None, str | None]:
        """The live generation named by our marker; or None and why there is none usable
        (no reason when nothing was ever built here). Every reason means: rebuild."""
        try:
            raw = (self.dir / MARKER).read_bytes()
        except FileNotFoundError:
            return None, None
        except OSError as error:
            return None, f"marker unreadable: {error.strerror or error}"
        try:
            marker = json.loads(raw)
        except ValueError:
            return None, "marker garbled"
        if not isinstance(marker, dict) or "generation" not in marker:
            return None, "marker garbled"
        if marker.get("format") != FORMAT:
            return None, "made by another version of kb"
        if marker.get("kb") != str(self.root):
            return None, f"made for another knowledge base ({marker.get('kb')})"
        generation = marker["generation"]
        if not isinstance(generation, str) or not is_generation(generation):
            return None, "marker garbled"
        if not (self.dir / generation).is_dir():
            return None, "index files missing"
        return generation, None

    def read_manifest(self, generation: str) -> Manifest:
        """The generation's manifest (its file listing is read when first used)."""
        directory = self.dir / generation
        try:
            with open(directory / MANIFEST, "rb") as handle:
                raw = handle.read()
                info = os.fstat(handle.fileno())
        except OSError as error:
            raise IndexDamaged(f"manifest missing: {error.strerror or error}") from None

        def read_listing(name: str, count: int) -> Listing:
            try:
                raw = (directory / name).read_bytes()
            except OSError as error:
                raise IndexDamaged(f"file listing missing: {error.strerror or error}") from None
            return load_listing(raw, count)

        manifest = Manifest.loads(raw, read_listing)
        manifest.stamp = (info.st_ino, info.st_size, info.st_mtime_ns)
        return manifest

    def manifest_stamp(self, generation: str) -> tuple[int, int, int] | None:
        """The manifest file's identity now (see Manifest.stamp), None when it is missing."""
        try:
            info = os.stat(self.dir / generation / MANIFEST)
        except OSError:
            return None
        return (info.st_ino, info.st_size, info.st_mtime_ns)

    def read_watch_state(self, generation: str) -> WatchState | None:
        """The generation's watch.json, None when there is none (or it is not one)."""
        try:
            raw = (self.dir / generation / WATCH_STATE).read_bytes()
        except OSError:
            return None
        return WatchState.loads(raw)

    def check_ours(self) -> None:
        """Refuse a chosen directory that holds anything kb did not write."""
        if not self.chosen or (self.dir / MARKER).exists():
            return
        try:
            names = os.listdir(self.dir)
        except FileNotFoundError:
            return
        except OSError as error:
            raise IndexUnavailableError(
                f"cannot read index directory {self.dir}: {error.strerror or error}"
            ) from None
        ours = re.compile(_OURS)
        foreign = sorted(n for n in names if not ours.match(n))
        if foreign:
            raise IndexUnavailableError(
                f"refusing to use {self.dir} as the index directory: it was not created by kb "
                f"and is not empty (it holds {foreign[0]!r}); choose an empty or new directory"
            )

    # ---- writing (callers hold the lock) ---------------------------------------------------

    @contextlib.contextmanager
    def lock(self, timeout: float) -> Iterator[Locked]:
        """The writer lock (kb.index.lock); yields a Locked, true when it was acquired within
        `timeout` seconds. Raises OSError when the directory cannot be written."""
        from kb.index.lock import hold

        self.dir.mkdir(parents=True, exist_ok=True)
        with hold(self.dir / LOCK, timeout) as got:
            yield got

    def new_build_dir(self) -> Path:
        temp = self.dir / f".tmp-{os.urandom(8).hex()}"
        temp.mkdir(parents=True)
        return temp

    def write_manifest(
        self, directory: Path, manifest: Manifest, dropping: Collection[str] = ()
    ) -> None:
        """Save the manifest: first its file listing under a new name when it changed, then
        manifest.marshal naming it (with the fingerprint of the index files, but `dropping`:
        files an update no longer uses, deleted once the manifest is saved: kb.index.writer),
        then drop the listings no manifest names any more."""
        from kb.core.atomic import write_atomic  # only when the index changed

        found = fingerprint(directory)
        manifest.index_files = {name: stat for name, stat in found.items() if name not in dropping}
        name = manifest.listing_name
        if name is None or not (directory / name).is_file():
            name = f"files-{os.urandom(8).hex()}.marshal"
            write_atomic(directory / name, manifest.listing_bytes())
            manifest.listing_name = name
        write_atomic(directory / MANIFEST, manifest.dumps())
        with contextlib.suppress(OSError):
            for other in os.listdir(directory):
                if other != name and is_listing(other):
                    os.unlink(directory / other)
        info = os.stat(directory / MANIFEST)
        manifest.stamp = (info.st_ino, info.st_size, info.st_mtime_ns)

    def write_watch_state(self, generation: str, state: WatchState) -> None:
        from kb.core.atomic import write_atomic

        write_atomic(self.dir / generation / WATCH_STATE, state.dumps())

    def publish(self, build_dir: Path) -> str:
        """Rename a complete build into place, point the marker at it, drop older ones."""
        from kb.core.atomic import write_atomic

        generation = "ix-" + build_dir.name.rsplit("-", 1)[1]
        os.rename(build_dir, self.dir / generation)
        marker = {
            "format": FORMAT,
            "kb": str(self.root),
            "generation": generation,
            "created_by": "kb",
        }
        write_atomic(self.dir / MARKER, json.dumps(marker, indent=1).encode() + b"\n")
        self.clean(keep=generation)
        return generation

    def clean(self, keep: str | None) -> None:
        """Remove generations and unfinished builds other than `keep`, and temporary files a
        killed kb left (ours only; under the writer lock)."""
        import shutil

        with contextlib.suppress(OSError):
            for name in os.listdir(self.dir):
                if name != keep and re.fullmatch(_BUILDS, name):
                    path = self.dir / name
                    if path.is_dir():
                        shutil.rmtree(path, ignore_errors=True)
                    else:
                        with contextlib.suppress(OSError):
                            path.unlink()
