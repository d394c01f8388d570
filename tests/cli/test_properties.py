"""Property tests (hypothesis) of what users type and what they put in files: query strings,
mutated entry files and whatever arrives on stdin. Whatever it is: no traceback, an exit code
of 0, 1 or 2, messages that are `kb:` lines (a usage error: exactly one `kb: error:` line),
nothing on either stream that a terminal would act on, and the commands agree with each other
(what kb validate rejects, kb list skips with a warning, and the other way round)."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.cli.kbmain import Ran, run_main
from tests.conftest import MINI_KB

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
UNSAFE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs"}


def check(ran: Ran, what: object) -> None:
    assert b"Traceback" not in ran.err, (what, ran.stderr)
    assert ran.code in (0, 1, 2), (what, ran.code, ran.stderr)
    for name, raw in (("stdout", ran.out), ("stderr", ran.err)):
        text = raw.decode("utf-8").replace("\r\n", "\n")  # csv's line ends (RFC 4180)
        bad = [c for c in text if unicodedata.category(c) in UNSAFE_CATEGORIES and c not in "\t\n"]
        assert not bad, (what, name, bad[:3])
    lines = ran.stderr.splitlines()
    assert all(line.startswith("kb: ") for line in lines), (what, lines)
    if ran.code == 2:
        assert len(lines) == 1 and lines[0].startswith("kb: error: "), (what, lines)


@pytest.fixture(scope="module")
def kb_copy(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("properties") / "kb"
    shutil.copytree(MINI_KB, root)
    index = str(root.parent / "index")
    assert run_main(["index", "--kb", str(root), "--index-dir", index]).code == 0
    return root, index


SYNTAX = [
    *["AND", "OR", "NOT", "(", ")", '"', "*", "?", "~", "~2", "^2", ":", "-", "+", "[", "]"],
    *["subject:", "topic:", "tag:", "source:", "status:", "id:", "quote:", "nosuch:", "TO"],
    *["widgetol", "bladder", "gizmo", "harm", "schedule", "iv", "1970", "é", "膀胱"],
    *["\x1b[2J", "\u200b", "\u2028", "\x00", "\udc9b", "a" * 300, "*" * 50, "'"],
]
query = st.lists(st.sampled_from(SYNTAX) | st.text(max_size=8), max_size=12).map(" ".join)


@SETTINGS
@given(text=query, fmt=st.sampled_from(["plain", "json", "ids", "rich", "jsonl"]))
@example(text="subject:", fmt="plain")
@example(text='"unclosed phrase', fmt="json")
@example(text="NOT NOT NOT", fmt="ids")
@example(text="* ? ~ ^", fmt="rich")
def test_any_query_string(text: str, fmt: str, kb_copy: tuple[Path, str]) -> None:
    root, index = kb_copy
    ran = run_main(["search", "--kb", str(root), "--index-dir", index, "-f", fmt, "--", text])
    check(ran, text)


INTERESTING = [
    b"\x00", b"\xff", b"\xef\xbb\xbf", b"\x1b[2J", b"\xc2\x9b", b"\xe2\x80\xa8", b"\xe2\x80\x8b",
    b'"', b"'", b"[", b"]", b"[[", b"=", b"\n", b"\r\n", b"#", b"\\", b'"""', b"{", b"}",
    b"a." * 40, b"x = 1\n", b'id = "other"\n', b"[[provenance]]\n", b"\t", b"-",
]  # fmt: skip
mutation = st.tuples(
    st.floats(min_value=0, max_value=1),
    st.sampled_from(["insert", "replace", "delete"]),
    st.sampled_from(INTERESTING) | st.binary(max_size=6),
)


def mutate(raw: bytes, changes: list[tuple[float, str, bytes]]) -> bytes:
    for where, how, data in changes:
        at = int(where * len(raw))
        if how == "insert":
            raw = raw[:at] + data + raw[at:]
        elif how == "replace":
            raw = raw[:at] + data + raw[at + len(data) :]
        else:
            raw = raw[:at] + raw[at + max(1, len(data)) :]
    return raw


TARGETS = ["facts/core/widgetol-bladder-damage.toml", "subjects/widgetol.toml", "kb.toml"]


@SETTINGS
@given(target=st.sampled_from(TARGETS), changes=st.lists(mutation, min_size=1, max_size=4))
@example(target=TARGETS[0], changes=[(0.0, "insert", b"\xef\xbb\xbf")])
@example(target=TARGETS[0], changes=[(0.5, "insert", b"a." * 40 + b"a = 1\n")])
@example(target=TARGETS[1], changes=[(0.3, "replace", b"\x1b[2J")])
def test_any_mutated_entry_file(
    target: str, changes: list[tuple[float, str, bytes]], kb_copy: tuple[Path, str]
) -> None:
    root, index = kb_copy
    path = root / target
    original = (MINI_KB / target).read_bytes()
    path.write_bytes(mutate(original, changes))
    try:
        kb = ["--kb", str(root), "--index-dir", index]
        validated = run_main(["validate", "--kb", str(root), "-f", "plain"])
        check(validated, ("validate", changes))
        for args in (
            ["list", "--kb", str(root), "-f", "ids"],
            ["show", "widgetol-bladder-damage", "--kb", str(root), "-f", "rich"],
            ["search", "widgetol", *kb, "-f", "json"],
            ["stats", "--kb", str(root), "-f", "plain"],
        ):
            check(run_main(args), (args, changes))
        if target.startswith("facts/"):
            listed = run_main(["list", "--kb", str(root), "-f", "ids"])
            searched = run_main(["search", "widgetol OR gadgetine", *kb, "-f", "ids"])
            in_list = "widgetol-bladder-damage" in listed.stdout.split()
            if validated.code == 0:  # valid: listed
                assert in_list, (changes, listed.stderr)
            if not in_list:  # skipped: said so, by list and search alike
                assert "widgetol-bladder-damage.toml" in listed.stderr, listed.stderr
                assert "widgetol-bladder-damage.toml" in searched.stderr, searched.stderr
    finally:
        path.write_bytes(original)


@SETTINGS
@given(
    data=st.lists(
        st.sampled_from([b"widgetol-schedule-iv\n", b"nope\n", b"\n", b"\xff\xfe", b"\x1b[2J"])
        | st.binary(max_size=12),
        max_size=8,
    ).map(b"".join)
)
@example(data=b"")
@example(data=b"\xff\xfe\x00")
@example(data=b"widgetol-schedule-iv\r\nwidgetol-schedule-iv")
def test_anything_on_stdin(data: bytes, kb_copy: tuple[Path, str]) -> None:
    root, _ = kb_copy
    for fmt in ("plain", "json", "rich"):
        check(run_main(["show", "-", "--kb", str(root), "-f", fmt], stdin=data), (fmt, data))
    created = run_main(["new", "fact", "--kb", str(root)], stdin=data)
    check(created, ("new fact", data))
    assert created.code == 2  # no terminal: nothing is asked, what is missing is said
