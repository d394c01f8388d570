"""Finding a quote in a snapshot as kb validate matches it, and the passage around it."""

from __future__ import annotations

from kb.entries.snapshots import find_quote, passage


def test_quote_found_through_whitespace_and_typographic_quotes() -> None:
    text = "Intro line.\nIt is a  “Schedule\n IV” drug,\tsays who.\n"
    start, end = find_quote(text, 'It is a "Schedule IV" drug,') or (0, 0)
    assert text[start:end] == "It is a  “Schedule\n IV” drug,"
    assert find_quote(text, "Schedule V") is None
    assert find_quote(text, "   ") is None


def test_passage_is_cut_between_words_and_counts_lines() -> None:
    words = " ".join(f"w{i}" for i in range(200))
    text = f"first\n{words} QUOTE HERE {words}\nlast\n"
    start, end = find_quote(text, "QUOTE HERE") or (0, 0)
    found = passage(text, start, end, chars=30)
    assert found["quote"] == "QUOTE HERE"
    assert found["line"] == 2 and found["column"] == text.index("QUOTE") - text.index("w0") + 1
    before, after = str(found["before"]), str(found["after"])
    assert before.startswith("…w") and before.endswith("w199 ")
    assert after.startswith(" w0 ") and after.endswith("…")
    assert all(len(word) <= 4 for word in before[1:].split())  # no broken word kept


def test_passage_keeps_a_few_lines_around() -> None:
    text = "".join(f"line {i}\n" for i in range(10)).replace("line 5", "the quote")
    start, end = find_quote(text, "the quote") or (0, 0)
    found = passage(text, start, end, lines=2)
    assert found["before"] == "line 3\nline 4\n"
    assert found["after"] == "\nline 6\nline 7"
    whole = passage(text, start, end, chars=1000, lines=100)
    assert whole["before"] == "".join(f"line {i}\n" for i in range(5))
