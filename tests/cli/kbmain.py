"""Run `kb` as its console script does (kb.__main__.main: stream preparation, the fast path,
the typer app, the final flush and exit code), in this process, with standard streams of the
test's choosing: fast enough for property tests over thousands of invocations."""

from __future__ import annotations

import contextlib
import io
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple


class Ran(NamedTuple):
    code: int
    out: bytes
    err: bytes

    @property
    def stdout(self) -> str:
        return self.out.decode("utf-8", "replace")

    @property
    def stderr(self) -> str:
        return self.err.decode("utf-8", "replace")


class _Exited(BaseException):
    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


RUNNING = [False]  # whether kb.__main__.main is running (for tests that interrupt it)


def _raise_exit(code: int) -> None:
    RUNNING[0] = False
    raise _Exited(code)


@contextlib.contextmanager
def swapped(**streams: Any) -> Iterator[None]:
    """sys.stdin/stdout/stderr/argv replaced for a while."""
    saved = {name: getattr(sys, name) for name in streams}
    try:
        for name, value in streams.items():
            setattr(sys, name, value)
        yield
    finally:
        for name, value in saved.items():
            setattr(sys, name, value)


def text_stream(raw: Any, encoding: str) -> io.TextIOWrapper:
    return io.TextIOWrapper(raw, encoding=encoding, errors="strict", write_through=True)


def run_main(
    args: Sequence[str],
    *,
    stdin: bytes | None = b"",
    encoding: str = "utf-8",
    stdout: Any = None,
) -> Ran:
    """`kb ARGS`: its exit code, stdout and stderr (as bytes). `stdin` None is a closed stdin
    (`<&-`); `encoding` that of the three streams (as PYTHONIOENCODING would set it); `stdout`
    a text stream to use instead of a buffer (then `out` is empty)."""
    import kb.__main__

    out, err = io.BytesIO(), io.BytesIO()
    streams = {
        "argv": ["kb", *args],
        "stdin": None if stdin is None else text_stream(io.BytesIO(stdin), encoding),
        "stdout": stdout if stdout is not None else text_stream(out, encoding),
        "stderr": text_stream(err, encoding),
    }
    real_exit = os._exit
    handlers = {number: signal.getsignal(number) for number in _SIGNALS}
    os._exit = _raise_exit  # type: ignore[assignment]
    try:
        with swapped(**streams):
            try:
                RUNNING[0] = True
                kb.__main__.main()
            except _Exited as exited:
                code = exited.code
            except SystemExit as exited:  # would end a real process too, unflushed
                code = exited.code if isinstance(exited.code, int) else 1
            else:
                raise AssertionError("kb.__main__.main returned instead of exiting")
    finally:
        RUNNING[0] = False
        os._exit = real_exit
        for number, handler in handlers.items():
            signal.signal(number, handler)
    return Ran(code, out.getvalue(), err.getvalue())


_SIGNALS = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
