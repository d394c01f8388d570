"""kb.index.watchman against a real watchman server that each test starts and stops itself (its
own socket, state, log and pid files: a user's server is never touched; tests/watchmanserver.py),
and against fake servers that are not watchman.

Without a watchman program the tests that need one are skipped, unless KB_REQUIRE_WATCHMAN=1
(set by .ci/run): then they fail, so that CI cannot pass without testing the watcher.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kb.index.watchman import (
    Change,
    Client,
    Since,
    WatchmanError,
    filesystem_type,
    find_socket,
    network_filesystem,
    recrawl_count,
)
from tests.watchmanserver import Server, private_server, require_watchman


@pytest.fixture
def server() -> Iterator[Server]:
    with private_server() as running:
        yield running


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    """A small KB, in a project folder marked for watchman (.watchmanconfig, as .git would):
    watch-project watches the project and queries the KB below it."""
    root = tmp_path / "project" / "entries"
    write(tmp_path / "project" / ".watchmanconfig", "{}\n")
    write(root / "kb.toml", 'title = "t"\n')
    write(root / "sources" / "alpha.toml", 'id = "alpha"\n')
    write(root / "subjects" / "widgetol.toml", 'id = "widgetol"\n')
    write(root / "facts" / "core" / "one.toml", 'id = "one"\n')
    write(root / "facts" / "core" / "two.toml", 'id = "two"\n')
    return root


class Watch:
    """A watched KB and the clock of the last query, as kb would save them."""

    def __init__(self, client: Client, root: Path) -> None:
        self.client, self.root = client, root
        self.watch, self.relative = client.watch_project(str(root))
        self.clock = client.clock(self.watch)

    def since(self) -> Since:
        answer = self.client.since(self.watch, self.relative, self.clock)
        self.clock = answer.clock
        return answer

    def changed(self) -> dict[str, Change]:
        answer = self.since()
        assert not answer.fresh_instance and answer.reason_to_walk(0) is None
        return {change.name: change for change in answer.changes}


@pytest.fixture
def watched(server: Server, kb: Path) -> Iterator[Watch]:
    with server.client() as client:
        yield Watch(client, kb)


# --- watching ---------------------------------------------------------------------------------


def test_watch_project_watches_the_enclosing_project(server: Server, kb: Path) -> None:
    with server.client() as client:
        watch, relative = client.watch_project(str(kb))
        assert watch == os.path.realpath(kb.parent)
        assert relative == "entries"
        assert client.watch_project(str(kb)) == (watch, relative)  # again: the same watch


def test_watch_project_of_a_folder_outside_any_project(server: Server, tmp_path: Path) -> None:
    root = tmp_path / "plain"
    write(root / "kb.toml", "")
    with server.client() as client:
        watch, relative = client.watch_project(str(root))
    # the folder itself, unless some folder above it holds .git or .watchmanconfig
    assert os.path.join(watch, relative or "").rstrip("/") == os.path.realpath(root)


def test_watch_project_through_a_symbolic_link(server: Server, tmp_path: Path) -> None:
    """watchman 4.9 refuses to watch a path through a link ("unable to examine ... using strict
    case sensitive rules"): watch_project resolves it first."""
    write(tmp_path / "real" / "kb" / "kb.toml", "")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    with server.client() as client:
        watch, relative = client.watch_project(str(tmp_path / "link" / "kb"))
    assert os.path.join(watch, relative or "").rstrip("/") == os.path.realpath(
        tmp_path / "real" / "kb"
    )


def test_first_query_after_watching_reports_nothing(watched: Watch) -> None:
    answer = watched.since()
    assert (answer.fresh_instance, answer.changes, answer.recrawls) == (False, [], 0)
    assert answer.clock.startswith("c:") and answer.clock != ""


def test_a_clock_from_no_time_is_a_fresh_instance(watched: Watch) -> None:
    answer = watched.client.since(watched.watch, watched.relative, "c:0:0")
    assert answer.fresh_instance and answer.changes == []  # the caller walks: no file list
    assert answer.reason_to_walk(0) is not None


# --- what changed -----------------------------------------------------------------------------


def test_in_place_edit_of_the_same_size_is_reported_even_with_the_old_mtime(
    watched: Watch,
) -> None:
    """An editor that saves in place, within one mtime tick: neither size nor mtime changes,
    which a walk cannot see; the write event is still reported."""
    path = watched.root / "facts" / "core" / "one.toml"
    before = path.stat()
    with open(path, "r+") as handle:
        handle.write('id = "ONE"\n')
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    assert path.stat().st_mtime_ns == before.st_mtime_ns
    changed = watched.changed()
    assert list(changed) == ["facts/core/one.toml"]
    assert changed["facts/core/one.toml"].exists


def test_reported_size_and_mtime_are_the_files(watched: Watch) -> None:
    path = watched.root / "facts" / "core" / "two.toml"
    write(path, 'id = "two"\nstatement = "longer now"\n')
    os.utime(path, ns=(1_700_000_000_123_456_789, 1_700_000_000_123_456_789))
    change = watched.changed()["facts/core/two.toml"]
    info = path.stat()
    assert change == Change("facts/core/two.toml", True, "f", info.st_size, info.st_mtime_ns)
    assert change.mtime_ns == 1_700_000_000_123_456_789  # nanoseconds, not rounded


def test_new_file(watched: Watch) -> None:
    write(watched.root / "facts" / "core" / "three.toml", 'id = "three"\n')
    changed = watched.changed()
    assert list(changed) == ["facts/core/three.toml"]
    assert changed["facts/core/three.toml"].exists


def test_new_topic_folder_with_files(watched: Watch) -> None:
    for name in ("a", "b", "c"):
        write(watched.root / "facts" / "dosing" / f"{name}.toml", f'id = "{name}"\n')
    write(watched.root / "facts" / "dosing" / "deeper" / "d.toml", 'id = "d"\n')
    changed = watched.changed()
    assert sorted(changed) == [
        "facts/dosing/a.toml",
        "facts/dosing/b.toml",
        "facts/dosing/c.toml",
        "facts/dosing/deeper/d.toml",
    ]
    assert all(change.exists and change.type == "f" for change in changed.values())


def test_deletion(watched: Watch) -> None:
    (watched.root / "facts" / "core" / "two.toml").unlink()
    (watched.root / "sources" / "alpha.toml").unlink()
    changed = watched.changed()
    assert sorted(changed) == ["facts/core/two.toml", "sources/alpha.toml"]
    assert not any(change.exists for change in changed.values())


def test_rename_is_a_deletion_and_a_creation(watched: Watch) -> None:
    core = watched.root / "facts" / "core"
    (core / "one.toml").rename(core / "uno.toml")
    changed = watched.changed()
    assert sorted(changed) == ["facts/core/one.toml", "facts/core/uno.toml"]
    assert not changed["facts/core/one.toml"].exists
    assert changed["facts/core/uno.toml"].exists


def test_atomic_replace_reports_the_file(watched: Watch) -> None:
    """Editors that write a temporary file and rename it over the old one."""
    path = watched.root / "facts" / "core" / "one.toml"
    write(path.with_name(".one.toml.swp"), 'id = "one"\nnote = "x"\n')
    os.replace(path.with_name(".one.toml.swp"), path)
    changed = watched.changed()
    assert list(changed) == ["facts/core/one.toml"]
    assert changed["facts/core/one.toml"].exists


def test_renamed_and_deleted_folders_report_each_file(watched: Watch) -> None:
    facts = watched.root / "facts"
    (facts / "core").rename(facts / "main")
    changed = watched.changed()
    assert sorted(changed) == [
        "facts/core/one.toml",
        "facts/core/two.toml",
        "facts/main/one.toml",
        "facts/main/two.toml",
    ]
    assert [changed[n].exists for n in sorted(changed)] == [False, False, True, True]
    shutil.rmtree(facts / "main")
    changed = watched.changed()
    assert sorted(changed) == ["facts/main/one.toml", "facts/main/two.toml"]
    assert not any(change.exists for change in changed.values())


def test_file_created_and_deleted_between_two_queries_is_not_reported_existing(
    watched: Watch,
) -> None:
    path = watched.root / "facts" / "core" / "brief.toml"
    write(path, 'id = "brief"\n')
    path.unlink()
    changed = watched.changed()
    assert set(changed) <= {"facts/core/brief.toml"}
    assert not any(change.exists for change in changed.values())


def test_only_the_files_kb_reads_are_reported(watched: Watch) -> None:
    """kb.toml, sources/*.toml, subjects/*.toml, facts/**/*.toml; no name starting with a dot,
    nor anything in a folder whose name does."""
    wanted = [
        "kb.toml",
        "sources/beta.toml",
        "subjects/gadget.toml",
        "facts/top.toml",
        "facts/core/new.toml",
        "facts/a/b/c/deep.toml",
        "facts/core/with.dots.toml",
    ]
    ignored = [
        "other.toml",  # at the root, only kb.toml
        "KB.toml",
        "notes/x.toml",
        "sources/nested/s.toml",  # sources and subjects are flat
        "subjects/nested/s.toml",
        "facts/core/readme.md",
        "facts/core/toml",
        "facts/core/x.toml.bak",
        "facts/core/upper.TOML",  # kb's walk takes ".toml" only, case-sensitively
        "facts/core/.hidden.toml",
        "facts/.drafts/draft.toml",
        "facts/core/.git/x/y.toml",
        "sources/.s.toml",
        ".cache/kb.toml",
    ]
    for name in wanted + ignored:
        write(watched.root / name, "x = 1\n")
    assert sorted(watched.changed()) == sorted(wanted)


def test_a_toml_name_that_becomes_a_folder_is_reported(watched: Watch) -> None:
    """For kb that file is gone: the report says it is a folder now."""
    path = watched.root / "facts" / "core" / "one.toml"
    path.unlink()
    path.mkdir()
    change = watched.changed()["facts/core/one.toml"]
    assert change.exists and change.type == "d"


def test_symbolic_link_is_reported_as_a_link(watched: Watch) -> None:
    link = watched.root / "facts" / "core" / "alias.toml"
    link.symlink_to("one.toml")
    change = watched.changed()["facts/core/alias.toml"]
    assert change.exists and change.type == "l"


def test_a_name_that_is_not_utf8_is_never_silently_left_out(watched: Watch) -> None:
    """JSON cannot carry such a name: watchman 4.9 then sends no answer at all, so the query
    costs its timeout and fails (kb walks). Whatever a version does, it must not answer
    without the file."""
    folder = os.fsencode(watched.root / "facts" / "core")
    with open(os.path.join(folder, b"caf\xe9.toml"), "wb") as handle:  # Latin-1, not UTF-8
        handle.write(b'id = "x"\n')
    client = Client(watched.client.sockname, timeout=0.5)
    started = time.monotonic()
    try:
        answer = client.since(watched.watch, watched.relative, watched.clock)
    except WatchmanError:
        pass
    else:
        assert [change.name for change in answer.changes] == ["facts/core/caf\udce9.toml"]
    finally:
        client.close()
    assert time.monotonic() - started < 1.5


def test_every_write_finished_before_the_query_is_included(watched: Watch) -> None:
    """The cookie sync: no write done before the query may be missing from its answer,
    however fast the query follows."""
    for round_ in range(5):
        names = [f"facts/burst/r{round_}-{i}.toml" for i in range(40)]
        for name in names:
            write(watched.root / name, "x = 1\n")
        assert sorted(watched.changed()) == sorted(names)


def test_nothing_changed_after_a_reported_change(watched: Watch) -> None:
    write(watched.root / "facts" / "core" / "one.toml", 'id = "one"\nnote = "n"\n')
    assert list(watched.changed()) == ["facts/core/one.toml"]
    assert watched.changed() == {}


# --- when watchman cannot be trusted or reached -----------------------------------------------


def test_server_restarted_between_two_queries(server: Server, kb: Path) -> None:
    """The restarted server restores the watch from its state file, but cannot answer from
    the old clock: a fresh instance, so the caller walks."""
    with server.client() as client:
        watch, relative = client.watch_project(str(kb))
        clock = client.clock(watch)
    server.stop()
    write(kb / "facts" / "core" / "while-stopped.toml", 'id = "x"\n')
    server.start()
    with server.client() as client:
        answer = client.since(watch, relative, clock)
    assert answer.fresh_instance and answer.changes == []
    assert answer.reason_to_walk(0) is not None


def test_server_restarted_without_its_state(server: Server, kb: Path) -> None:
    """Without the state file the new server does not watch the KB: an error, the walk."""
    with server.client() as client:
        watch, relative = client.watch_project(str(kb))
        clock = client.clock(watch)
    server.stop()
    os.unlink(os.path.join(server.directory, "state"))
    server.start()
    with server.client() as client, pytest.raises(WatchmanError, match="not watched"):
        client.since(watch, relative, clock)


def test_stopped_server_fails_fast(server: Server, kb: Path) -> None:
    client = server.client()
    watch, relative = client.watch_project(str(kb))
    clock = client.clock(watch)
    server.stop()
    started = time.monotonic()
    with pytest.raises(WatchmanError):  # the open connection
        client.since(watch, relative, clock)
    with pytest.raises(WatchmanError):  # a new one: the socket file is left, nobody listens
        server.client()
    assert time.monotonic() - started < 1.0


def test_frozen_server_times_out(server: Server, kb: Path) -> None:
    """A server that accepts connections but never answers (here: SIGSTOP) costs the
    timeout, not a hang."""
    assert server.process is not None
    with server.client() as client:
        watch, relative = client.watch_project(str(kb))
        clock = client.clock(watch)
    server.process.send_signal(signal.SIGSTOP)
    try:
        started = time.monotonic()
        with (
            pytest.raises(WatchmanError, match=r"no answer from watchman within 0\.5 s"),
            server.client(timeout=0.5) as client,
        ):
            client.since(watch, relative, clock)
        assert time.monotonic() - started < 2.0
    finally:
        server.process.send_signal(signal.SIGCONT)


def test_recrawl_means_walk_once(watched: Watch) -> None:
    """After a recrawl (events lost, e.g. the kernel's queue overflowed) watchman warns in
    every reply until the watch is recreated: only a new recrawl sends the caller to a walk."""
    assert watched.since().recrawls == 0
    watched.client.command("debug-recrawl", watched.watch)
    answer = watched.since()
    assert answer.recrawls == 1 and answer.warning is not None
    assert answer.reason_to_walk(0) is not None
    answer = watched.since()
    assert answer.recrawls == 1
    assert answer.reason_to_walk(1) is None


def test_a_clock_older_than_an_age_out_is_a_fresh_instance(watched: Watch) -> None:
    """watchman forgets deleted files after gc_age_seconds (12 hours by default): a clock
    from before that cannot say what was deleted, so kb must walk (and save a newer clock)."""
    old = watched.clock
    (watched.root / "facts" / "core" / "two.toml").unlink()
    newer = watched.client.clock(watched.watch)
    watched.client.command("debug-ageout", watched.watch, 0)
    assert watched.client.since(watched.watch, watched.relative, old).fresh_instance
    answer = watched.client.since(watched.watch, watched.relative, newer)
    assert not answer.fresh_instance and answer.changes == []


def test_poisoned_server_is_an_error(watched: Watch) -> None:
    """What watchman 4.9 does when it cannot add a watch (the inotify watch limit reached):
    every request fails until the server is restarted."""
    watched.client.command("debug-poison", watched.watch)
    with pytest.raises(WatchmanError, match="non-recoverable"):
        watched.since()


# Run by test_inotify_watch_limit in a user namespace of its own, where the inotify watch limit
# can be lowered without touching the machine's: watch a KB, then add more folders than the
# limit allows (watchman on Linux takes one inotify watch per folder) and ask what changed.
LIMIT_CHILD = """
import json, os, subprocess, sys, time
from kb.index.watchman import Client, WatchmanError
program, directory, kb = sys.argv[1:4]
with open("/proc/sys/user/max_inotify_watches", "w") as limit:
    limit.write("20")
sock = os.path.join(directory, "sock")
server = subprocess.Popen(
    [program, "--foreground", "--sockname=" + sock,
     "--statefile=" + os.path.join(directory, "state"),
     "--logfile=" + os.path.join(directory, "log"),
     "--pidfile=" + os.path.join(directory, "pid")],
    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
)
outcome = {}
try:
    deadline = time.monotonic() + 10
    while True:
        try:
            client = Client(sock)
            break
        except WatchmanError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)
    watch, relative = client.watch_project(kb)
    clock = client.clock(watch)
    for i in range(30):
        os.makedirs(os.path.join(kb, "facts", "t%d" % i))
        with open(os.path.join(kb, "facts", "t%d" % i, "f.toml"), "w") as handle:
            handle.write("x = 1\\n")
    try:
        answer = client.since(watch, relative, clock)
        outcome["answer"] = [answer.fresh_instance, sorted(c.name for c in answer.changes)]
    except WatchmanError as error:
        outcome["error"] = error.reason
    try:
        client.clock(watch, 0)
        outcome["then"] = "answered"
    except WatchmanError as error:
        outcome["then"] = error.reason
finally:
    try:
        Client(sock).command("shutdown-server")
        server.wait(5)
    except Exception:
        server.kill()
        server.wait(5)
print(json.dumps(outcome))
"""


def test_inotify_watch_limit(tmp_path: Path) -> None:
    """Past the inotify watch limit watchman 4.9 poisons itself: every request fails (until
    it is restarted), so kb walks. But the query during which it failed to watch the new
    folders may still be answered, without the files in them (about one run in fifteen
    here): kb sends one more command after every answer (kb.index.watching._still_sound),
    which always fails then."""
    program = require_watchman()
    unshare = shutil.which("unshare")
    probe = (
        subprocess.run(
            [unshare, "-U", "-r", "sh", "-c", "echo 20 > /proc/sys/user/max_inotify_watches"],
            capture_output=True,
            check=False,
        )
        if unshare
        else None
    )
    if probe is None or probe.returncode != 0:
        pytest.skip("needs a user namespace where the inotify watch limit can be lowered")
    assert unshare is not None
    kb = tmp_path / "kb"
    write(kb / "kb.toml", "")
    (kb / "facts").mkdir()
    directory = tempfile.mkdtemp(prefix="kbwm-")
    try:
        env = {k: v for k, v in os.environ.items() if k != "WATCHMAN_SOCK"}
        env["PYTHONPATH"] = str(Path(__file__).resolve().parents[3])
        env["WATCHMAN_CONFIG_FILE"] = os.path.join(directory, "watchman.json")
        Path(env["WATCHMAN_CONFIG_FILE"]).write_text("{}")
        done = subprocess.run(
            [unshare, "-U", "-r", sys.executable, "-c", LIMIT_CHILD, program, directory, str(kb)],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
            check=False,
        )
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    assert done.returncode == 0, done.stderr
    outcome = json.loads(done.stdout)
    if "answer" not in outcome:
        assert "inotify" in outcome["error"] and "max_user_watches" in outcome["error"]
    assert "non-recoverable" in outcome["then"], outcome


def test_illegal_filesystem_type_is_an_error(server: Server, kb: Path) -> None:
    """How watchman refuses a network file system when configured to (illegal_fstypes in
    /etc/watchman.json): here every type is declared illegal."""
    kind = filesystem_type(str(kb))
    assert kind is not None
    server.stop()
    server.configure({"illegal_fstypes": [kind, kind.split(".")[0], "unknown"]})
    server.start()
    with server.client() as client, pytest.raises(WatchmanError, match="illegal_fstypes"):
        client.watch_project(str(kb))


def test_missing_socket_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(WatchmanError, match="cannot connect"):
        Client(str(tmp_path / "no-such-socket"))
    write(tmp_path / "file", "")
    with pytest.raises(WatchmanError, match="cannot connect"):
        Client(str(tmp_path / "file"))


# --- finding the socket -----------------------------------------------------------------------


def test_find_socket_starts_the_server() -> None:
    """`watchman get-sockname` starts a server when none runs (daemonised: stopped with
    shutdown-server, or by its pid if that fails)."""
    program = require_watchman()
    directory = tempfile.mkdtemp(prefix="kbwm-")
    spawned = Server(program, directory)
    try:
        sockname = find_socket(program, options=spawned.options)
        assert sockname == spawned.sock
        with Client(sockname) as client:
            assert client.command("version")["version"]
    finally:
        try:
            with Client(spawned.sock, timeout=2) as client:
                client.command("shutdown-server")
        except WatchmanError:
            pid_file = Path(directory) / "pid"
            if pid_file.exists() and pid_file.read_text().strip().isdigit():
                os.kill(int(pid_file.read_text()), signal.SIGKILL)
        shutil.rmtree(directory, ignore_errors=True)


def test_find_socket_without_the_program(tmp_path: Path) -> None:
    with pytest.raises(WatchmanError, match=r"no .*watchman program"):
        find_socket(str(tmp_path / "watchman"))


def test_find_socket_with_a_program_that_is_not_watchman(tmp_path: Path) -> None:
    fake = tmp_path / "watchman"
    write(fake, "#!/bin/sh\necho 'something else'\nexit 3\n")
    fake.chmod(0o755)
    with pytest.raises(WatchmanError, match="exit 3"):
        find_socket(str(fake))
    write(fake, "#!/bin/sh\nsleep 5\n")
    started = time.monotonic()
    with pytest.raises(WatchmanError, match=r"more than 0\.3 s"):
        find_socket(str(fake), timeout=0.3)
    assert time.monotonic() - started < 2.0


# --- servers that are not watchman ------------------------------------------------------------


@pytest.fixture
def fake_server() -> Iterator[Callable[[Callable[[socket.socket], None]], str]]:
    """Start a UNIX socket server whose every connection is handled by the given function;
    returns the socket path."""
    directory = tempfile.mkdtemp(prefix="kbfake-")
    listeners: list[socket.socket] = []
    threads: list[threading.Thread] = []

    def start(handle: Callable[[socket.socket], None]) -> str:
        path = os.path.join(directory, f"sock{len(listeners)}")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(path)
        listener.listen(4)
        listeners.append(listener)

        def serve() -> None:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            with connection:
                connection.recv(1 << 16)
                handle(connection)

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        threads.append(thread)
        return path

    try:
        yield start
    finally:
        for listener in listeners:
            listener.close()
        for thread in threads:
            thread.join(3)
        shutil.rmtree(directory, ignore_errors=True)


def replying(data: bytes) -> Callable[[socket.socket], None]:
    def handle(connection: socket.socket) -> None:
        connection.sendall(data)
        time.sleep(0.2)

    return handle


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"HTTP/1.1 400 Bad Request\r\n\r\n", "not a watchman reply"),
        (b"\x00\x01\x05\x10\x00\x00\x00\n", "not a watchman reply"),  # BSER, not JSON
        (b"[1, 2, 3]\n", "not a watchman reply"),
        (b'{"clock": 5}\n', "unexpected clock reply"),
        (b'{"error": "no"}\n', "watchman: no"),
        (b'{"clock": "c:1:2:3:4"', "closed the connection"),  # no end of line, then closed
        (b"", "closed the connection"),
    ],
)
def test_replies_that_are_not_watchmans_are_errors(
    fake_server: Callable[[Callable[[socket.socket], None]], str], data: bytes, reason: str
) -> None:
    path = fake_server(replying(data))
    with Client(path, timeout=1) as client, pytest.raises(WatchmanError, match=reason):
        client.clock("/kb")


