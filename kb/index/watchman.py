"""A small client of watchman's JSON protocol: which KB files changed since a clock.

watchman (https://facebook.github.io/watchman/) is the file-watching service behind git's
fsmonitor, Mercurial's fsmonitor and Jest. Asked "what changed under this directory since
clock C?", it answers from its in-memory view of the tree, kept current by the kernel's file
events (inotify, FSEvents), instead of a walk that stats every file. With a `sync_timeout` the
answer includes every write that finished before the question: watchman writes a cookie file
in the watched tree and answers only once it has seen the cookie's own event, so every event
queued before it has been processed too.

This module speaks the JSON protocol over watchman's UNIX socket: one command per line, one
JSON reply per line. pywatchman, the official client, costs ~22 ms to import; this costs well
under 1 ms, because it imports only `json` (already loaded by a kb search) and the C `_socket`
module (`socket.py` builds its enums at import: another ~1.5 ms). `subprocess` is imported only
by `find_socket`, needed only when the socket's path is not known yet.

Everything that can go wrong is a `WatchmanError` with a reason: no binary, no socket, refused
connection, timeout, an error reply, a reply that is not watchman's. Every read has a deadline:
a stopped or wedged server costs at most the timeout, never a hang. (One known cause of a
timeout: JSON cannot carry a file name that is not UTF-8, and watchman 4.9 then sends no answer
at all, for every query whose clock is older than that file's last change.)
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from time import monotonic as _now
from typing import Any

try:  # the C module: `socket.py` would add its enum classes to every search's start-up
    import _socket as _sock
except ImportError:  # pragma: no cover - an interpreter without it (not CPython)
    import socket as _sock  # type: ignore[no-redef]

TIMEOUT = 2.0  # seconds: the deadline of one command (connect, send, whole reply)
SYNC_TIMEOUT_MS = 1000  # how long watchman may wait for its cookie (see `since`)
FIELDS = ["name", "exists", "type", "size", "mtime_ns"]

# The files kb reads (kb.scan): kb.toml, sources/*.toml, subjects/*.toml, facts/**/*.toml,
# skipping every name that starts with a dot (a dot file, or anything under a dot folder).
# Paths are relative to the query's relative_root, the KB root. Directories are not asked for:
# when a folder is renamed or deleted, watchman reports each file in it (checked by the tests).
# A `*.toml` name that is now a folder is still reported (exists, type "d"): for kb that file
# is gone.
_TOML = ["match", "*.toml", "basename"]  # case-sensitive, as kb's walk ("suffix" is not)
_DOTTED = [
    "anyof",
    ["match", ".*", "basename", {"includedotfiles": True}],
    ["match", "**/.*/**", "wholename", {"includedotfiles": True}],
]
EXPRESSION: list[Any] = [
    "allof",
    [
        "anyof",
        ["name", "kb.toml", "wholename"],
        ["allof", _TOML, ["dirname", "facts"]],
        ["allof", _TOML, ["dirname", "sources", ["depth", "eq", 0]]],
        ["allof", _TOML, ["dirname", "subjects", ["depth", "eq", 0]]],
    ],
    ["not", _DOTTED],
]


class WatchmanError(Exception):
    """watchman could not answer: absent, stopped, timed out, refused, or an error reply.
    `reason` says which, for a notice or a log; the caller's answer is the same for all:
    walk the KB instead."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class WatchmanTimeout(WatchmanError):
    """watchman did not answer in time: asking again would cost the timeout again."""


class Change:
    """A file that changed since the clock, relative to the KB root. `exists` False: deleted
    (or created and deleted again). `type`: "f" file, "d" directory, "l" symbolic link (its
    size and mtime are the link's own, not its target's). `mtime_ns` as watchman saw it.
    (Plain classes, not NamedTuple: creating a NamedTuple class costs ~0.15 ms of import.)"""

    __slots__ = ("exists", "mtime_ns", "name", "size", "type")

    def __init__(self, name: str, exists: bool, type: str, size: int, mtime_ns: int) -> None:
        self.name, self.exists, self.type, self.size, self.mtime_ns = (
            name,
            exists,
            type,
            size,
            mtime_ns,
        )

    def _key(self) -> tuple[str, bool, str, int, int]:
        return (self.name, self.exists, self.type, self.size, self.mtime_ns)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Change) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Change{self._key()!r}"


