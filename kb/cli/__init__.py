"""The command line: the typer app and its commands, shared options, configuration from the
environment, messages and exit codes, the search fast path (which imports no typer),
completion and prompts. The only layer that reads environment variables or talks to the user.
"""