def test_a_server_that_never_answers_times_out(
    fake_server: Callable[[Callable[[socket.socket], None]], str],
) -> None:
    stop = threading.Event()

    def silent(connection: socket.socket) -> None:
        stop.wait(5)

    path = fake_server(silent)
    try:
        started = time.monotonic()
        with (
            Client(path, timeout=0.3) as client,
            pytest.raises(WatchmanError, match=r"within 0\.3 s"),
        ):
            client.clock("/kb")
        assert time.monotonic() - started < 1.5
    finally:
        stop.set()


def test_a_server_that_trickles_still_meets_the_deadline(
    fake_server: Callable[[Callable[[socket.socket], None]], str],
) -> None:
    """One byte every 0.1 s never lets a single read time out: the deadline is for the
    whole reply."""
    stop = threading.Event()

    def trickle(connection: socket.socket) -> None:
        while not stop.wait(0.1):
            try:
                connection.sendall(b" ")
            except OSError:
                return

    path = fake_server(trickle)
    try:
        started = time.monotonic()
        with Client(path, timeout=0.5) as client, pytest.raises(WatchmanError):
            client.clock("/kb")
        assert time.monotonic() - started < 1.5
    finally:
        stop.set()


def test_unilateral_and_log_replies_are_skipped(
    fake_server: Callable[[Callable[[socket.socket], None]], str],
) -> None:
    path = fake_server(
        replying(
            b'{"log": "something happened", "unilateral": true}\n'
            b'{"subscription": "s", "unilateral": true, "files": []}\n'
            b'{"clock": "c:1:2:3:4", "version": "4.9.0"}\n'
        )
    )
    with Client(path, timeout=1) as client:
        assert client.clock("/kb") == "c:1:2:3:4"


