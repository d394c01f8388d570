"""Renderers: one module per kind of result, one function per output format.

Each module exposes `RENDERERS: dict[Format, Callable[[result, Output], None]]`; the CLI looks
the function up with `pick()` and never branches on the format itself.
"""
