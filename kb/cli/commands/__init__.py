"""One module per group of `kb` commands; kb.cli.app registers them. Each command parses its
options, resolves configuration (kb.cli.config), calls the library, picks a renderer and
returns or raises typer.Exit with the exit code; errors are mapped in one place
(kb.cli.errors, through kb.cli.app)."""
