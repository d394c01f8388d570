"""kb.author.refactor (mv, rm, link plans), kb.author.rewrite and kb.entries.links."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kb.author import refactor
from kb.author.rewrite import add_array_items, drop_array_items, drop_tables, rewrite
from kb.core.errors import KbError, UnknownIdError, UsageError
from kb.entries.kinds import EntryKind
from kb.entries.links import backlinks, links_to, referrers
from kb.validate.validator import validate

FACTS = Path("facts/core")


def load(path: Path) -> dict:
    return tomllib.loads(path.read_text())


def test_links_to_finds_each_kind_of_reference(mini_kb: Path) -> None:
    about = referrers(mini_kb, EntryKind.SUBJECT, "widgetol")
    assert {link.fact for link in about} == {
        "widgetol-bladder-damage",
        "widgetol-first-made-1970",
        "widgetol-first-made-1972",
        "widgetol-schedule-iv",
    }
    assert {link.field for link in about} == {"subject"}
    cites = referrers(mini_kb, EntryKind.SOURCE, "beta-blog")
    assert [link.fact for link in cites] == ["gadgetine-stronger", "widgetol-first-made-1972"]
    assert backlinks(mini_kb, "widgetol-first-made-1970") == ["widgetol-first-made-1972"]
    assert backlinks(mini_kb, "widgetol-schedule-iv") == []
    both = links_to(mini_kb, {EntryKind.SOURCE: ["beta-blog"], EntryKind.FACT: ["nothing"]})
    assert [link.target for link in both] == ["beta-blog", "beta-blog"]


def test_a_fact_spelling_an_id_with_escapes_is_still_found(mini_kb: Path) -> None:
    path = mini_kb / FACTS / "widgetol-schedule-iv.toml"
    path.write_text(path.read_text() + 'related = ["widgetol-first-made-197\\u0030"]\n')
    # (the line above lands in the last [[provenance]] table: move it to the top instead)
    text = path.read_text().replace('related = ["widgetol-first-made-197\\u0030"]\n', "")
    path.write_text('related = ["widgetol-first-made-197\\u0030"]\n' + text)
    assert "widgetol-schedule-iv" in backlinks(mini_kb, "widgetol-first-made-1970")


def test_move_renames_the_file_and_every_reference(mini_kb: Path) -> None:
    plan = refactor.plan_move(mini_kb, "widgetol-first-made-1970", "widgetol-made-in-1970")
    assert not (mini_kb / FACTS / "widgetol-made-in-1970.toml").exists()  # only planned
    refactor.apply(plan)
    assert not (mini_kb / FACTS / "widgetol-first-made-1970.toml").exists()
    moved = load(mini_kb / FACTS / "widgetol-made-in-1970.toml")
    assert moved["id"] == "widgetol-made-in-1970"
    other = mini_kb / FACTS / "widgetol-first-made-1972.toml"
    assert load(other)["related"] == ["widgetol-made-in-1970"]
    assert plan.notes == []  # edited in place: comments and layout kept
    assert validate(mini_kb, snapshots=mini_kb / "snapshots").ok(strict=True)


def test_move_a_source_and_a_subject(mini_kb: Path) -> None:
    refactor.apply(refactor.plan_move(mini_kb, "alpha-news", "alpha"))
    refactor.apply(refactor.plan_move(mini_kb, "widgetol", "widgetol-drug"))
    assert (mini_kb / "sources" / "alpha.toml").exists()
    data = load(mini_kb / FACTS / "widgetol-bladder-damage.toml")
    assert data["subject"] == "widgetol-drug"
    assert data["provenance"][0]["source"] == "alpha"
    assert validate(mini_kb, snapshots=mini_kb / "snapshots").ok(strict=True)


def test_move_refusals(mini_kb: Path) -> None:
    with pytest.raises(KbError, match="taken by"):
        refactor.plan_move(mini_kb, "widgetol-first-made-1970", "widgetol-first-made-1972")
    with pytest.raises(UsageError, match="kebab-case"):
        refactor.plan_move(mini_kb, "widgetol-first-made-1970", "Bad Id")
    with pytest.raises(UnknownIdError, match="did you mean"):
        refactor.plan_move(mini_kb, "widgetol-first-made-1907", "x")
    with pytest.raises(UsageError, match="already called"):
        refactor.plan_move(mini_kb, "alpha-news", "alpha-news")


def test_an_id_of_two_kinds_needs_kind(mini_kb: Path) -> None:
    (mini_kb / "facts" / "core" / "widgetol.toml").write_text("")
    with pytest.raises(UsageError, match="--kind"):
        refactor.locate(mini_kb, "widgetol")
    assert refactor.locate(mini_kb, "widgetol", "subject")[0] is EntryKind.SUBJECT


def test_remove_is_refused_while_referred_to(
    mini_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(mini_kb)
    with pytest.raises(KbError) as refused:
        refactor.plan_remove(mini_kb, "widgetol-first-made-1970")
    assert refused.value.details == (
        "widgetol-first-made-1972 (facts/core/widgetol-first-made-1972.toml) names it in related",
    )


def test_remove_force_takes_the_references_out(mini_kb: Path) -> None:
    refactor.apply(refactor.plan_remove(mini_kb, "widgetol-first-made-1970", force=True))
    assert "related" not in load(mini_kb / FACTS / "widgetol-first-made-1972.toml")
    assert validate(mini_kb, snapshots=mini_kb / "snapshots").ok()


def test_remove_never_strands_a_fact(mini_kb: Path) -> None:
    with pytest.raises(KbError, match="without a subject or a source"):
        refactor.plan_remove(mini_kb, "widgetol", force=True)
    with pytest.raises(KbError, match="without a subject or a source"):
        refactor.plan_remove(mini_kb, "beta-blog", force=True)


def test_remove_a_source_cited_beside_another(mini_kb: Path) -> None:
    for name in ("widgetol-first-made-1972", "gadgetine-stronger"):
        path = mini_kb / FACTS / f"{name}.toml"
        path.write_text(
            path.read_text()
            + '\n[[provenance]]\nsource = "alpha-news"\nquote = "Widgetol is a pain medicine"\n'
        )
    refactor.apply(refactor.plan_remove(mini_kb, "beta-blog", force=True))
    assert [p["source"] for p in load(path)["provenance"]] == ["alpha-news"]
    assert not (mini_kb / "sources" / "beta-blog.toml").exists()


def test_link_both_ways_and_only_once(mini_kb: Path) -> None:
    plan = refactor.plan_link(mini_kb, "widgetol-schedule-iv", "widgetol-bladder-damage")
    refactor.apply(plan)
    assert load(mini_kb / FACTS / "widgetol-schedule-iv.toml")["related"] == [
        "widgetol-bladder-damage"
    ]
    assert load(mini_kb / FACTS / "widgetol-bladder-damage.toml")["related"] == [
        "widgetol-schedule-iv"
    ]
    again = refactor.plan_link(mini_kb, "widgetol-bladder-damage", "widgetol-schedule-iv")
    assert again.changes == []
    one_way = mini_kb / FACTS / "widgetol-first-made-1970.toml"
    one_way.write_text(one_way.read_text().replace('related = ["widgetol-first-made-1972"]\n', ""))
    half = refactor.plan_link(mini_kb, "widgetol-first-made-1970", "widgetol-first-made-1972")
    assert half.paths == [one_way]  # 1972 already names 1970
    with pytest.raises(UsageError):
        refactor.plan_link(mini_kb, "widgetol-schedule-iv", "widgetol-schedule-iv")
    with pytest.raises(UnknownIdError):
        refactor.plan_link(mini_kb, "widgetol-schedule-iv", "widgetol")  # a subject


def test_the_shipped_kb_is_never_changed(tmp_path: Path) -> None:
    root = tmp_path / "kb" / "_shipped_entries"
    root.mkdir(parents=True)
    with pytest.raises(UsageError, match="installed with the package"):
        refactor.plan_remove(root, "x")


TEXT = """\
# a comment
id = "x"
statement = "Some statement here."
related = ["a", "b"]  # kept

