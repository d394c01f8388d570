from __future__ import annotations

import datetime as dt
import hashlib
import os
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kb.author.create import (
    create,
    missing_quotes,
    parse_date,
    provenance_items,
    render,
    write_new,
)
from kb.core.errors import KbError, UsageError
from kb.entries.loading import load
from kb.validate.pending import pending_entry, validate_pending
from kb.validate.validator import validate

QUOTE = "Long-term use of widgetol can damage the bladder."


def fact_values(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "statement": "Taking widgetol for years may harm the bladder.",
        "subject": "widgetol",
        "topics": ["risks"],
        "provenance": [{"source": "alpha-news", "quote": QUOTE}],
    }
    values.update(changes)
    return values


def test_new_fact_is_written_in_its_topic_folder_and_valid(mini_kb: Path) -> None:
    created = create(load(mini_kb), "fact", fact_values(tags=["bladder"]))
    assert created.entry_id == "taking-widgetol-years-harm-bladder"
    assert created.path == mini_kb / "facts" / "risks" / "taking-widgetol-years-harm-bladder.toml"
    assert created.path.read_text() == created.text
    data = tomllib.loads(created.text)
    assert data == {
        "id": "taking-widgetol-years-harm-bladder",
        "statement": "Taking widgetol for years may harm the bladder.",
        "subject": "widgetol",
        "topics": ["risks"],
        "tags": ["bladder"],
        "provenance": [{"source": "alpha-news", "quote": QUOTE}],
    }
    assert 'topics = ["risks"]\n' in created.text  # arrays on one line, like hand-written ones
    assert "quotes checked against the source snapshots" in created.notes
    assert validate(mini_kb).ok(strict=True)


def test_subject_alias_becomes_its_id_and_default_status_is_dropped(mini_kb: Path) -> None:
    values = fact_values(subject="WDG", status="established", id="my-fact")
    created = create(load(mini_kb), "fact", values, dry_run=True)
    data = tomllib.loads(created.text)
    assert data["subject"] == "widgetol"
    assert "status" not in data
    assert not created.path.exists()


def test_quote_not_in_snapshot_is_refused_and_nothing_written(mini_kb: Path) -> None:
    values = fact_values(provenance=[{"source": "alpha-news", "quote": "Widgetol cures all ills."}])
    before = sorted(mini_kb.rglob("*"))
    with pytest.raises(UsageError, match=r"KB040 quote not found verbatim in snapshot alpha\.txt"):
        create(load(mini_kb), "fact", values)
    assert sorted(mini_kb.rglob("*")) == before


def test_every_problem_is_listed(mini_kb: Path) -> None:
    values = fact_values(subject="nobody", topics=["risks", "astrology"], attribute="route")
    with pytest.raises(UsageError) as raised:
        create(load(mini_kb), "fact", values)
    message = str(raised.value)
    assert len(raised.value.details) == 3  # one problem a line
    for code in ("KB030", "KB033", "KB022"):
        assert code in message
    assert raised.value.exit_code == 2


def test_quotes_not_checked_without_snapshots(mini_kb: Path) -> None:
    settings = mini_kb / "kb.toml"
    settings.write_text(settings.read_text().replace('snapshots = "snapshots"\n', ""))
    values = fact_values(provenance=[{"source": "alpha-news", "quote": "Not in any snapshot."}])
    created = create(load(mini_kb), "fact", values, dry_run=True)
    assert any("quotes NOT checked" in note for note in created.notes)