def test_a_reply_in_several_pieces(
    fake_server: Callable[[Callable[[socket.socket], None]], str],
) -> None:
    def pieces(connection: socket.socket) -> None:
        for piece in (b'{"clo', b'ck": "c:1:2', b':3:4"}', b"\n"):
            connection.sendall(piece)
            time.sleep(0.02)

    with Client(fake_server(pieces), timeout=1) as client:
        assert client.clock("/kb") == "c:1:2:3:4"


# --- helpers ----------------------------------------------------------------------------------


def test_recrawl_count() -> None:
    assert recrawl_count(None) == 0
    assert recrawl_count("some other warning") == 0
    assert recrawl_count("Recrawled this watch 12 times, most recently because:\n...") == 12
    assert recrawl_count("a recrawl happened") is None


def test_reason_to_walk() -> None:
    def answer(fresh: bool, recrawls: int | None) -> Since:
        return Since("c:1", fresh, recrawls, None, [])

    assert answer(False, 0).reason_to_walk(0) is None
    assert answer(False, 2).reason_to_walk(2) is None
    assert answer(True, 0).reason_to_walk(0) is not None
    assert answer(False, 1).reason_to_walk(0) is not None
    assert answer(False, None).reason_to_walk(None) is not None
    assert answer(False, 1).reason_to_walk(None) is not None