class Since:
    """The answer to `since`: the clock to save and ask with next time; `fresh_instance`:
    watchman cannot answer from the old clock (restarted, or the watch was recreated);
    `recrawls`: how many times watchman has rescanned the tree because it lost events (0 when
    it did not say; None when it said without a number); its `warning`, verbatim; the
    `changes` (empty when fresh_instance)."""

    __slots__ = ("changes", "clock", "fresh_instance", "recrawls", "warning")

    def __init__(
        self,
        clock: str,
        fresh_instance: bool,
        recrawls: int | None,
        warning: str | None,
        changes: list[Change],
    ) -> None:
        self.clock, self.fresh_instance, self.recrawls = clock, fresh_instance, recrawls
        self.warning, self.changes = warning, changes

    def __repr__(self) -> str:
        return (
            f"Since({self.clock!r}, fresh_instance={self.fresh_instance}, "
            f"recrawls={self.recrawls}, {len(self.changes)} changes)"
        )

    def reason_to_walk(self, recrawls_before: int | None) -> str | None:
        """Why this answer cannot replace a walk, or None when it can. `recrawls_before` is
        the `recrawls` saved with the clock: watchman repeats its recrawl warning in every
        reply until the watch is recreated, so only a new recrawl means lost events."""
        if self.fresh_instance:
            return "watchman restarted or lost its watch (fresh instance)"
        if self.recrawls is None or recrawls_before is None or self.recrawls != recrawls_before:
            return "watchman recrawled the tree (it lost file events)"
        return None


def recrawl_count(warning: str | None) -> int | None:
    """How many times a watch was recrawled, from watchman's warning ("Recrawled this watch 3
    times, ..."): 0 without a warning about recrawls, None when it mentions one without a
    count."""
    if not warning or "recrawl" not in warning.lower():
        return 0
    marker = "Recrawled this watch "
    at = warning.find(marker)
    if at >= 0:
        digits = warning[at + len(marker) :].split(" ", 1)[0]
        if digits.isdigit():
            return int(digits)
    return None


