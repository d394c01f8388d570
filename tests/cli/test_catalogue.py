"""`kb sources`, `kb subjects`, `kb tags`: lists with counts in every format, one source or
subject in full, and hints when a source or subject id is given to `kb show`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kb.cli.app import app


def kb(runner: CliRunner, root: Path, *args: str, width: int = 100):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [*args, "--kb", str(root)], env={"COLUMNS": str(width)})


def test_sources_most_reliable_first_with_counts(runner: CliRunner, mini_kb: Path) -> None:
    result = kb(runner, mini_kb, "sources")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "alpha-news\thigh\tnews\t3\tWidgetol explained\tAlpha News",
        "beta-blog\tlow\tblog\t2\tMy widgetol blog\tBeta Blog",
    ]
    data = json.loads(kb(runner, mini_kb, "sources", "-f", "json").stdout)
    assert data[0] == {
        "id": "alpha-news",
        "title": "Widgetol explained",
        "publisher": "Alpha News",
        "kind": "news",
        "reliability": "high",
        "facts": 3,
    }
    assert kb(runner, mini_kb, "sources", "-f", "ids").stdout == "alpha-news\nbeta-blog\n"
    lines = kb(runner, mini_kb, "sources", "-f", "jsonl").stdout.splitlines()
    assert [json.loads(line)["facts"] for line in lines] == [3, 2]


def test_subjects_and_tags_with_counts(runner: CliRunner, mini_kb: Path) -> None:
    assert kb(runner, mini_kb, "subjects").stdout.splitlines() == [
        "gadgetine\tdrug\t1\tGadgetine\tGizmo",
        "widgetol\tdrug\t4\tWidgetol\tWDG, widget pill",
    ]
    tags = kb(runner, mini_kb, "tags").stdout.splitlines()
    assert tags[0] == "history\t2"  # most used first, then by name
    assert tags[1:3] == ["bladder\t1", "legal-status\t1"]
    assert json.loads(kb(runner, mini_kb, "tags", "-f", "json").stdout)[0] == {
        "tag": "history",
        "facts": 2,
    }
    assert kb(runner, mini_kb, "tags", "-f", "ids").stdout.split()[0] == "history"


@pytest.mark.parametrize("width", [60, 80, 160])
@pytest.mark.parametrize("command", [["sources"], ["subjects"], ["tags"]], ids=" ".join)
def test_rich_lists_keep_ids_whole(
    runner: CliRunner, shipped_kb: Path, command: list[str], width: int
) -> None:
    result = kb(runner, shipped_kb, *command, "-f", "rich", width=width)
    assert result.exit_code == 0
    rows = json.loads(kb(runner, shipped_kb, *command, "-f", "json").stdout)
    words = set(result.stdout.translate({ord(c): " " for c in "│┃"}).split())
    for row in rows:
        assert row.get("id", row.get("tag")) in words
        assert str(row["facts"]) in words
    assert max(len(line) for line in result.stdout.splitlines()) <= width


def test_a_source_in_full(runner: CliRunner, mini_kb: Path) -> None:
    data = json.loads(kb(runner, mini_kb, "sources", "beta-blog", "-f", "json").stdout)
    assert data == [
        {
            "id": "beta-blog",
            "title": "My widgetol blog",
            "publisher": "Beta Blog",
            "kind": "blog",
            "reliability": "low",
            "reliability_note": "An anonymous blog with no references.",
            "retrieved": "2024-05-02",
            "snapshot": "beta.txt",
            "sha256": data[0]["sha256"],
            "authors": ["B. Writer"],
            "url": None,
            "facts": 2,
            "fact_ids": ["gadgetine-stronger", "widgetol-first-made-1972"],
        }
    ]
    rich = kb(runner, mini_kb, "sources", "alpha-news", "-f", "rich").stdout
    for text in (
        "Widgetol explained",
        "reliability  high",
        "A careful news report with named sources.",
        "retrieved    2024-05-01",
        "https://alpha.example/widgetol",
        "3 facts",
    ):
        assert text in rich
    plain = kb(runner, mini_kb, "sources", "beta-blog").stdout.splitlines()
    assert "reliability_note\tAn anonymous blog with no references." in plain
    assert plain[-2:] == ["fact\tgadgetine-stronger", "fact\twidgetol-first-made-1972"]
    ids = kb(runner, mini_kb, "sources", "beta-blog", "-f", "ids").stdout.split()
    assert ids == ["gadgetine-stronger", "widgetol-first-made-1972"]  # for kb show -


def test_a_subject_in_full_with_its_facts_by_topic(runner: CliRunner, mini_kb: Path) -> None:
    data = json.loads(kb(runner, mini_kb, "subjects", "WDG", "-f", "json").stdout)[0]
    assert (data["id"], data["aliases"], data["description"]) == (
        "widgetol",
        ["WDG", "widget pill"],
        "A made-up drug for tests.",
    )
    assert data["facts"] == 4
    assert list(data["topics"]) == ["pharmacology", "regulation", "risks"]  # kb.toml order
    assert [f["id"] for f in data["topics"]["pharmacology"]] == [
        "widgetol-first-made-1970",
        "widgetol-first-made-1972",
    ]
    assert data["topics"]["pharmacology"][1] == {
        "id": "widgetol-first-made-1972",
        "statement": "A blog dates the first synthesis of widgetol to 1972.",
        "status": "contested",
        "best_reliability": "low",
        "weakly_sourced": True,
    }
    rich = kb(runner, mini_kb, "subjects", "widgetol", "-f", "rich").stdout
    assert "pharmacology (2)" in rich and "risks (1)" in rich
    assert "widgetol-first-made-1972  CONTESTED  only low" in rich
    assert "A made-up drug for tests." in rich
    plain = kb(runner, mini_kb, "subjects", "widgetol").stdout.splitlines()
    bladder = "Using widgetol for a long time can harm the bladder."
    assert f"fact\trisks\twidgetol-bladder-damage\testablished\thigh\t{bladder}" in plain


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (["sources", "alpha-new"], "unknown source 'alpha-new' (did you mean 'alpha-news'?)"),
        (
            ["sources", "widgetol"],
            "unknown source 'widgetol': it is a subject (kb subjects widgetol)",
        ),
        (
            ["subjects", "alpha-news"],
            "unknown subject 'alpha-news': it is a source (kb sources alpha-news)",
        ),
        (["subjects", "widgetol-schedule-iv"], "it is a fact (kb show widgetol-schedule-iv)"),
        (["subjects", "widgetl"], "unknown subject 'widgetl' (did you mean 'widgetol'?)"),
        (
            ["show", "alpha-news"],
            "unknown fact id 'alpha-news': it is a source (kb sources alpha-news)",
        ),
        (["show", "Gizmo"], "unknown fact id 'Gizmo': it is a subject (kb subjects Gizmo)"),
    ],
)
def test_unknown_ids_get_a_hint(
    runner: CliRunner, mini_kb: Path, args: list[str], text: str
) -> None:
    result = kb(runner, mini_kb, *args)
    assert result.exit_code == 1
    assert text in result.stderr


def test_backlinks_in_show(runner: CliRunner, mini_kb: Path) -> None:
    (mini_kb / "facts" / "core" / "widgetol-doubt.toml").write_text(
        'id = "widgetol-doubt"\nstatement = "A blog doubts the Schedule IV status."\n'
        'subject = "widgetol"\ntopics = ["regulation"]\nstatus = "contested"\n'
        'note = "Made up for tests."\nrelated = ["widgetol-schedule-iv"]\n\n'
        '[[provenance]]\nsource = "beta-blog"\nquote = "Widgetol was first made in 1972"\n'
    )
    data = json.loads(kb(runner, mini_kb, "show", "widgetol-schedule-iv", "-f", "json").stdout)
    assert data[0]["related"] == []
    assert data[0]["backlinks"] == [
        {
            "id": "widgetol-doubt",
            "status": "contested",
            "statement": "A blog doubts the Schedule IV status.",
        }
    ]
    listed = json.loads(kb(runner, mini_kb, "list", "-f", "json").stdout)
    assert {f["id"]: f["backlinks"] for f in listed}["widgetol-schedule-iv"] == data[0]["backlinks"]
    rich = kb(runner, mini_kb, "show", "widgetol-schedule-iv", "-f", "rich").stdout
    assert "← widgetol-doubt  CONTESTED" in rich
    assert "A blog doubts the Schedule IV status." in rich
    both = kb(runner, mini_kb, "show", "widgetol-first-made-1970", "-f", "rich").stdout
    assert "↔ widgetol-first-made-1972" in both  # each names the other
    plain = kb(runner, mini_kb, "show", "widgetol-schedule-iv").stdout
    assert "backlinks\twidgetol-doubt\n" in plain


def test_backlinks_of_a_large_kb_come_from_the_index(
    runner: CliRunner, mini_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the search index holds SCAN_BELOW facts or more, kb show asks it (without an
    index, it reads the files, and the index is not asked)."""
    import kb.entries.selection as selection
    import kb.search.links as links

    asked: list[tuple[list[str], bool]] = []
    real = links.backlinks

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        answer = real(*args, **kwargs)
        asked.append((list(args[1]), answer is not None))
        return answer

    monkeypatch.setattr(links, "backlinks", spy)
    monkeypatch.setattr(selection, "SCAN_BELOW", 1)
    show = ["show", "widgetol-first-made-1970", "-f", "json"]
    scanned = json.loads(kb(runner, mini_kb, *show).stdout)[0]["backlinks"]  # no index yet
    assert kb(runner, mini_kb, "search", "widgetol").exit_code == 0  # builds it
    from_index = json.loads(kb(runner, mini_kb, *show).stdout)[0]["backlinks"]
    assert asked == [(["widgetol-first-made-1970"], True)]
    assert (
        from_index
        == scanned
        == [
            {
                "id": "widgetol-first-made-1972",
                "status": "contested",
                "statement": "A blog dates the first synthesis of widgetol to 1972.",
            }
        ]
    )
