"""Every command, in every format, whatever the standard streams are: a terminal or a stream
that cannot encode the text, a pipe closed by its reader, a closed stdin, Ctrl-C at any moment.
No traceback, and the same outcome as in the ordinary case (docs/cli.md).

The invocations come from tests/cli/matrix.py (every registered command in every format it
offers); they run in this process through kb.__main__.main (tests/cli/kbmain.py), with a few
real processes for what only a real process shows.
"""

from __future__ import annotations

import contextlib
import gc
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli.kbmain import RUNNING, Ran, run_main
from tests.cli.matrix import (
    ARGUMENTS,
    Invocation,
    commands,
    invocations,
    needs_arguments,
    no_editor,  # noqa: F401 (an autouse fixture)
)
from tests.cli.test_pipes import kb_environment

HUMAN = {"rich"}
TIMING = re.compile(rb"\d+\.\d+ s\b|\"seconds\": [\d.]+")


def test_every_command_that_needs_arguments_has_some() -> None:
    missing = [path for path, cmd in commands().items() if needs_arguments(cmd)]
    assert not [path for path in missing if path not in ARGUMENTS], (
        "add the new command's arguments to tests/cli/matrix.py ARGUMENTS"
    )


@pytest.fixture
def unicode_kb(mini_kb: Path) -> Path:
    """The mini KB with text no ASCII stream can hold, in entries, a file name and a message."""
    fact = mini_kb / "facts" / "core" / "widgetol-bladder-damage.toml"
    fact.write_text(
        fact.read_text(encoding="utf-8").replace(
            "can harm the bladder.", "can harm the bladder – “badly”, says the café (膀胱)."
        ),
        encoding="utf-8",
    )
    subject = mini_kb / "subjects" / "widgetol.toml"
    subject.write_text(
        subject.read_text(encoding="utf-8").replace('name = "', 'name = "Wïdgetøl ', 1),
        encoding="utf-8",
    )
    (mini_kb / "facts" / "core" / "café-ünknown.toml").write_text('id = "x"\n', encoding="utf-8")
    return mini_kb


def every(kb: Path) -> list[Invocation]:
    return [
        *invocations(str(kb)),
        Invocation("--help", ["--help"], None),
        Invocation("--version", ["--version"], None),
        Invocation("(nothing)", [], None),
        Invocation("show - (ids on stdin)", ["show", "-", "--kb", str(kb)], "plain"),
    ]


CASES = [inv.name for inv in every(Path("KB"))]


def invocation(name: str, kb: Path) -> Invocation:
    return next(inv for inv in every(kb) if inv.name == name)


def masked(raw: bytes) -> bytes:
    return TIMING.sub(b"TIME", raw)


def assert_no_traceback(ran: Ran) -> None:
    assert b"Traceback" not in ran.err and b"Traceback" not in ran.out, ran.stderr
    for line in ran.stderr.splitlines():
        assert line.startswith("kb: ") or not line.strip(), f"not a kb message: {line!r}"


STDIN = b"widgetol-bladder-damage\n"


@pytest.mark.parametrize("name", CASES)
def test_an_ascii_stream_never_breaks_a_command(name: str, unicode_kb: Path) -> None:
    """PYTHONIOENCODING=ascii or a C locale: machine formats are still UTF-8, byte for byte
    what a UTF-8 stream gets; text for people and messages degrade to ASCII."""
    inv = invocation(name, unicode_kb)
    run_main(inv.args, stdin=STDIN)  # builds the index: the runs below find it up to date
    utf8 = run_main(inv.args, stdin=STDIN)
    ascii_ = run_main(inv.args, stdin=STDIN, encoding="ascii")
    assert_no_traceback(ascii_)
    assert ascii_.code == utf8.code, ascii_.stderr
    ascii_.err.decode("ascii")  # messages escaped (\u2013), never an encoding error
    if inv.fmt in HUMAN or inv.args[:1] in (["--help"], []):
        ascii_.out.decode("ascii")
        assert len(ascii_.out.splitlines()) == len(utf8.out.splitlines())
    else:
        assert masked(ascii_.out) == masked(utf8.out)
        utf8.out.decode("utf-8")