def find_socket(
    program: str = "watchman", timeout: float = TIMEOUT, options: Sequence[str] = ()
) -> str:
    """The path of watchman's socket, from `watchman get-sockname`, which starts the server
    when it is not running. `options` go before the command (e.g. --sockname=PATH). Costs a
    process (~15 ms): callers save the result and try it first next time."""
    import subprocess

    command = [program, "--output-encoding=json", "--no-pretty", *options, "get-sockname"]
    try:
        done = subprocess.run(
            command,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except FileNotFoundError:
        raise WatchmanError(f"no {program} program") from None
    except subprocess.TimeoutExpired:
        raise WatchmanTimeout(f"{program} get-sockname took more than {timeout:g} s") from None
    except OSError as error:
        raise WatchmanError(f"cannot run {program}: {error.strerror or error}") from None
    try:
        reply = json.loads(done.stdout)
    except ValueError:
        reply = None
    if isinstance(reply, dict) and isinstance(reply.get("error"), str):
        raise WatchmanError(f"watchman: {reply['error'].strip()}")
    if not isinstance(reply, dict) or not isinstance(reply.get("sockname"), str):
        text = (done.stderr or done.stdout).decode(errors="replace").strip()
        raise WatchmanError(
            f"{program} get-sockname failed (exit {done.returncode}): {text[:200] or 'no output'}"
        )
    return reply["sockname"]


class Client:
    """One connection to a watchman server. Every command must be answered within `timeout`
    seconds (the connection included), else WatchmanError."""

    def __init__(self, sockname: str, timeout: float = TIMEOUT) -> None:
        self.sockname, self.timeout = sockname, timeout
        self._buffer = b""
        self._deadline = 0.0  # of the command in progress
        self._socket: Any = None
        sock = _sock.socket(_sock.AF_UNIX, _sock.SOCK_STREAM)
        try:
            sock.settimeout(timeout)
            sock.connect(sockname)
        except OSError as error:
            sock.close()
            kind = WatchmanTimeout if isinstance(error, TimeoutError) else WatchmanError
            raise kind(_describe(error, f"cannot connect to {sockname}")) from None
        self._socket = sock

    def close(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def command(self, *args: Any) -> dict[str, Any]:
        """Send one command (`"clock", path, {...}`) and return watchman's reply; an error
        reply is a WatchmanError."""
        if self._socket is None:
            raise WatchmanError("connection closed")
        self._deadline = _now() + self.timeout
        try:
            self._socket.settimeout(self.timeout)
            self._socket.sendall(json.dumps(list(args)).encode() + b"\n")
        except OSError as error:
            self.close()
            raise WatchmanError(_describe(error, "cannot send to watchman")) from None
        while True:
            reply = self._read_pdu()
            if reply.get("unilateral") or "log" in reply:
                continue  # subscription or log traffic, not the answer
            if "error" in reply:
                raise WatchmanError(f"watchman: {str(reply['error']).strip()}")
            return reply

    def _read_pdu(self) -> dict[str, Any]:
        """The next line from the server, parsed; within the command's deadline."""
        while b"\n" not in self._buffer:
            left = self._deadline - _now()
            try:
                if left <= 0:
                    raise TimeoutError
                self._socket.settimeout(left)
                chunk = self._socket.recv(1 << 16)
            except TimeoutError:
                self.close()
                reason = f"no answer from watchman within {self.timeout:g} s"
                raise WatchmanTimeout(reason) from None
            except OSError as error:
                self.close()
                raise WatchmanError(_describe(error, "cannot read from watchman")) from None
            if not chunk:
                self.close()
                raise WatchmanError("watchman closed the connection")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        try:
            reply = json.loads(line)
        except ValueError:  # also UnicodeDecodeError
            self.close()
            raise WatchmanError(f"not a watchman reply: {line[:80]!r}") from None
        if not isinstance(reply, dict):
            self.close()
            raise WatchmanError(f"not a watchman reply: {line[:80]!r}")
        return reply

    def watch_project(self, path: str) -> tuple[str, str | None]:
        """Watch the project holding `path` (as git's fsmonitor hook does): watchman watches
        the nearest enclosing folder with .git, .hg, .svn or .watchmanconfig, else `path`.
        Returns (the watched root, `path` relative to it, None when it is the root).
        `path` is resolved first: watchman 4.9 refuses a path through a symbolic link."""
        reply = self.command("watch-project", os.path.realpath(path))
        watch, relative = reply.get("watch"), reply.get("relative_path")
        if not isinstance(watch, str) or not (relative is None or isinstance(relative, str)):
            raise WatchmanError(f"unexpected watch-project reply: {_short(reply)}")
        return watch, relative or None

    def clock(self, watch: str, sync_timeout_ms: int = SYNC_TIMEOUT_MS) -> str:
        """The watch's current clock, after every write that finished before this call has been
        seen (the cookie sync)."""
        reply = self.command("clock", watch, {"sync_timeout": sync_timeout_ms})
        clock = reply.get("clock")
        if not isinstance(clock, str):
            raise WatchmanError(f"unexpected clock reply: {_short(reply)}")
        return clock

    def since(
        self,
        watch: str,
        relative_root: str | None,
        clock: str,
        sync_timeout_ms: int = SYNC_TIMEOUT_MS,
    ) -> Since:
        """The KB files (see EXPRESSION) that changed under `watch`/`relative_root` since
        `clock`, including every write that finished before this call (the cookie sync: watchman
        creates and deletes a file named .watchman-cookie-* in the watch's .git, .hg or .svn
        folder, else in its root, and waits for that file's event, at most `sync_timeout_ms`;
        0 skips the sync; where it cannot create that file the query is an error). A file
        created and deleted between the two clocks is reported as not existing; a rename is
        the old name not existing and the new one existing."""
        query: dict[str, Any] = {
            "since": clock,
            "expression": EXPRESSION,
            "fields": FIELDS,
            "sync_timeout": sync_timeout_ms,
            "empty_on_fresh_instance": True,  # the caller walks: do not list every file
        }
        if relative_root:
            query["relative_root"] = relative_root
        return _answer(self.command("query", watch, query))

    def symlinks(
        self, watch: str, relative_root: str | None, sync_timeout_ms: int = SYNC_TIMEOUT_MS
    ) -> Since:
        """Every KB file (see EXPRESSION) that is a symbolic link now, as `changes`, and the
        clock of the answer, taken after the cookie sync as `clock()` does (`fresh_instance`
        is always False: this is not a `since` query)."""
        query: dict[str, Any] = {
            "expression": ["allof", EXPRESSION, ["type", "l"], ["exists"]],
            "fields": FIELDS,
            "sync_timeout": sync_timeout_ms,
        }
        if relative_root:
            query["relative_root"] = relative_root
        return _answer(self.command("query", watch, query), listing=True)


def _answer(reply: dict[str, Any], listing: bool = False) -> Since:
    """A query's reply as a Since (WatchmanError when it is not one). `listing`: a query
    without `since`, whose files are all the matching ones (not a fresh instance)."""
    new_clock, fresh, files = (
        reply.get("clock"),
        reply.get("is_fresh_instance"),
        reply.get("files"),
    )
    warning = reply.get("warning")
    if (
        not isinstance(new_clock, str)
        or not isinstance(fresh, bool)
        or not isinstance(files, list)
        or not (warning is None or isinstance(warning, str))
    ):
        raise WatchmanError(f"unexpected query reply: {_short(reply)}")
    try:
        changes = [
            Change(f["name"], f["exists"], f.get("type", "?"), f.get("size", 0), f["mtime_ns"])
            for f in files
        ]
    except (KeyError, TypeError):
        raise WatchmanError(f"unexpected file in query reply: {_short(reply)}") from None
    if listing:
        return Since(new_clock, False, recrawl_count(warning), warning, changes)
    return Since(new_clock, fresh, recrawl_count(warning), warning, [] if fresh else changes)


def network_filesystem(path: str, mountinfo: str | None = None) -> str | None:
    """The type of the file system holding `path` when it is one whose changes file events may
    miss (a network file system: writes by other machines raise no event here), else None.
    Linux only (from /proc/self/mountinfo); None where that cannot be read."""
    kind = filesystem_type(path, mountinfo)
    return kind if kind in NETWORK_FILESYSTEMS else None


NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "ncpfs",
        "afs",
        "ceph",
        "glusterfs",
        "fuse.glusterfs",
        "lustre",
        "gpfs",
        "9p",  # also WSL2's view of Windows drives
        "drvfs",  # WSL1's
        "virtiofs",
        "fuse.sshfs",
        "fuse.rclone",
        "fuse.s3fs",
        "fuse.gcsfuse",
        "davfs",
        "fuse.davfs2",
        "vboxsf",
        "vmhgfs",
        "fuse.vmhgfs-fuse",
    }
)


