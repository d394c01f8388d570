"""The one mapping from what can go wrong to a message and an exit code, for every command
(the typer app and the search fast path alike):

| what | message on stderr | exit |
|---|---|---|
| a domain error (kb.core.errors.KbError) | `kb: error: ...` | its `exit_code` (1; usage: 2) |
| a command-line usage error (typer/click) | `kb: error: ...` (one line) | 2 |
| the reader closed the pipe | none | 0 |
| Ctrl-C | none | 130 |
| an operating-system error no command caught (a full disk) | `kb: error: ...` | 1 |

Typer-free: the fast path uses it.
"""

from __future__ import annotations

from collections.abc import Callable

from kb.cli.io import detail as show_detail
from kb.cli.io import message, os_error, silence_stdout
from kb.core.errors import KbError

USAGE = 2
INTERRUPTED = 130


class PipeClosed(Exception):
    """A BrokenPipeError raised inside a typer command, carried past click (which would turn
    it into exit 1) to `guarded`."""


def guarded(body: Callable[[], int | None]) -> int | None:
    """Run a command's body; its exit code, or the code of what went wrong (see above)."""
    try:
        return body()
    except KbError as error:
        message(error.message)
        for detail in error.details:
            show_detail(detail)
        return error.exit_code
    except (BrokenPipeError, PipeClosed):
        silence_stdout()
        return 0
    except KeyboardInterrupt:
        return INTERRUPTED
    except OSError as error:
        return os_error(error)
