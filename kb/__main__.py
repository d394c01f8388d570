"""The `kb` command: the search fast path when it applies, else the typer app."""

import os
import sys
from typing import NoReturn


def main() -> None:
    _closed_streams()
    from kb.cli.errors import guarded
    from kb.cli.fastpath import run as fast_run
    from kb.cli.io import close_output

    code = guarded(lambda: fast_run(sys.argv))
    if code is None:
        from kb.cli.app import run

        code = run(sys.argv[1:])
    close_output()  # the pager, if output went through one: wait until the user quits it
    _exit(code)


def _closed_streams() -> None:
    """A stream the shell closed (`kb list >&-`, `2>&-`) is None in Python: messages then go
    nowhere, and data with nowhere to go is an error (exit 1)."""
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 (open for the rest of the process)
    if sys.stdout is None:
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
            pass
        except (OSError, ValueError) as error:  # e.g. a full disk: say so, if stderr still works
            if stream is sys.stdout and isinstance(error, OSError):
                from kb.cli.io import os_error

                code = os_error(error)
            code = code or 1
    os._exit(code)


if __name__ == "__main__":
    main()
