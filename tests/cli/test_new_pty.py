"""`kb new` in a real pseudo-terminal: the prompts appear, answers are checked as typed, and
the end of input (Ctrl-D) ends it without a traceback."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

pty = pytest.importorskip("pty")  # POSIX only
KB = str(Path(sys.executable).parent / "kb")


class Terminal:
    """A kb process whose stdin, stdout and stderr are one pseudo-terminal."""

    def __init__(self, args: list[str], cwd: Path) -> None:
        self.master, slave = pty.openpty()
        env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
        self.process = subprocess.Popen(
            [KB, *args], stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env=env, close_fds=True
        )
        os.close(slave)
        self.seen = ""

    def expect(self, text: str, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.seen:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"waited for {text!r}; saw {self.seen!r}"
            ready, _, _ = select.select([self.master], [], [], remaining)
            if ready:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:  # the process ended
                    chunk = b""
                if not chunk:
                    assert text in self.seen, f"ended before {text!r}; saw {self.seen!r}"
                self.seen += chunk.decode("utf-8", errors="replace")

    def send(self, line: str) -> None:
        os.write(self.master, line.encode() + b"\r")

    def end_of_input(self) -> None:
        os.write(self.master, b"\x04")

    def finish(self) -> int:
        code = self.process.wait(timeout=20)
        try:
            while chunk := os.read(self.master, 4096):
                self.seen += chunk.decode("utf-8", errors="replace")
        except OSError:
            pass
        os.close(self.master)
        return code


def test_new_subject_in_a_terminal(mini_kb: Path) -> None:
    term = Terminal(["new", "subject", "--name", "Doohickey"], mini_kb)
    term.expect("Kind (drug, organisation):")
    term.send("drugg")
    term.expect("did you mean 'drug'")
    term.send("drug")
    term.expect("Id [doohickey]:")
    term.send("")
    assert term.finish() == 0, term.seen
    assert "subjects/doohickey.toml" in term.seen
    data = tomllib.loads((mini_kb / "subjects" / "doohickey.toml").read_text())
    assert data == {"id": "doohickey", "name": "Doohickey", "kind": "drug"}


def test_end_of_input_at_a_prompt(mini_kb: Path) -> None:
    term = Terminal(["new", "fact", "--statement", "Widgetol is sold as pills."], mini_kb)
    term.expect("Subject (id, name or alias):")
    term.end_of_input()
    assert term.finish() == 1
    assert "no answer: the input ended" in term.seen
    assert "Traceback" not in term.seen
    assert not (mini_kb / "facts" / "pharmacology").exists()
