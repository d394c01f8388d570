"""Long output to a terminal goes through a pager, as git does it.

The pager command and its environment come from kb.cli.config ($KB_PAGER, else $PAGER, else
`less -FRX`; LESS=FRX and LV=-c when unset). It is started on the first write, so a command
that prints nothing (only a message on stderr) never starts it. While it runs, Ctrl-C is left
to the pager (kb ignores it, as git does); when the user quits the pager early, the next write
fails with BrokenPipeError and the command ends quietly (kb.cli.errors). At the end kb closes
the pipe and waits for the pager, so the shell prompt comes back after it.

Typer- and rich-free; only imported when the output is a terminal and paging is on.
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
from typing import IO, Any

_SHELL_CHARS = frozenset("|&;<>()$`\\\"'*?[#~=%")


class PagerStream:
    """A text stream that starts the pager on its first write and writes into its stdin."""

    encoding = "utf-8"
    errors = "strict"

    def __init__(self, command: str, env: dict[str, str], fallback: IO[str]) -> None:
        self.command, self.env, self.fallback = command, env, fallback
        self.process: subprocess.Popen[bytes] | None = None
        self._pipe: IO[str] | None = None
        self._previous_sigint: Any = None
        self.started = False

    def _start(self) -> IO[str]:
        self.started = True
        try:
            self.process = subprocess.Popen(
                _argv(self.command), stdin=subprocess.PIPE, env=self.env, close_fds=True
            )
        except OSError as error:  # no such program: write to the terminal directly
            from kb.cli.io import message

            if self.command != _default():
                message(f"cannot start the pager {self.command!r}: {error.strerror or error}")
            return self.fallback
        assert self.process.stdin is not None
        import io

        self._pipe = io.TextIOWrapper(self.process.stdin, encoding="utf-8", errors="replace")
        with contextlib.suppress(ValueError):  # not the main thread
            self._previous_sigint = signal.signal(signal.SIGINT, signal.SIG_IGN)
        return self._pipe

    @property
    def target(self) -> IO[str]:
        if not self.started:
            return self._start()
        return self._pipe if self._pipe is not None else self.fallback

    def write(self, text: str) -> int:
        return self.target.write(text)

    def flush(self) -> None:
        if self.started:
            self.target.flush()

    def isatty(self) -> bool:
        return True  # what it shows ends up on the terminal

    def fileno(self) -> int:
        return self.fallback.fileno()  # the terminal's (for its size)

    def close(self) -> None:
        """Let the pager read the rest and wait until the user quits it."""
        if self._pipe is not None:
            with contextlib.suppress(BrokenPipeError, OSError, ValueError):
                self._pipe.close()
        if self.process is not None:
            while True:
                try:
                    self.process.wait()
                    break
                except KeyboardInterrupt:
                    continue
        if self._previous_sigint is not None:
            with contextlib.suppress(ValueError):
                signal.signal(signal.SIGINT, self._previous_sigint)
            self._previous_sigint = None
        self._pipe, self.process = None, None


def _default() -> str:
    from kb.cli.config import DEFAULT_PAGER

    return DEFAULT_PAGER


def _argv(command: str) -> list[str]:
    """The command as git runs it: words split on blanks, or through the shell when it has
    shell syntax (quotes, $VARIABLES, pipes...)."""
    if not _SHELL_CHARS & set(command):
        return command.split()
    return ["cmd", "/c", command] if sys.platform == "win32" else ["/bin/sh", "-c", command]
