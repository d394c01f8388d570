"""The one escaping rule of kb.render.base covers every character Unicode calls a control,
a format character, a line or paragraph separator or a surrogate (tab and newline aside)."""

from __future__ import annotations

import json
import sys
import unicodedata

from kb.render.base import _unsafe_pattern, json_safe, one_line, safe

_UNSAFE = _unsafe_pattern()

UNSAFE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs"}


def test_the_rule_matches_the_unicode_categories() -> None:
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        category = unicodedata.category(char)
        unsafe = category in UNSAFE_CATEGORIES and char not in "\t\n"
        matched = _UNSAFE.match(char) is not None
        if unsafe:
            assert matched, f"U+{code:04X} ({category}) is not escaped"
        elif matched:  # characters later versions of Unicode made format characters
            assert category == "Cn", f"U+{code:04X} ({category}) is escaped for nothing"
        if matched:  # safe() skips the pattern for printable text: never for one of these
            assert not char.isprintable(), f"U+{code:04X} is printable to Python"
            assert safe(char) != char and safe(f"a{char}b") != f"a{char}b"


def test_escapes_are_visible_and_bytes_of_file_names_shown_as_bytes() -> None:
    assert safe("a\x1b[2Jb") == "a\\x1b[2Jb"
    assert safe("zero\u200bwidth\u2028") == "zero\\u200bwidth\\u2028"
    assert safe("evil\udc9b.toml") == "evil\\x9b.toml"  # os.fsdecode(b"evil\x9b.toml")
    assert safe("tab\tand\nnewline") == "tab\tand\nnewline"
    assert one_line("a\nb") == "a\\nb"
    assert safe(safe("\x1b")) == safe("\x1b")


def test_json_escapes_keep_the_data() -> None:
    for text in ("\x9b", "\u200b\u2029", "\udc9b", "\U000e0041", "plain é"):
        raw = json_safe(json.dumps({"t": text}, ensure_ascii=False))
        assert _UNSAFE.search(raw) is None
        assert json.loads(raw) == {"t": text}
