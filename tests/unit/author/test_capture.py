"""kb.author.capture: a source's text kept as its snapshot."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kb.author.capture import html_to_text, is_html, snapshot_bytes
from kb.core.errors import UsageError

PAGE = (
    b"<!DOCTYPE html><html><head><title>T</title><style>p {color: red}</style>"
    b"<script>var hidden = 1;</script></head><body><h1>Widgetol &amp; you</h1>"
    b"<p>Long-term use of widgetol can <b>damage</b> the bladder.</p>"
    b"<ul><li>first</li><li>second</li></ul><p>It&#8217;s &ldquo;fine&rdquo;.</p></body></html>"
)


def test_html_becomes_the_text_a_reader_sees() -> None:
    text, converted = snapshot_bytes(PAGE, "page.html")
    assert converted
    lines = text.decode().splitlines()
    assert "Widgetol & you" in lines
    assert "Long-term use of widgetol can damage the bladder." in lines
    assert "It’s “fine”." in lines
    assert "hidden" not in text.decode() and "color" not in text.decode()
    assert text.endswith(b"\n") and not text.endswith(b"\n\n")


def test_html_is_recognised_by_name_or_content() -> None:
    assert is_html(PAGE)
    assert is_html(b"  <!-- saved -->\n<html lang=en>", None)
    assert is_html(b"anything", "Saved Page.HTM")
    assert not is_html(b"# A Markdown title\n\nSome <b>inline</b> HTML.", "notes.md")
    assert not is_html(b"plain text", None)


def test_text_and_markdown_are_kept_as_they_are() -> None:
    markdown = "# Title\n\n* a *list*  \n\n\nWidgetol’s text\r\n".encode()
    assert snapshot_bytes(markdown, "notes.md") == (markdown, False)
    assert snapshot_bytes(b"\xef\xbb\xbfwith a BOM\n") == (b"with a BOM\n", False)


def test_refusals() -> None:
    with pytest.raises(UsageError, match="not UTF-8"):
        snapshot_bytes(b"caf\xe9\n", "latin1.txt")
    with pytest.raises(UsageError, match="no text"):
        snapshot_bytes(b"  \n", "empty.txt")
    with pytest.raises(UsageError, match="no text"):
        snapshot_bytes(b"<html><body><script>x()</script></body></html>", None)


def test_a_page_in_another_charset() -> None:
    page = '<html><head><meta charset="windows-1252"></head><body><p>café ’</p></body></html>'
    text, _ = snapshot_bytes(page.encode("cp1252"))
    assert text.decode() == "café ’\n"


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=200))
def test_any_html_gives_text_without_markup_runs(body: str) -> None:
    from html import escape

    text = html_to_text(f"<html><body><p>{escape(body)}</p></body></html>")
    assert "<p>" not in text and "\n\n\n" not in text
    assert " ".join(text.split()) == " ".join(body.split())
