"""Running `kb` on a pseudo-terminal (pty): stdout is a terminal of a given size, stderr a pipe,
so that what a person sees (pager, colour, width) can be checked."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path
from typing import NamedTuple

ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class Shown(NamedTuple):
    code: int
    screen: str  # everything written to the terminal, escape codes included
    stderr: str

    @property
    def text(self) -> str:
        """The screen without escape codes and carriage returns."""
        return ESCAPES.sub("", self.screen).replace("\r", "")

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines()


def environment(kb: Path, tmp_path: Path, **env: str) -> dict[str, str]:
    drop = ("NO_COLOR", "FORCE_COLOR", "KB_PAGER", "PAGER", "COLUMNS", "LINES", "LESS", "LV")
    environ = {k: v for k, v in os.environ.items() if k not in drop}
    environ.update(KB_DIR=str(kb), KB_INDEX_DIR=str(tmp_path / "index"), TERM="xterm-256color")
    environ.update(env)
    return environ


def run_on_terminal(
    args: list[str],
    kb: Path,
    tmp_path: Path,
    columns: int = 80,
    rows: int = 40,
    stdin: str | None = None,
    **env: str,
) -> Shown:
    """`kb ARGS` with stdout on a pty of `columns` x `rows` (stdin too, unless given)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    attributes = termios.tcgetattr(slave)
    attributes[1] &= ~termios.ONLCR  # keep \n as written (no \r\n)
    termios.tcsetattr(slave, termios.TCSANOW, attributes)
    process = subprocess.Popen(
        [sys.executable, "-m", "kb", *args],
        stdin=subprocess.PIPE if stdin is not None else slave,
        stdout=slave,
        stderr=subprocess.PIPE,
        env=environment(kb, tmp_path, **env),
        start_new_session=True,
    )
    os.close(slave)
    if stdin is not None:
        assert process.stdin is not None
        process.stdin.write(stdin.encode())
        process.stdin.close()
    chunks: list[bytes] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: every process holding the terminal has ended
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert process.stderr is not None
    stderr = process.stderr.read().decode("utf-8", "replace")
    code = process.wait(timeout=30)
    return Shown(code, b"".join(chunks).decode("utf-8", "replace"), stderr)


PAGER_SCRIPT = """\
import os, sys
out = sys.argv[1]
lines = int(sys.argv[2]) if len(sys.argv) > 2 else -1
data = []
for number, line in enumerate(sys.stdin):
    if number == lines:
        break
    data.append(line)
with open(out, "w", encoding="utf-8") as handle:
    handle.write("LESS=" + os.environ.get("LESS", "") + "\\n")
    handle.write("".join(data))
print("PAGER SAW", len(data), "LINES")
"""


def fake_pager(tmp_path: Path, quit_after: int | None = None) -> tuple[str, Path]:
    """A pager command that records what it is given (after a `LESS=...` line) in a file and
    prints one line; with `quit_after` it stops reading after that many lines."""
    script = tmp_path / "pager.py"
    script.write_text(PAGER_SCRIPT)
    record = tmp_path / "paged.txt"
    extra = f" {quit_after}" if quit_after is not None else ""
    return f"{sys.executable} {script} {record}{extra}", record
