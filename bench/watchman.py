"""What asking watchman costs, against the walk it would replace (kb.index.watchman).

    python bench/watchman.py [--facts 1000,100000] [--kb DIR] [--runs 50] [--workdir DIR]

Starts a private watchman server (its own socket, state and log in a temporary directory;
stopped at the end) and, for each KB, times: watch-project (watchman's first crawl) and the
server's CPU and memory for it; a connection and a `since` query when nothing changed, with
the cookie sync and without; the same after one fact was edited; and kb's walk of the KB
(kb.scan.listing), for comparison. Synthetic KBs are made by bench/generate.py in --workdir
(kept: 100k facts take a few seconds to generate, ~0.4 GB); the edit is made only in those, on
a file the script creates and deletes. --kb adds a KB of yours, measured read-only. Also: the
import of kb.index.watchman in a fresh process, and `watchman get-sockname` with the server up.
Medians, with the minimum and maximum.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(1, str(REPO / "bench"))

from generate import generate  # noqa: E402

from kb.index.scan import listing  # noqa: E402
from kb.index.watchman import Client, WatchmanError, find_socket  # noqa: E402


def timed(function: Callable[[], object], runs: int) -> str:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return (
        f"{statistics.median(times) * 1e3:.3f} ms "
        f"(min {min(times) * 1e3:.3f}, max {max(times) * 1e3:.3f}; {runs} runs)"
    )


def import_time(runs: int) -> str:
    """kb.index.watchman's import in a fresh process, after what a kb search imports anyway."""
    code = (
        "import json, os, re, typing, time, kb\n"
        "t = time.perf_counter()\nimport kb.index.watchman\n"
        "print(time.perf_counter() - t)"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    samples = [
        float(
            subprocess.run(
                [sys.executable, "-c", code],
                capture_output=True,
                text=True,
                env=env,
                check=True,
                cwd=REPO,
            ).stdout
        )
        for _ in range(runs + 1)
    ][1:]  # the first run writes the .pyc
    return f"{statistics.median(samples) * 1e3:.3f} ms (min {min(samples) * 1e3:.3f})"


class Server:
    def __init__(self, directory: str) -> None:
        self.sock = os.path.join(directory, "sock")
        self.options = [
            f"--sockname={self.sock}",
            f"--statefile={directory}/state",
            f"--logfile={directory}/log",
            f"--pidfile={directory}/pid",
        ]
        env = {k: v for k, v in os.environ.items() if k != "WATCHMAN_SOCK"}
        env["WATCHMAN_CONFIG_FILE"] = os.path.join(directory, "watchman.json")
        Path(env["WATCHMAN_CONFIG_FILE"]).write_text("{}")
        self.process = subprocess.Popen(
            ["watchman", "--foreground", *self.options],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                Client(self.sock).close()
                return
            except WatchmanError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def usage(self) -> tuple[float, int]:
        """CPU seconds used so far and resident memory in MB."""
        stat = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        cpu = (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        rss = next(line for line in status.splitlines() if line.startswith("VmRSS"))
        return cpu, int(rss.split()[1]) // 1024

    def stop(self) -> None:
        try:
            with Client(self.sock) as client:
                client.command("shutdown-server")
            self.process.wait(10)
        except (WatchmanError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait(10)


def measure(server: Server, label: str, root: Path, runs: int, editable: bool) -> None:
    print(f"\n== {label}: {root}")
    cpu, rss = server.usage()
    started = time.perf_counter()
    with Client(server.sock, timeout=600) as client:
        watch, relative = client.watch_project(str(root))
        crawled = time.perf_counter()
        clock = client.clock(watch, 600_000)
    done = time.perf_counter()
    cpu_after, rss_after = server.usage()
    print(
        f"watch-project {(crawled - started) * 1e3:.1f} ms, then clock {(done - crawled) * 1e3:.1f}"
        f" ms (watch {watch}, relative path {relative}); server CPU {cpu_after - cpu:.2f} s,"
        f" memory {rss} -> {rss_after} MB"
    )

    def ask(sync_ms: int) -> Callable[[], object]:
        def query() -> object:
            with Client(server.sock) as client:
                answer = client.since(watch, relative, clock, sync_ms)
            assert not answer.fresh_instance and not answer.changes, answer
            return answer

        return query

    print("connect + since, nothing changed, with sync:   ", timed(ask(1000), runs))
    print("connect + since, nothing changed, without sync:", timed(ask(0), runs))
    with Client(server.sock) as client:
        print(
            "since on an open connection, with sync:        ",
            timed(lambda: client.since(watch, relative, clock), runs),
        )
    if editable:
        path = root / "facts" / "zz-watchman-bench.toml"
        path.write_text('id = "zz"\n')
        with Client(server.sock) as client:
            clock = client.clock(watch)

        def edit_and_ask() -> None:
            nonlocal clock
            with path.open("a") as handle:
                handle.write("#\n")
            with Client(server.sock) as client:
                answer = client.since(watch, relative, clock)
            assert [c.name for c in answer.changes] == ["facts/zz-watchman-bench.toml"]
            clock = answer.clock

        try:
            print("one fact edited, then connect + since, sync:  ", timed(edit_and_ask, runs))
        finally:
            path.unlink()
    print(
        "kb's walk (kb.scan.listing), for comparison:  ",
        timed(lambda: listing(root), max(3, runs // 10)),
    )
    cpu, rss = server.usage()
    print(f"server now: CPU {cpu:.2f} s in all, memory {rss} MB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--facts", default="1000", help="sizes of synthetic KBs (default 1000)")
    parser.add_argument("--kb", type=Path, action="append", default=[], help="a KB, read-only")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "kb-bench-watchman"
    )
    args = parser.parse_args(argv)
    if shutil.which("watchman") is None:
        parser.error("no watchman program on PATH")
    print("import kb.index.watchman, fresh process:", import_time(max(5, args.runs // 10)))
    directory = tempfile.mkdtemp(prefix="kbwm-")
    server = Server(directory)
    try:
        print(
            "watchman get-sockname, server running:",
            timed(lambda: find_socket(options=server.options), 5),
        )
        for n in (int(size) for size in args.facts.split(",") if size):
            root = args.workdir / str(n)
            if not root.exists():
                partial = root.with_name(f"{n}.partial")
                shutil.rmtree(partial, ignore_errors=True)
                generate(n, partial)
                partial.rename(root)
            measure(server, f"{n} synthetic facts", root, args.runs, editable=True)
        for root in args.kb:
            measure(server, "KB", root.resolve(), args.runs, editable=False)
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