def filesystem_type(path: str, mountinfo: str | None = None) -> str | None:
    """The type of the file system holding `path` ("ext4", "nfs4", "fuse.sshfs"), from the
    mount with the longest mount point that contains its real path in `mountinfo` (the text
    of /proc/self/mountinfo, read when not given); None when unknown."""
    if mountinfo is None:
        try:
            with open("/proc/self/mountinfo", "rb") as handle:
                mountinfo = handle.read().decode(errors="surrogateescape")
        except OSError:
            return None
    real = os.path.realpath(path)
    best, kind = -1, None
    for line in mountinfo.splitlines():
        # ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - TYPE SOURCE SUPER
        fields = line.split(" ")
        try:
            point = _unescape(fields[4])
            fstype = fields[fields.index("-", 6) + 1]
        except (IndexError, ValueError):
            continue
        inside = real == point or real.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= best:  # a later mount over the same point hides earlier
            best, kind = len(point), fstype
    return kind


def _unescape(field: str) -> str:
    """A mountinfo path: space, tab, newline and backslash are written as \\ooo octal."""
    if "\\" not in field:
        return field
    out, i = [], 0
    while i < len(field):
        if field[i] == "\\" and field[i + 1 : i + 4].isdigit():
            out.append(chr(int(field[i + 1 : i + 4], 8)))
            i += 4
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


def _describe(error: OSError, what: str) -> str:
    if isinstance(error, TimeoutError):
        return f"{what}: timed out"
    return f"{what}: {error.strerror or error}"


def _short(reply: object) -> str:
    text = repr(reply)
    return text if len(text) <= 200 else text[:200] + "..."
