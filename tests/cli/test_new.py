from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kb.cli import prompts
from kb.cli.app import app

QUOTE = "Long-term use of widgetol can damage the bladder."


def fact_args(kb: Path, *extra: str) -> list[str]:
    return [
        "new",
        "fact",
        "--kb",
        str(kb),
        "--statement",
        "Taking widgetol for years may harm the bladder.",
        "--subject",
        "Widgetol",
        "--topic",
        "risks",
        "--source",
        "alpha-news",
        "--quote",
        QUOTE,
        *extra,
    ]


def test_new_fact_prints_its_path(
    runner: CliRunner, mini_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(mini_kb)
    result = runner.invoke(app, fact_args(mini_kb, "--tag", "bladder", "--locator", "para 2"))
    assert result.exit_code == 0, result.output
    assert result.stdout == "facts/risks/taking-widgetol-years-harm-bladder.toml\n"
    assert "quotes checked against the source snapshots" in result.stderr
    data = tomllib.loads((mini_kb / result.stdout.strip()).read_text())
    assert data["provenance"] == [{"source": "alpha-news", "quote": QUOTE, "locator": "para 2"}]
    assert data["subject"] == "widgetol"
    check = runner.invoke(app, ["validate", "--kb", str(mini_kb), "--strict"])
    assert check.exit_code == 0, check.output


def test_second_time_the_id_is_taken(runner: CliRunner, mini_kb: Path) -> None:
    assert runner.invoke(app, fact_args(mini_kb)).exit_code == 0
    again = runner.invoke(app, fact_args(mini_kb))
    assert again.exit_code == 1
    assert "is taken by" in again.stderr
    other = runner.invoke(app, fact_args(mini_kb, "--id", "bladder-harm-again"))
    assert other.exit_code == 0, other.output


def test_bad_quote_is_a_usage_error_and_writes_nothing(runner: CliRunner, mini_kb: Path) -> None:
    args = fact_args(mini_kb)
    args[args.index(QUOTE)] = "Widgetol is good for the bladder."
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "KB040" in result.stderr
    assert "nothing written" in result.stderr
    assert result.stdout == ""
    assert not (mini_kb / "facts" / "risks").exists()


def test_dry_run_prints_the_toml(runner: CliRunner, mini_kb: Path) -> None:
    result = runner.invoke(app, fact_args(mini_kb, "--dry-run", "--attribute", "risk"))
    assert result.exit_code == 2  # attribute without value
    assert "KB022" in result.stderr
    result = runner.invoke(
        app, fact_args(mini_kb, "--dry-run", "--attribute", "long-term-risk", "--value", "bladder")
    )
    assert result.exit_code == 0, result.output
    assert tomllib.loads(result.stdout)["value"] == "bladder"
    assert not (mini_kb / "facts" / "risks").exists()


def test_missing_options_without_a_terminal_are_a_usage_error(
    runner: CliRunner, mini_kb: Path
) -> None:
    result = runner.invoke(app, ["new", "fact", "--kb", str(mini_kb), "--statement", "Something."])
    assert result.exit_code == 2
    assert "missing --subject, --topic, --source/--quote" in result.stderr
    unpaired = runner.invoke(app, [*fact_args(mini_kb), "--source", "beta-blog"])
    assert unpaired.exit_code == 2
    assert "missing --quote for --source beta-blog" in unpaired.stderr
    too_many = runner.invoke(app, [*fact_args(mini_kb), "--quote", "Another quote here."])
    assert too_many.exit_code == 2 and "one --source per --quote" in too_many.stderr


def test_interactive_prompts_ask_for_what_is_missing(
    runner: CliRunner, mini_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(prompts, "stdin_is_terminal", lambda: True)
    answers = [
        "Gizmo",  # subject by alias
        "astrology",  # not a topic: asked again
        "risks, pharmacology",
        "nowhere",  # not a source: asked again
        "alpha-news",
        QUOTE,
        "",  # no locator
        "widgetol-schedule-iv",  # taken: asked again
        "",  # accept the proposed id
    ]
    result = runner.invoke(
        app,
        ["new", "fact", "--kb", str(mini_kb), "--statement", "Gadgetine may harm the bladder."],
        input="\n".join(answers) + "\n",
    )
    assert result.exit_code == 0, result.output
    # CliRunner echoes the typed answers to stdout; the path is the last line
    written = result.stdout.strip().splitlines()[-1]
    assert written.endswith("facts/risks/gadgetine-harm-bladder.toml")
    assert "Subject (id, name or alias):" in result.stderr
    assert "topics come from" in result.stderr
    assert "is taken" in result.stderr
    data = tomllib.loads(Path(written).read_text())
    assert data["subject"] == "gadgetine"
    assert data["topics"] == ["risks", "pharmacology"]
    assert data["provenance"] == [{"source": "alpha-news", "quote": QUOTE}]


def test_new_source_and_subject(runner: CliRunner, mini_kb: Path) -> None:
    source = runner.invoke(
        app,
        [
            "new",
            "source",
            "--kb",
            str(mini_kb),
            "--title",
            "Widgetol again",
            "--publisher",
            "Alpha News",
            "--kind",
            "news",
            "--reliability",
            "high",
            "--reliability-note",
            "Same careful newsroom.",
            "--retrieved",
            "2024-07-01",
            "--snapshot",
            "alpha.txt",
            "--url",
            "https://alpha.example/again",
        ],
    )
    assert source.exit_code == 0, source.output
    assert source.stdout.strip().endswith("sources/widgetol-again.toml")
    subject = runner.invoke(
        app,
        ["new", "subject", "--kb", str(mini_kb), "--name", "Thingamajig", "--kind", "drug"],
    )
    assert subject.exit_code == 0, subject.output
    assert subject.stdout.strip().endswith("subjects/thingamajig.toml")
    missing = runner.invoke(app, ["new", "subject", "--kb", str(mini_kb), "--name", "X Y"])
    assert missing.exit_code == 2
    assert "missing --kind" in missing.stderr


def test_new_without_a_kind_shows_help(runner: CliRunner) -> None:
    result = runner.invoke(app, ["new"])
    assert "fact" in result.output
    assert "subject" in result.output


def test_new_subject_cannot_take_another_subjects_alias(runner: CliRunner, mini_kb: Path) -> None:
    result = runner.invoke(
        app,
        [
            "new",
            "subject",
            "--name",
            "Foo",
            "--kind",
            "drug",
            "--alias",
            "wdg",
            "--kb",
            str(mini_kb),
        ],
    )
    assert result.exit_code == 2
    assert "KB025" in result.stderr and "widgetol" in result.stderr
    assert not (mini_kb / "subjects" / "foo.toml").exists()


SOURCE_ARGS = [
    "--title",
    "Gizmo explained",
    "--publisher",
    "Gizmo Times",
    "--kind",
    "news",
    "--reliability",
    "low",
    "--reliability-note",
    "An unsigned page with no sources.",
]
PAGE = (
    "<!doctype html><html><head><title>Gizmo</title></head><body>"
    "<p>Gizmo pills &amp; widgetol are <b>not</b> the same thing.</p></body></html>"
)


def test_new_source_from_an_html_file_captures_its_text(
    runner: CliRunner, mini_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime as dt
    import hashlib

    page = tmp_path / "page.html"
    page.write_text(PAGE)
    monkeypatch.chdir(mini_kb)
    result = runner.invoke(app, ["new", "source", "--from", str(page), *SOURCE_ARGS])
    assert result.exit_code == 0, result.output
    assert result.stdout == "sources/gizmo-explained.toml\n"
    assert "wrote snapshot snapshots/gizmo-explained.txt" in result.stderr
    snapshot = (mini_kb / "snapshots" / "gizmo-explained.txt").read_bytes()
    assert snapshot == b"Gizmo pills & widgetol are not the same thing.\n"
    data = tomllib.loads((mini_kb / "sources" / "gizmo-explained.toml").read_text())
    assert data["snapshot"] == "gizmo-explained.txt"
    assert data["sha256"] == hashlib.sha256(snapshot).hexdigest()
    assert data["retrieved"] == dt.date.today()
    assert runner.invoke(app, ["validate"]).exit_code == 0
    # a fact can quote it at once
    fact = runner.invoke(
        app,
        [
            "new",
            "fact",
            "--statement",
            "A news page says gizmo pills differ from widgetol.",
            "--subject",
            "gadgetine",
            "--topic",
            "pharmacology",
            "--source",
            "gizmo-explained",
            "--quote",
            "widgetol are not the same thing",
        ],
    )
    assert fact.exit_code == 0, fact.output


def test_new_source_from_stdin_keeps_markdown_as_is(
    runner: CliRunner, mini_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(mini_kb)
    text = "# Notes\n\nWidgetol is *not* gizmo.\n"
    args = ["new", "source", "--from", "-", "--snapshot", "notes.txt", *SOURCE_ARGS]
    result = runner.invoke(app, [*args, "--retrieved", "2024-01-02"], input=text)
    assert result.exit_code == 0, result.output
    assert (mini_kb / "snapshots" / "notes.txt").read_text() == text


def test_new_source_from_refusals(
    runner: CliRunner, mini_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(mini_kb)
    missing = runner.invoke(app, ["new", "source", "--from", "nowhere.txt", *SOURCE_ARGS])
    assert missing.exit_code == 2 and "cannot read nowhere.txt" in missing.stderr
    taken = runner.invoke(
        app, ["new", "source", "--from", "-", "--snapshot", "alpha.txt", *SOURCE_ARGS], input="x"
    )
    assert taken.exit_code == 1 and "already exists with another text" in taken.stderr
    assert not (mini_kb / "sources" / "gizmo-explained.toml").exists()
    latin = tmp_path / "latin.txt"
    latin.write_bytes(b"caf\xe9")
    bad = runner.invoke(app, ["new", "source", "--from", str(latin), *SOURCE_ARGS])
    assert bad.exit_code == 2 and "not UTF-8" in bad.stderr
    wrong_sum = runner.invoke(
        app, ["new", "source", "--from", "-", "--sha256", "0" * 64, *SOURCE_ARGS], input="text"
    )
    assert wrong_sum.exit_code == 2 and "is not the sha256" in wrong_sum.stderr
    (mini_kb / "kb.toml").write_text(
        (mini_kb / "kb.toml").read_text().replace('snapshots = "snapshots"\n', "")
    )
    nowhere = runner.invoke(app, ["new", "source", "--from", "-", *SOURCE_ARGS], input="text")
    assert nowhere.exit_code == 2 and "no snapshots folder" in nowhere.stderr
    assert sorted(p.name for p in (mini_kb / "snapshots").iterdir()) == ["alpha.txt", "beta.txt"]


def test_problems_are_listed_one_per_line(runner: CliRunner, mini_kb: Path) -> None:
    args = fact_args(mini_kb, "--topic", "astrology", "--attribute", "route")
    args[args.index(QUOTE)] = "Long-term use of widgetol can damage the kidneys."
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0] == "kb: error: the new fact would not be valid, nothing written:"
    assert [line.split()[0] for line in lines[1:]] == ["KB033", "KB022", "KB040"]  # file order
    assert "\\n" not in result.stderr
    assert "departs from the snapshot after 'Long-term use of widgetol can damage the'" in (
        result.stderr
    )
    assert "at 'kidneys.'" in result.stderr
    assert "closest passage" in result.stderr and QUOTE in result.stderr


def test_new_outside_any_kb_never_writes_into_the_shipped_one(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["new", "subject", "--name", "Thing", "--kind", "drug"])
    assert result.exit_code == 1
    assert "no knowledge base here" in result.stderr and "kb init" in result.stderr


def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prompts, "stdin_is_terminal", lambda: True)


def test_only_the_missing_values_are_asked(
    runner: CliRunner, mini_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    terminal(monkeypatch)
    args = fact_args(mini_kb)
    del args[args.index("--quote") : args.index("--quote") + 2]  # --source alpha-news alone
    answers = [
        "Long-term use of widgetol can damage the kidneys.",  # not in the snapshot
        QUOTE,
        "paragraph 2",
        "",  # the proposed id
    ]
    result = runner.invoke(app, args, input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "Subject" not in result.stderr and "Topics" not in result.stderr  # given
    assert "Quote from alpha-news (verbatim):" in result.stderr
    assert "not in the snapshot alpha.txt: it departs from the snapshot after " in result.stderr
    assert "closest passage (" in result.stderr
    written = Path(result.stdout.strip().splitlines()[-1])
    data = tomllib.loads(written.read_text())
    assert data["provenance"] == [
        {"source": "alpha-news", "quote": QUOTE, "locator": "paragraph 2"}
    ]


def test_answers_are_checked_as_typed(
    runner: CliRunner, mini_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    terminal(monkeypatch)
    answers = [
        "Too short",  # statement: at least 10 characters... this one has 9
        "Gadgetine may harm the bladder, a news site says.",
        "gadgetine",
        "risk",  # not a topic
        "risks",
        "alpha-newz",  # not a source: did you mean
        "alpha-news",
        "short",  # a quote of 5 characters
        QUOTE,
        "",
        "",  # the proposed id
    ]
    result = runner.invoke(
        app, ["new", "fact", "--kb", str(mini_kb)], input="\n".join(answers) + "\n"
    )
    assert result.exit_code == 0, result.output
    assert "at least 10 characters (9 typed)" in result.stderr
    assert "topics come from" in result.stderr
    assert "did you mean 'alpha-news'" in result.stderr
    assert "at least 10 characters (5 typed)" in result.stderr
    assert result.stdout.strip().endswith("facts/risks/gadgetine-harm-bladder-news-site-says.toml")


def test_an_invalid_result_opens_in_the_editor_instead_of_being_lost(
    runner: CliRunner, mini_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    terminal(monkeypatch)
    fixer = tmp_path / "fix.sh"
    fixer.write_text(
        '#!/bin/sh\nsed -i \'s/^attribute = .*/attribute = "route"\\nvalue = "oral"/\' "$1"\n'
    )
    fixer.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(fixer))
    monkeypatch.delenv("VISUAL", raising=False)
    args = ["new", "fact", "--kb", str(mini_kb), "--attribute", "route"]  # without --value
    answers = ["Widgetol pills are swallowed whole.", "widgetol", "pharmacology", "alpha-news"]
    answers += [QUOTE, "", "", "y"]
    result = runner.invoke(app, args, input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "KB022" in result.stderr and "Fix it in your editor?" in result.stderr
    written = Path(result.stdout.strip().splitlines()[-1])
    assert tomllib.loads(written.read_text())["value"] == "oral"
    # declined: the answers are kept in a file, and nothing is written into the KB
    again = runner.invoke(
        app,
        ["new", "fact", "--kb", str(mini_kb), "--attribute", "route", "--id", "other-id"],
        input="\n".join([*answers[:-2], "n"]) + "\n",
    )
    assert again.exit_code == 1
    kept = Path(again.stderr.split("your answers are kept in ")[1].strip())
    assert "Widgetol pills are swallowed whole." in kept.read_text()
    assert not list(mini_kb.rglob("other-id.toml"))


def test_closed_stdin_while_asking_is_no_traceback(
    runner: CliRunner, mini_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    terminal(monkeypatch)
    result = runner.invoke(app, ["new", "subject", "--kb", str(mini_kb)], input="")
    assert result.exit_code == 1
    assert "no answer: the input ended" in result.stderr
    assert "Traceback" not in result.output
