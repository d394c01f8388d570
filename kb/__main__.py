"""The `kb` command: the search fast path when it applies, else the typer app."""

import os
import sys
from typing import NoReturn


def main() -> None:
    code: int | None = 130
    try:
        _closed_streams()
        from kb.cli.errors import Terminated, catch_termination, guarded
        from kb.cli.fastpath import run as fast_run
        from kb.cli.io import close_output

        catch_termination()
        _no_file_size_signal()
        code = guarded(lambda: fast_run(sys.argv))
        if code is None:
            from kb.cli.app import run

            code = run(sys.argv[1:])
        close_output()  # the pager, if output went through one: wait until the user quits it
    except KeyboardInterrupt:  # Ctrl-C outside a command (while starting, parsing...)
        code = 130
    except Terminated as stopped:
        code = 128 + stopped.signum
    try:
        _exit(code or 0)
    except KeyboardInterrupt:  # Ctrl-C while the output is flushed: the user wants out
        os._exit(130)


def _no_file_size_signal() -> None:
    """Past a file-size limit (ulimit -f), a write fails with EFBIG instead of the kernel
    killing kb with SIGXFSZ: the error is reported, and the index left as it was."""
    import signal

    if hasattr(signal, "SIGXFSZ"):
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def _closed_streams() -> None:
    """Streams that cannot fail on encodings; a closed stdin reads as empty; a closed stdout
    (`kb list >&-`) is an error (exit 1): data with nowhere to go (kb.cli.io.prepare_streams)."""
    from kb.cli.io import prepare_streams

    if not prepare_streams():
        sys.stderr.write("kb: error: standard output is closed\n")
        _exit(1)


def _exit(code: int) -> NoReturn:
    """Flush what was written, then end the process without tearing the interpreter down.

    Every command has closed its files, pools and locks by now; freeing every module and object
    on the way out would cost a search about a tenth of its time (docs/performance.md)."""
    for stream in (sys.stdout, sys.stderr):
        if stream is None:  # closed when kb started (see _closed_streams)
            continue
        try:
            stream.flush()
        except BrokenPipeError:  # the reader went away: what it did not read is not an error
            if stream is sys.stdout:
                code = 0  # as when the pipe closes while the command writes (kb.cli.errors)
        except (OSError, ValueError) as error:  # e.g. a full disk: say so, if stderr still works
            if stream is sys.stdout and isinstance(error, OSError):
                from kb.cli.io import os_error

                code = os_error(error, output=True)
            code = code or 1
    os._exit(code)


if __name__ == "__main__":
    main()