[[provenance]]
source = "s1"
quote = "one quote here"

[[provenance]]
source = "s2"
quote = "two quote here"
"""


def test_text_edits_keep_comments() -> None:
    assert '"a"' not in drop_array_items(TEXT, "related", {"a"})
    assert "# kept" in drop_array_items(TEXT, "related", {"a"})
    assert "related" not in drop_array_items(TEXT, "related", {"a", "b"})
    assert 'related = ["a", "b", "c"]' in add_array_items(TEXT, "related", ["c"])
    dropped = drop_tables(TEXT, "provenance", lambda t: t["source"] == "s1")
    assert "s1" not in dropped and "s2" in dropped and "# a comment" in dropped


def test_rewrite_falls_back_to_writing_the_table_anew() -> None:
    done = rewrite(
        "fact", TEXT, lambda d: d.update(related=["z"]), lambda t: t, "x.toml"
    )  # the edit does nothing: the table is written anew
    assert done.relaid and tomllib.loads(done.text)["related"] == ["z"]


@given(
    st.lists(st.from_regex(r"[a-z0-9]{1,6}(-[a-z0-9]{1,6}){0,2}", fullmatch=True), unique=True),
    st.lists(st.from_regex(r"[a-z0-9]{1,6}", fullmatch=True), unique=True, max_size=4),
    st.booleans(),
)
def test_array_edits_give_exactly_the_wanted_list(
    present: list[str], more: list[str], multiline: bool
) -> None:
    items = ", ".join(f'"{i}"' for i in present)
    if multiline:
        items = "".join(f'\n  "{i}",' for i in present) + "\n"
    text = f'id = "x"\nrelated = [{items}]\n\n[[provenance]]\nsource = "s"\n'
    added = [i for i in more if i not in present]
    grown = tomllib.loads(add_array_items(text, "related", added)) if added else None
    if grown is not None:
        assert grown["related"] == present + added
    drop = set(present[::2])
    shrunk = tomllib.loads(drop_array_items(text, "related", drop))
    assert shrunk.get("related", []) == [i for i in present if i not in drop]
    assert shrunk["provenance"] == [{"source": "s"}]