def test_non_utf8_stdout_in_a_real_process(shipped_kb: Path, tmp_path: Path) -> None:
    """The issue's examples: JSON through an ASCII stdout, and kb show whole."""

    def kb(*args: str, **env: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [sys.executable, "-m", "kb", *args],
            capture_output=True,
            env=kb_environment(shipped_kb, tmp_path, **env),
            timeout=120,
            check=False,
        )

    found = kb("search", "insurance", "-f", "json", PYTHONIOENCODING="ascii")
    assert found.returncode == 0 and b"Traceback" not in found.stderr
    import json

    answer = json.loads(found.stdout.decode("utf-8"))
    hits = answer["hits"] if isinstance(answer, dict) else answer
    assert hits and any(ord(c) > 127 for c in json.dumps(hits, ensure_ascii=False))
    ids = [hit["id"] for hit in hits]
    for fmt in ("plain", "rich"):
        shown = kb("show", *ids, "-f", fmt, PYTHONIOENCODING="ascii")
        whole = kb("show", *ids, "-f", fmt)
        assert shown.returncode == 0 and b"Traceback" not in shown.stderr, shown.stderr
        assert len(shown.stdout.splitlines()) == len(whole.stdout.splitlines())


@pytest.mark.parametrize("name", CASES)
def test_a_pipe_closed_by_its_reader_ends_quietly_with_exit_0(name: str, mini_kb: Path) -> None:
    """The reader is gone before kb writes a byte (the end of `| head -0`): whatever the
    command and format, exit 0, no message about it (docs/cli.md)."""
    inv = invocation(name, mini_kb)
    run_main(inv.args, stdin=STDIN)  # builds the index (or the KB of kb init)
    normal = run_main(inv.args, stdin=STDIN)
    read_end, write_end = os.pipe()
    os.close(read_end)
    with open(write_end, "w", encoding="utf-8") as closed:
        ran = run_main(inv.args, stdin=STDIN, stdout=closed)
        with contextlib.suppress(BrokenPipeError):
            closed.close()
    assert_no_traceback(ran)
    assert b"broken pipe" not in ran.err.lower() and b"BrokenPipe" not in ran.err
    assert ran.code == (0 if normal.out else normal.code), ran.stderr


