"""The `kb` command line: the typer app, its commands (kb.cli.commands) and the one place
where whatever a command raises becomes a message and an exit code (kb.cli.errors).
Nothing here reads TOML or touches the index."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer
import typer.core

from kb import __version__
from kb.cli.commands import author, catalogue, compare, read, search, validate
from kb.cli.commands.export import export_app
from kb.cli.commands.new import new_app
from kb.cli.errors import USAGE, PipeClosed, guarded
from kb.cli.io import close_output, message


class KbGroup(typer.core.TyperGroup):
    """The root command group: maps errors to exit codes for every command (kb.cli.errors)
    and prints command-line usage errors as one `kb: error:` line, like kb's own."""

    def invoke(self, ctx: Any) -> Any:
        result: list[Any] = []

        def body() -> None:
            try:
                result.append(super(KbGroup, self).invoke(ctx))
            except BrokenPipeError:
                raise PipeClosed from None  # past click, which would make it exit 1

        code = guarded(body)
        if code is not None:
            raise typer.Exit(code)
        return result[0] if result else None

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        try:
            returned = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            code = returned if isinstance(returned, int) else 0
        except typer.TyperException as error:  # click's usage errors (bad option, value...)
            code = _usage_error(error)
        except typer.Abort as error:  # a prompt interrupted (Ctrl-C) or at the end of input
            interrupted = isinstance(error.__context__, KeyboardInterrupt)
            if not interrupted:
                message("no answer: the input ended")
            code = 130 if interrupted else 1
        except PipeClosed:
            code = guarded(lambda: _raise(BrokenPipeError())) or 0
        finally:
            close_output()  # the pager, if one was started
        if standalone_mode:
            sys.exit(code)
        return code


def _raise(error: BaseException) -> None:
    raise error


def _usage_error(error: typer.TyperException) -> int:
    ctx = getattr(error, "ctx", None)
    if type(error).__name__ == "NoArgsIsHelpError":  # `kb` or `kb new` alone: the help
        sys.stdout.write(error.format_message() + "\n")
        return 0
    where = f" (see: {ctx.command_path} --help)" if ctx is not None else ""
    message(f"{error.format_message().rstrip('.')}{where}")
    return error.exit_code if error.exit_code else USAGE


app = typer.Typer(
    name="kb",
    cls=KbGroup,
    help="A terminal knowledge base of facts with provenance.\n\nExample: kb search bladder",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"kb {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """A terminal knowledge base of facts with provenance.

    Example: kb search bladder
    """


app.command("show")(read.show_command)
app.command("list")(read.list_command)
app.command("validate")(validate.validate_command)
app.command("compare")(compare.compare_command)
app.command("schema")(validate.schema_command)
app.command("stats")(read.stats_command)
app.command("search")(search.search_command)
app.command("index")(search.index_command)
# kb export: the whole KB for other tools (SQLite for Datasette, JSON lines for a search engine).
app.add_typer(export_app, name="export")
app.add_typer(new_app, name="new")
# Changing a KB (issue 15: authoring)
app.command("mv")(author.mv_command)
app.command("rm")(author.rm_command)
app.command("link")(author.link_command)
app.command("edit")(author.edit_command)
app.command("init")(author.init_command)

# readers: what the facts rest on and are about
app.command("sources")(catalogue.sources_command)
app.command("subjects")(catalogue.subjects_command)
app.command("tags")(catalogue.tags_command)

# guides: what an installed kb can tell about itself (kb help search)
from kb.cli.commands.help import help_command  # noqa: E402

app.command("help")(help_command)


def run(argv: Sequence[str]) -> int:
    """Run the app on `argv` (without the program name); the exit code."""
    command = typer.main.get_command(app)
    code: int = command.main(args=list(argv), prog_name="kb", standalone_mode=False)
    return code