def test_explicit_snapshots_directory(mini_kb: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "snaps"
    elsewhere.mkdir()
    (elsewhere / "alpha.txt").write_text("Nothing about bladders here.")
    with pytest.raises(UsageError, match="KB040"):
        create(load(mini_kb), "fact", fact_values(), snapshots=elsewhere, dry_run=True)
    with pytest.raises(UsageError, match="not a directory"):
        create(load(mini_kb), "fact", fact_values(), snapshots=tmp_path / "no", dry_run=True)


def test_taken_id_is_an_error(mini_kb: Path) -> None:
    with pytest.raises(KbError, match="'widgetol-schedule-iv' is taken by") as raised:
        create(load(mini_kb), "fact", fact_values(id="widgetol-schedule-iv", topics=["risks"]))
    assert raised.value.exit_code == 1


def test_unsafe_id_or_topic_never_becomes_a_path(mini_kb: Path) -> None:
    kb = load(mini_kb)
    with pytest.raises(UsageError, match="not kebab-case"):
        create(kb, "fact", fact_values(id="../../escape"))
    with pytest.raises(UsageError, match="topic"):
        create(kb, "fact", fact_values(topics=["../up"]))
    with pytest.raises(UsageError, match="pass --id"):
        create(kb, "fact", fact_values(statement="?? !! ?? !! ??"))
    assert not (mini_kb.parent / "escape.toml").exists()


def test_missing_values(mini_kb: Path) -> None:
    with pytest.raises(UsageError, match="statement, topics, provenance"):
        create(load(mini_kb), "fact", {"subject": "widgetol"})


def test_new_source_gets_its_checksum_from_the_snapshot(mini_kb: Path) -> None:
    (mini_kb / "snapshots" / "gamma.txt").write_bytes(b"Gamma says things.\n")
    values = {
        "title": "Gamma report",
        "publisher": "Gamma",
        "kind": "news",
        "reliability": "medium",
        "reliability_note": "A plain news report.",
        "retrieved": "2024-06-01",
        "snapshot": "gamma.txt",
        "authors": [],
    }
    created = create(load(mini_kb), "source", values)
    assert created.path == mini_kb / "sources" / "gamma-report.toml"
    data = tomllib.loads(created.text)
    assert data["retrieved"] == dt.date(2024, 6, 1)
    assert data["sha256"] == hashlib.sha256(b"Gamma says things.\n").hexdigest()
    assert "authors" not in data
    result = validate(mini_kb)
    assert {p.code for p in result.problems} == {"KB051"}  # a new source nobody cites yet


def test_new_source_with_a_bad_date(mini_kb: Path) -> None:
    with pytest.raises(UsageError, match="not a date"):
        create(
            load(mini_kb),
            "source",
            {
                "title": "T",
                "publisher": "P",
                "kind": "news",
                "reliability": "low",
                "reliability_note": "Because of reasons.",
                "retrieved": "May 2024",
                "snapshot": "alpha.txt",
            },
        )


def test_new_subject(mini_kb: Path) -> None:
    values = {"name": "Doohickey", "kind": "drug", "aliases": ["DHK", " "], "description": ""}
    created = create(load(mini_kb), "subject", values)
    assert created.path == mini_kb / "subjects" / "doohickey.toml"
    assert tomllib.loads(created.text) == {
        "id": "doohickey",
        "name": "Doohickey",
        "aliases": ["DHK"],
        "kind": "drug",
    }
    assert created.notes == ()
    with pytest.raises(UsageError, match="KB033"):
        create(load(mini_kb), "subject", {"name": "Thing", "kind": "mineral"})


def test_write_new_never_replaces_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "x.toml"
    write_new(target, "first\n")
    with pytest.raises(KbError, match="already exists"):
        write_new(target, "second\n")
    assert target.read_text() == "first\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["x.toml"]


def test_write_new_without_hard_links(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_links(*args: object) -> None:
        raise PermissionError("no hard links here")

    monkeypatch.setattr(os, "link", no_links)
    target = tmp_path / "x.toml"
    write_new(target, "text\n")
    assert target.read_text() == "text\n"
    with pytest.raises(KbError, match="already exists"):
        write_new(target, "other\n")
    assert target.read_text() == "text\n"
    assert [p.name for p in tmp_path.iterdir()] == ["x.toml"]


def test_provenance_pairs() -> None:
    assert provenance_items(["a", "b"], ["qa", "qb"], ["", "p. 2"]) == [
        {"source": "a", "quote": "qa"},
        {"source": "b", "quote": "qb", "locator": "p. 2"},
    ]
    # a source without its quote is kept, to be asked for (or reported missing)
    assert provenance_items(["a"], [], []) == [{"source": "a"}]
    assert missing_quotes({"provenance": [{"source": "a"}, {"source": "b", "quote": "q"}]}) == [0]
    with pytest.raises(UsageError, match="one --source per --quote"):
        provenance_items([], ["q"], [])
    with pytest.raises(UsageError, match="--locator"):
        provenance_items(["a", "b"], ["x", "y"], ["z"])


@given(
    st.lists(st.from_regex(r"[a-z0-9-]{1,12}", fullmatch=True), max_size=5),
    st.lists(st.text(max_size=20), max_size=6),
    st.booleans(),
)
def test_provenance_pairs_any_options(sources: list[str], quotes: list[str], located: bool) -> None:
    locators = [f"p. {i}" for i in range(len(sources))] if located else []
    if len(quotes) > len(sources):
        with pytest.raises(UsageError):
            provenance_items(sources, quotes, locators)
        return
    items = provenance_items(sources, quotes, locators)
    assert [item["source"] for item in items] == sources
    assert [item.get("quote") for item in items[: len(quotes)]] == quotes
    assert all("quote" not in item for item in items[len(quotes) :])
    assert all(("locator" in item) == located for item in items)


@given(st.text(max_size=30))
def test_parse_date_accepts_iso_dates_only(text: str) -> None:
    import datetime as dt

    try:
        parsed = parse_date(text)
    except UsageError as error:
        assert "not a date" in error.message
        return
    assert isinstance(parsed, dt.date) and parsed == dt.date.fromisoformat(text.strip())


def test_render_round_trips_awkward_text() -> None:
    data = {"id": "x", "statement": 'He said "no" \\ then\nleft — ü', "topics": ["a", "b"]}
    assert tomllib.loads(render(data)) == data


def test_pending_entry_reports_like_the_validator(mini_kb: Path) -> None:
    path = mini_kb / "facts" / "risks" / "some-fact.toml"
    text = 'id = "other-id"\nstatement = "short"\n'
    result = validate_pending(mini_kb, pending_entry(path, "fact", text))
    assert {p.code for p in result.problems} >= {"KB014", "KB017", "KB011", "KB021"}
    assert all(p.path.endswith("some-fact.toml") for p in result.problems)
    syntax = validate_pending(mini_kb, pending_entry(path, "fact", "id = \n"))
    assert [p.code for p in syntax.problems] == ["KB003"]