def test_filesystem_type_matches_findmnt(tmp_path: Path) -> None:
    findmnt = shutil.which("findmnt")
    if findmnt is None or not os.path.exists("/proc/self/mountinfo"):
        pytest.skip("needs Linux and findmnt")
    expected = subprocess.run(
        [findmnt, "-n", "-o", "FSTYPE", "-T", str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert filesystem_type(str(tmp_path)) == expected
    assert filesystem_type("/proc/self") == "proc"
    if expected not in {"nfs", "nfs4", "cifs"}:
        assert network_filesystem(str(tmp_path)) is None


def test_filesystem_type_from_a_mount_table() -> None:
    table = "\n".join(
        [
            "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw",
            "30 22 0:40 / /mnt/my\\040share rw,relatime shared:7 - nfs4 srv:/export rw,vers=4.2",
            "31 22 0:41 / /mnt/my rw - tmpfs tmpfs rw",
            "32 22 0:42 / /home/me/remote rw,nosuid - fuse.sshfs me@host:/ rw,user_id=0",
            "33 32 0:43 / /home/me/remote rw - tmpfs tmpfs rw",  # mounted over the same point
        ]
    )
    assert filesystem_type("/mnt/my share/kb", table) == "nfs4"
    assert filesystem_type("/mnt/my", table) == "tmpfs"
    assert filesystem_type("/mnt/my sharexyz", table) == "ext4"
    assert filesystem_type("/home/me/remote/kb", table) == "tmpfs"
    assert filesystem_type("/home/me/remotekb", table) == "ext4"
    assert filesystem_type("/x", "garbage\n") is None
    assert network_filesystem("/mnt/my share/kb", table) == "nfs4"
    assert network_filesystem("/mnt/my", table) is None
    assert network_filesystem("/srv/kb", table) is None
    sshfs = "32 22 0:42 / /home/me/remote rw,nosuid - fuse.sshfs me@host:/ rw,user_id=0"
    assert network_filesystem("/home/me/remote/kb", sshfs) == "fuse.sshfs"
