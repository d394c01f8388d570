"""Rich output laid out for people: ids and words never broken in the middle, wrapped lines
keeping their indent, tables only when they fit, nothing printed when nothing matches."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kb.cli.app import app

BOX = "│┃║┆|╭╮╰╯─━┏┓┗┛┡┩└┘├┤┼╇┳┻╋┠┨┯┷"


def rich(runner: CliRunner, kb: Path, width: int, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, [*args, "-f", "rich", "--kb", str(kb)], env={"COLUMNS": str(width)})
    return result.exit_code, result.stdout, result.stderr


def records(runner: CliRunner, kb: Path, *args: str) -> list[dict]:  # type: ignore[type-arg]
    result = runner.invoke(app, [*args, "-f", "json", "--kb", str(kb)])
    data = json.loads(result.stdout)
    return data if isinstance(data, list) else [data]


def tokens(text: str) -> set[str]:
    """The whitespace-separated words of some output, without box-drawing characters."""
    return set(text.translate({ord(c): " " for c in BOX}).split())


def assert_whole(out: str, ids: list[str], words: list[str], width: int) -> None:
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= width
    found = tokens(out)
    for fact_id in ids:
        assert fact_id in found, f"{fact_id} broken or missing"
    broken = [w for w in words if w not in found]
    assert not broken, f"words broken at {width} columns: {broken[:5]}"


def statement_words(facts: list[dict]) -> list[str]:  # type: ignore[type-arg]
    return [w for f in facts for w in f["statement"].split()]


@pytest.mark.parametrize("width", [60, 80, 100, 160])
def test_list_never_breaks_ids_or_words(runner: CliRunner, shipped_kb: Path, width: int) -> None:
    facts = records(runner, shipped_kb, "list", "--subject", "esketamine")
    code, out, _ = rich(runner, shipped_kb, width, "list", "--subject", "esketamine")
    assert code == 0
    assert_whole(out, [f["id"] for f in facts], statement_words(facts), width)
    table = "┃ id" in out
    assert table is (width >= 160)  # a table only when the ids and 30 columns of text fit
    if not table:  # one record after another, the statement indented under its id
        lines = out.splitlines()
        starts = [
            i for i, line in enumerate(lines) if line.split(" ")[0] in {f["id"] for f in facts}
        ]
        assert len(starts) == len(facts)
        for start, end in zip(starts, [*starts[1:], len(lines)], strict=True):
            assert all(line.startswith("    ") for line in lines[start + 1 : end])


def test_list_shows_reliability_and_marks_weak_facts(runner: CliRunner, mini_kb: Path) -> None:
    code, out, _ = rich(runner, mini_kb, 160, "list")
    assert code == 0
    rows = {line.split("│")[1].strip(): line for line in out.splitlines() if "│" in line}
    assert "high" in rows["widgetol-schedule-iv"]
    assert "only low" in rows["widgetol-first-made-1972"]  # its one source is low
    data = records(runner, mini_kb, "list")
    weak = {f["id"]: (f["best_reliability"], f["weakly_sourced"]) for f in data}
    assert weak["widgetol-schedule-iv"] == ("high", False)
    assert weak["widgetol-first-made-1972"] == ("low", True)
    plain = runner.invoke(app, ["list", "--kb", str(mini_kb)]).stdout.splitlines()
    assert plain[0].split("\t")[4:] == ["low"]  # gadgetine-stronger: the 5th field


@pytest.mark.parametrize("width", [60, 80])
def test_compare_by_source_is_readable_at_80_columns(
    runner: CliRunner, shipped_kb: Path, width: int
) -> None:
    code, out, _ = rich(runner, shipped_kb, width, "compare", "ketamine", "--by", "source")
    assert code == 0
    data = json.loads(
        runner.invoke(
            app, ["compare", "ketamine", "--by", "source", "-f", "json", "--kb", str(shipped_kb)]
        ).stdout
    )
    claims = [c for row in data["rows"] for cell in row["values"].values() for c in cell]
    assert_whole(out, [c["fact"] for c in claims], [], width)
    lines = out.splitlines()
    assert len(lines) < 300  # it was 600 lines of columns 12 characters wide
    assert not [line for line in lines if line.endswith(" ")]
    for quote in {s["quote"] for c in claims for s in c["sources"]}:  # every quote, whole
        assert all(word in tokens(out) for word in f"“{quote}”".split())
    for row in data["rows"]:  # each attribute once, at the start of a line, with its mark
        assert any(line.startswith(row["attribute"]) for line in lines)


def test_compare_subjects_is_a_table_when_it_fits(runner: CliRunner, shipped_kb: Path) -> None:
    for width, table in ((80, False), (160, True)):
        code, out, _ = rich(runner, shipped_kb, width, "compare", "ketamine", "esketamine")
        assert code == 0
        assert ("┃ attribute" in out) is table
        data = json.loads(
            runner.invoke(
                app, ["compare", "ketamine", "esketamine", "-f", "json", "--kb", str(shipped_kb)]
            ).stdout
        )
        facts = [c["fact"] for row in data["rows"] for cell in row["values"].values() for c in cell]
        assert_whole(out, facts, [], width)


@pytest.mark.parametrize("width", [60, 80])
def test_search_wraps_under_its_indent(runner: CliRunner, shipped_kb: Path, width: int) -> None:
    code, out, _ = rich(runner, shipped_kb, width, "search", "bladder")
    assert code == 0
    lines = out.splitlines()
    hit = re.compile(r"^ *\d+\. ")
    for number, line in enumerate(lines):
        if line.startswith("      — "):  # the source line: continued under the title
            for after in lines[number + 1 :]:
                if not after.strip() or hit.match(after) or not after.startswith("        "):
                    break
        elif (
            line and not hit.match(line) and not line.startswith("    ") and "matching" not in line
        ):
            pytest.fail(f"a line of a hit that lost its indent: {line!r}")
    hits = json.loads(
        runner.invoke(app, ["search", "bladder", "-f", "json", "--kb", str(shipped_kb)]).stdout
    )["hits"]
    assert_whole(out, [h["id"] for h in hits], statement_words(hits), width)


def test_search_hit_quotes_its_best_source(runner: CliRunner, shipped_kb: Path) -> None:
    """ketamine-long-term-bladder-dysfunction: low, low and very-low sources all mention the
    bladder; the hit quotes a low one, not the very-low one."""
    hits = json.loads(
        runner.invoke(app, ["search", "bladder", "-f", "json", "--kb", str(shipped_kb)]).stdout
    )["hits"]
    hit = next(h for h in hits if h["id"] == "ketamine-long-term-bladder-dysfunction")
    levels = [p["reliability"] for p in hit["provenance"]]
    assert levels == ["low", "low", "very-low"]  # strongest first
    quoted = next(h["source"] for h in hit["highlights"] if h["field"] == "quote")
    matching = [p for p in hit["provenance"] if "bladder" in p["quote"].lower()]
    assert [p["reliability"] for p in matching] == ["low", "very-low"]
    assert quoted == matching[0]["source"]  # the very-low one comes first in the file
    assert hit["best_reliability"] == "low" and hit["weakly_sourced"] is True
    _, out, _ = rich(runner, shipped_kb, 100, "search", "bladder", "--all")
    block = out.split("ketamine-long-term-bladder-dysfunction", 1)[1].split("\n\n", 1)[0]
    assert "ONLY LOW" in block
    assert "very-low" not in block  # the very-low source is among "+2 more"


@pytest.mark.parametrize("width", [60, 80, 160])
def test_show_keeps_ids_whole_and_values_indented(
    runner: CliRunner, shipped_kb: Path, width: int
) -> None:
    ids = [
        "ketamine-long-term-bladder-dysfunction",
        "ketamine-higher-risk-psychosis-hypertension-substance-abuse",
    ]
    facts = records(runner, shipped_kb, "show", *ids)
    code, out, _ = rich(runner, shipped_kb, width, "show", *ids)
    assert code == 0
    related = [r for f in facts for r in f["related"]]
    assert_whole(out, ids + related, statement_words(facts), width)
    inner = [line.strip("│ ") and line.removeprefix("│ ").rstrip("│ ") for line in out.splitlines()]
    tags = next(i for i, line in enumerate(inner) if line.startswith("tags "))
    if inner[tags + 1].strip() and not inner[tags + 1].startswith(("note", "ref", "related")):
        assert inner[tags + 1].startswith(" " * 9)  # a wrapped value stays in its column
    assert "rests only on weak sources" in out


def test_show_lists_provenance_strongest_first(runner: CliRunner, mini_kb: Path) -> None:
    (mini_kb / "facts" / "core" / "widgetol-two-sources.toml").write_text(
        'id = "widgetol-two-sources"\nstatement = "Widgetol is old."\nsubject = "widgetol"\n'
        'topics = ["pharmacology"]\n\n[[provenance]]\nsource = "beta-blog"\n'
        'quote = "Widgetol was first made in 1972"\n\n[[provenance]]\nsource = "alpha-news"\n'
        'quote = "Widgetol is a pain medicine first made in 1970."\n'
    )
    fact = records(runner, mini_kb, "show", "widgetol-two-sources")[0]
    assert [p["source"] for p in fact["provenance"]] == ["alpha-news", "beta-blog"]
    assert (fact["best_reliability"], fact["weakly_sourced"]) == ("high", False)
    plain = runner.invoke(app, ["show", "widgetol-two-sources", "--kb", str(mini_kb)]).stdout
    assert plain.index("provenance\talpha-news") < plain.index("provenance\tbeta-blog")
    _, out, _ = rich(runner, mini_kb, 80, "show", "widgetol-two-sources")
    assert out.index("Widgetol explained") < out.index("My widgetol blog")
    toml = runner.invoke(app, ["show", "widgetol-two-sources", "-f", "toml", "--kb", str(mini_kb)])
    assert toml.stdout.index("beta-blog") < toml.stdout.index("alpha-news")  # the file as is


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--subject", "gadgetine", "--status", "refuted"],
        ["compare", "widgetol", "gadgetine", "--topic", "risks"],
        ["search", "nosuchwordanywhere"],
    ],
    ids=" ".join,
)
def test_no_empty_table_before_no_match(runner: CliRunner, mini_kb: Path, args: list[str]) -> None:
    code, out, err = rich(runner, mini_kb, 80, *args)
    assert code == 1
    assert out == ""
    assert "no facts match" in err or "nothing to compare" in err


@pytest.mark.parametrize("width", [60, 80, 160])
def test_compare_facts_keeps_ids_whole(runner: CliRunner, shipped_kb: Path, width: int) -> None:
    ids = ["ketamine-developed-1960s", "ketamine-developed-about-fifty-years-ago"]
    code, out, _ = rich(runner, shipped_kb, width, "compare", *ids)
    assert code == 0
    facts = records(runner, shipped_kb, "show", *ids)
    notes = [w.strip("()'.,:") for f in facts for w in (f["note"] or "").split()]
    linked = [w for w in notes if w.startswith(("ketamine-", "heifets-"))]
    assert_whole(out, ids, statement_words(facts), width)
    bare = {word.strip("()'.,:") for word in tokens(out)}
    assert linked and all(fact_id in bare for fact_id in linked)  # ids in notes too
    assert "verdict: same attribute (year-developed) with different values" in " ".join(out.split())
