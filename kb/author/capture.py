"""Capturing a source's text as its snapshot (`kb new source --from FILE`).

Plain text and Markdown are kept as they are. HTML is turned into text by inscriptis
(Apache-2.0; it lays out paragraphs, lists and tables as text and drops scripts and styles),
imported only here, when an HTML page is captured: it is never on the search path.
"""

from __future__ import annotations

import re
from pathlib import Path

from kb.core.errors import UsageError

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
_HTML_START = re.compile(
    rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.I | re.S
)


def is_html(raw: bytes, name: str | None = None) -> bool:
    """Whether the bytes are an HTML page: by the file's suffix, else by how they start."""
    if name is not None and name.lower().endswith(HTML_SUFFIXES):
        return True
    return bool(_HTML_START.match(raw[:4096].removeprefix(b"\xef\xbb\xbf")))


def _declared_charset(raw: bytes) -> str | None:
    """The charset a page declares (`<meta charset=...>`), when Python knows it."""
    import codecs

    found = re.search(rb"""charset=["']?([A-Za-z0-9_.:-]+)""", raw[:4096], re.I)
    if found is None:
        return None
    name = found.group(1).decode("ascii")
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def html_to_text(html: str) -> str:
    """The text of an HTML page as a reader sees it: one paragraph after another."""
    from inscriptis import get_text

    lines = [line.rstrip() for line in get_text(html).splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n") + "\n"


def snapshot_bytes(raw: bytes, name: str | None = None) -> tuple[bytes, bool]:
    """The snapshot to keep for a captured file (its name, when it has one, tells HTML apart)
    and whether it was converted from HTML. The text must be UTF-8 (a byte order mark is
    dropped); a usage error otherwise."""
    html = is_html(raw, name)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if not html:
            where = f"{name}: " if name else ""
            raise UsageError(
                f"{where}not UTF-8 text (byte {error.start}); convert it to UTF-8 first"
            ) from None
        text = raw.decode(_declared_charset(raw) or "cp1252", errors="replace")
    if html:
        text = html_to_text(text)
    if not text.strip():
        raise UsageError(f"{name or 'the input'}: no text to keep as a snapshot")
    return text.encode("utf-8"), html


def read_input(source: str, stdin: bytes | None = None) -> tuple[bytes, str | None]:
    """The bytes of `--from` (a file, or `-` for the given stdin bytes) and the file name."""
    if source == "-":
        return stdin or b"", None
    path = Path(source).expanduser()
    try:
        return path.read_bytes(), path.name
    except OSError as error:
        raise UsageError(f"--from: cannot read {source}: {error.strerror or error}") from None
