"""Private watchman servers for the tests (and bench/run.py): each has its own socket, state,
log, pid and configuration files in a short temporary directory, so a user's server is never
touched, and is stopped by whoever started it, even when a test fails.

`Server.wrapper(folder)` writes a `watchman` program into `folder` that runs the real one with
the server's own options: put that folder first on PATH and every `watchman` kb runs (its
`get-sockname`, which starts a server when none runs) talks to this server, or starts it.

Without a watchman program the tests that need one are skipped, unless KB_REQUIRE_WATCHMAN=1
(set by .ci/run): then they fail, so that CI cannot pass without testing the watcher.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from kb.index.watchman import Client, WatchmanError

WATCHMAN = shutil.which("watchman")


def require_watchman() -> str:
    import pytest

    if WATCHMAN is None:
        if os.environ.get("KB_REQUIRE_WATCHMAN") == "1":
            pytest.fail("KB_REQUIRE_WATCHMAN=1 but there is no watchman program on PATH")
        pytest.skip("no watchman program (KB_REQUIRE_WATCHMAN=1 makes this a failure)")
    return WATCHMAN


class Server:
    """A private watchman server in `directory`: started in the foreground as our child, so
    that stopping it is certain. The directory is short (a UNIX socket path has at most
    about 100 bytes, too few for pytest's tmp_path)."""

    def __init__(self, program: str, directory: str) -> None:
        self.program, self.directory = program, directory
        self.sock = os.path.join(directory, "sock")
        self.config = os.path.join(directory, "watchman.json")
        self.pidfile = os.path.join(directory, "pid")
        self.process: subprocess.Popen[bytes] | None = None
        self.options = [
            f"--sockname={self.sock}",
            f"--statefile={os.path.join(directory, 'state')}",
            f"--logfile={os.path.join(directory, 'log')}",
            f"--pidfile={self.pidfile}",
        ]
        self.configure({})

    def configure(self, config: dict[str, object]) -> None:
        """watchman's global configuration (instead of /etc/watchman.json), for the next
        start."""
        Path(self.config).write_text(json.dumps(config))

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "WATCHMAN_SOCK"}
        env["WATCHMAN_CONFIG_FILE"] = self.config
        return env

    def wrapper(self, folder: Path) -> Path:
        """A `watchman` program in `folder` that is the real one with this server's options."""
        folder.mkdir(parents=True, exist_ok=True)
        program = folder / "watchman"
        options = " ".join(shlex.quote(option) for option in self.options)
        program.write_text(
            "#!/bin/sh\n"
            f"WATCHMAN_CONFIG_FILE={shlex.quote(self.config)}; export WATCHMAN_CONFIG_FILE\n"
            "unset WATCHMAN_SOCK\n"
            f'exec {shlex.quote(self.program)} {options} "$@"\n'
        )
        program.chmod(0o755)
        return program

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.program, "--foreground", *self.options],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=self.env(),
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                with Client(self.sock, timeout=1) as client:
                    if client.command("get-pid")["pid"] == self.process.pid:
                        return
            except WatchmanError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"watchman did not start: see {self.directory}/log")
            time.sleep(0.02)

    def running(self) -> bool:
        """Whether a server answers on this server's socket (ours, or one kb started)."""
        try:
            with Client(self.sock, timeout=2) as client:
                client.command("get-pid")
        except WatchmanError:
            return False
        return True

    def stop(self) -> None:
        """Stop the server: ours, and any other one started on this socket (by kb, through
        the wrapper), by asking it, else by its pid."""
        if self.process is not None:
            self.process.send_signal(signal.SIGCONT)  # in case a test stopped it
        with contextlib.suppress(WatchmanError), Client(self.sock, timeout=2) as client:
            client.command("shutdown-server")
        if self.process is not None:
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
            self.process = None
        self._kill_spawned()

    def _kill_spawned(self) -> None:
        """A daemon started by `watchman get-sockname` writes its pid to our pid file."""
        try:
            pid = int(Path(self.pidfile).read_text().strip())
        except (OSError, ValueError):
            return
        deadline = time.monotonic() + 5
        while not _gone(pid, self.sock):
            if time.monotonic() > deadline:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
                return
            time.sleep(0.05)

    def client(self, timeout: float = 2.0) -> Client:
        return Client(self.sock, timeout=timeout)


def _gone(pid: int, sock: str) -> bool:
    """Whether `pid` is no longer a live watchman of this socket (exited, or the number was
    reused by another process)."""
    try:
        status = Path(f"/proc/{pid}/stat").read_text()
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True
    return status.rsplit(")", 1)[1].split()[0] == "Z" or sock.encode() not in command


@contextlib.contextmanager
def private_server(start: bool = True) -> Iterator[Server]:
    """A private server (started unless `start` is False), stopped and removed afterwards,
    whatever happens."""
    program = require_watchman()
    directory = tempfile.mkdtemp(prefix="kbwm-")
    server = Server(program, directory)
    try:
        if start:
            server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)