@pytest.mark.parametrize(
    "args",
    [
        "search ketamine --all -f rich",
        "search ketamine --all -f plain",
        "show $(kb list -f ids) -f rich",
        "list -f json",
        "stats -f rich",
        "compare ketamine esketamine -f rich",
    ],
)
def test_head_closing_the_pipe_of_a_real_process(
    args: str, shipped_kb: Path, tmp_path: Path
) -> None:
    """More output than a pipe holds (the shipped KB), so kb meets the closed pipe mid-way."""
    kb = f"'{sys.executable}' -m kb"
    command = args.replace("$(kb ", f"$({kb} ")
    proc = subprocess.run(
        ["bash", "-c", f"{kb} {command} | head -1 >/dev/null; exit ${{PIPESTATUS[0]}}"],
        capture_output=True,
        env=kb_environment(shipped_kb, tmp_path),
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert b"Traceback" not in proc.stderr and b"BrokenPipe" not in proc.stderr


@pytest.mark.parametrize("name", CASES)
def test_a_closed_stdin_is_an_empty_one(name: str, mini_kb: Path) -> None:
    """`<&-`: the same as `</dev/null` (empty, not a terminal: nothing is asked)."""
    inv = invocation(name, mini_kb)
    run_main(inv.args, stdin=b"")  # builds the index
    empty = run_main(inv.args, stdin=b"")
    closed = run_main(inv.args, stdin=None)
    assert_no_traceback(closed)
    assert (closed.code, masked(closed.out), closed.err) == (
        empty.code,
        masked(empty.out),
        empty.err,
    )


@pytest.mark.parametrize("args", ["show -", "new fact", "new source", "list"])
def test_a_closed_stdin_in_a_real_process(args: str, mini_kb: Path, tmp_path: Path) -> None:
    def run(redirect: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            ["bash", "-c", f"'{sys.executable}' -m kb {args} {redirect}"],
            capture_output=True,
            env=kb_environment(mini_kb, tmp_path),
            timeout=60,
            check=False,
        )

    closed, empty = run("<&-"), run("</dev/null")
    assert b"Traceback" not in closed.stderr, closed.stderr
    assert (closed.returncode, closed.stdout, closed.stderr) == (
        empty.returncode,
        empty.stdout,
        empty.stderr,
    )


class _Alarm:
    """Ctrl-C (a KeyboardInterrupt, as Python's SIGINT handler raises it) after a delay, only
    while kb runs."""

    def __init__(self, delay: float) -> None:
        self.delay, self.fired = delay, False

    def handler(self, signum: int, frame: object) -> None:
        if RUNNING[0]:
            self.fired = True
            raise KeyboardInterrupt

    def __enter__(self) -> _Alarm:
        # Other tests' garbage, collected while kb runs, would run finalizers, in which Python
        # ignores exceptions (a KeyboardInterrupt there is lost, as in any Python program).
        gc.collect()
        gc.disable()
        self.previous = signal.signal(signal.SIGALRM, self.handler)
        signal.setitimer(signal.ITIMER_REAL, self.delay)
        return self

    def __exit__(self, *exc: object) -> None:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self.previous)
        gc.enable()


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs setitimer (POSIX)")
@pytest.mark.parametrize("name", CASES)
def test_ctrl_c_at_any_moment_exits_130(name: str, mini_kb: Path) -> None:
    """Interrupted at many moments of its run (starting, parsing, reading, indexing, writing
    output), a command ends with 130 and no traceback; the next run works as if nothing
    happened (an interrupted index update left the index as it was)."""
    inv = invocation(name, mini_kb)
    run_main(inv.args, stdin=STDIN)  # builds the index
    started = time.perf_counter()
    baseline = run_main(inv.args, stdin=STDIN)
    took = time.perf_counter() - started
    fired = 0
    for step in range(12):
        delay = max(1e-4, took * (step + 0.5) / 12)
        with _Alarm(delay) as alarm:
            ran = run_main(inv.args, stdin=STDIN)
        assert_no_traceback(ran)
        if alarm.fired:
            fired += 1
            assert ran.code == 130, (delay, ran.stderr)
        else:
            assert ran.code == baseline.code
    assert fired, "the interruption never happened: the test proves nothing"
    again = run_main(inv.args, stdin=STDIN)
    assert (again.code, masked(again.out)) == (baseline.code, masked(baseline.out))


@pytest.mark.skipif(os.name != "posix", reason="pseudo-terminals (POSIX)")
def test_ctrl_c_at_a_prompt_exits_130(mini_kb: Path, tmp_path: Path) -> None:
    """`kb new fact` in a terminal asks for what is missing; Ctrl-C there ends it with 130."""
    import pty

    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kb", "new", "fact"],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=kb_environment(mini_kb, tmp_path),
    )
    os.close(follower)
    seen = b""
    deadline = time.monotonic() + 60
    try:
        while b": " not in seen and time.monotonic() < deadline:
            import select

            ready, _, _ = select.select([leader], [], [], 0.5)
            if ready:
                try:
                    seen += os.read(leader, 1024)
                except OSError:
                    break
        assert b": " in seen, f"no prompt: {seen!r}"
        # Waiting for the answer, like a person (Python cannot see a signal that arrives
        # between the prompt and the read: the read then waits for input).
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=30)
        rest = b""
        try:
            while chunk := os.read(leader, 4096):
                rest += chunk
        except OSError:
            pass
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(leader)
    assert code == 130, seen + rest
    assert b"Traceback" not in seen + rest


def test_a_byte_order_mark_starting_stdin_is_dropped(mini_kb: Path) -> None:
    """Windows tools start UTF-8 text with a BOM: it is not part of the first id."""
    args = ["show", "-", "--kb", str(mini_kb), "-f", "ids"]
    ran = run_main(args, stdin=b"\xef\xbb\xbfwidgetol-schedule-iv\r\nwidgetol-bladder-damage\n")
    assert (ran.code, ran.stdout, ran.stderr) == (
        0,
        "widgetol-schedule-iv\nwidgetol-bladder-damage\n",
        "",
    )
