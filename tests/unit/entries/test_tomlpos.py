"""Key positions for problem reports: whatever the values hold, every key keeps its line."""

from __future__ import annotations

import string
import tomllib

import tomli_w
from hypothesis import given
from hypothesis import strategies as st

from kb.entries.tomlpos import Positions


def test_triple_quotes_inside_one_line_strings_do_not_shift_later_keys() -> None:
    text = (
        'id = "x"\n'
        'statement = \'a literal with """ inside\'\n'
        "note = \"an escaped \\\" quote and ''' too\"\n"
        "tags = [\"a\", '''b''']\n"
        'related = [\n  "r1", # a comment with """\n  "r2",\n]\n'
        'value = """multi\nline with a = sign\n"""\n'
        'status = "contested"\n'
        "\n[[provenance]]\nsource = \"s\"\nquote = '''q\n= not a key\n'''\n"
        'locator = "p. 3"\n'
    )
    tomllib.loads(text)  # the document is valid TOML
    where = Positions(text)
    assert where.find(("note",)) == (3, 1)
    assert where.find(("tags",)) == (4, 1)
    assert where.find(("value",)) == (9, 1)
    assert where.find(("status",)) == (12, 1)
    assert where.find(("provenance", 0, "source")) == (15, 1)
    assert where.find(("provenance", 0, "locator")) == (19, 1)
    assert where.find(("provenance", 0, "nothing")) == (14, 1)
    assert where.find(("missing",)) == (1, 1)


KEYS = st.text(alphabet=string.ascii_lowercase + "_-", min_size=1, max_size=8)
PIECES = st.sampled_from([*list("ab \"'\\#=[]{}\n\t"), '"""', "'''", "x = 1"])
TEXT = st.lists(PIECES, max_size=12).map("".join)
VALUES = st.one_of(
    TEXT,
    st.integers(),
    st.lists(TEXT, max_size=4),
    st.dictionaries(KEYS, TEXT, max_size=2),
)


@given(st.dictionaries(KEYS, VALUES, min_size=1, max_size=8), st.booleans())
def test_every_top_level_key_is_found_on_its_own_line(
    data: dict[str, object], multiline: bool
) -> None:
    text = tomli_w.dumps(data, multiline_strings=multiline)
    assert tomllib.loads(text) == data
    lines = text.splitlines()
    where = Positions(text)
    for key, value in data.items():
        if isinstance(value, dict):
            continue  # written as a [table] header by tomli_w
        line, column = where.find((key,))
        assert lines[line - 1][column - 1 :].startswith((f"{key} =", f'"{key}" ='))
