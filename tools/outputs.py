"""Record what every command prints on the shipped KB, to compare two versions of kb.

    uv run python tools/outputs.py record DIR     # one file per invocation: stdout, stderr, code
    diff -r BEFORE AFTER                          # byte-for-byte comparison

Each invocation runs `.venv/bin/kb` (or $KB_BIN) in a fixed environment: a terminal width of 100
columns, no colour variables but the ones an invocation sets, its own index directory, and the
source snapshots from ../shared/sources when they are there. Timing figures (`kb index`) are
masked. Used for refactorings that must not change behaviour (see docs/architecture.md).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SNAPSHOTS = REPO.parent / "shared" / "sources"
MINI_KB = REPO / "tests" / "fixtures" / "mini-kb"
BAD = REPO / "tests" / "fixtures" / "bad"

FORMATS = ("rich", "plain", "json", "jsonl", "ids")
VALIDATE_FORMATS = ("rich", "plain", "json", "jsonl", "github")
FACT = "ketamine-schedule-iii"

# (name, argv after `kb`, stdin); {mini} is a copy of the mini KB, {snap} the snapshots folder.
Invocation = tuple[str, list[str], str | None]


def invocations() -> list[Invocation]:
    """Every invocation, as (name, argv, stdin): each command in each format it offers, and
    the usual mistakes."""
    per_format = {
        "search-bladder": "search bladder",
        "search-fields": "search 'subject:esketamine topic:risks' -n 5",
        "search-and": "search 'spravato AND approved'",
        "search-phrase-not": "search '\"nasal spray\" NOT compounded' --status established",
        "search-typo": "search esketamne",
        "show": f"show {FACT} ketamine-effective-for-trd",
        "list": "list",
        "list-filtered": "list --subject spravato --topic risks",
        "compare-subjects": "compare ketamine esketamine",
        "compare-sources": "compare ketamine --by source",
        "compare-facts": "compare esketamine-more-potent-than-ketamine "
        "ketamine-less-potent-than-esketamine",
        "compare-attribute": "compare spravato ketamine --attribute route",
        "stats": "stats",
        "sources": "sources",
        "sources-one": "sources whatedu-ketamine-faq",
        "subjects": "subjects",
        "subjects-one": "subjects spravato",
        "tags": "tags",
        "show-context": f"show {FACT} --context --snapshots {{snap}}",
        "list-min-reliability": "list --min-reliability medium",
        "validate-kb": "validate --strict --snapshots {snap}",
        "validate-bad": "validate --kb {mini}",
    }
    offered = {"search": FORMATS, "show": FORMATS, "list": FORMATS, "validate": VALIDATE_FORMATS}
    offered.update(sources=FORMATS, subjects=FORMATS, tags=FORMATS)
    runs: list[Invocation] = []
    for name, line in per_format.items():
        command = line.split()[0]
        for fmt in offered.get(command, FORMATS[:-1]):
            runs.append((f"{name}-{fmt}", [*shlex.split(line), "-f", fmt], None))
    single = {
        "search-all-plain": "search ketamine --all -f plain",
        "search-filter-subject": "search bladder --subject spravato -f plain",
        "search-unknown-subject": "search bladder --subject esketamin",
        "search-unknown-field": "search colour:red",
        "search-stopwords": "search the",
        "search-nothing": "search zzzzqqq",
        "search-min-reliability": "search ketamine --min-reliability medium -f plain",
        "show-source-id": "show whatedu-ketamine-faq",
        "show-context-mini": "show widgetol-schedule-iv --context --kb {mini} -f plain",
        "show-toml": f"show {FACT} -f toml",
        "show-unknown": f"show ketamine-schedule-3 {FACT} -f plain",
        "list-contested": "list --status contested -f plain",
        "list-unknown-topic": "list --topic risk",
        "compare-unknown": "compare esketamin ketamine",
        "compare-one": "compare ketamine",
        "compare-unknown-attribute": "compare ketamine esketamine --attribute rout",
        "schema-fact": "schema fact",
        "schema-source": "schema source",
        "schema-subject": "schema subject",
        "schema-kb": "schema kb",
        "schema-vocabularies": "schema fact --vocabularies",
        "index-plain": "index -f plain",
        "index-json": "index -f json",
        "new-fact-dry": "new fact --kb {mini} --statement 'Gadgetine is sold in blue boxes.' "
        "--subject gadgetine --topic risks --source alpha-news --quote {quote} --dry-run",
        "new-subject-dry": "new subject --kb {mini} --name Thingamol --kind drug --dry-run",
        "version": "--version",
    }
    runs += [(name, shlex.split(line), None) for name, line in single.items()]
    runs.append(("show-stdin", ["show", "-", "-f", "ids"], f"{FACT}\nketamine-effective-for-trd\n"))
    runs.append(("new-missing", shlex.split("new fact --kb {mini} --statement x"), ""))
    return runs


_SECONDS = re.compile(r'(in )\d+\.\d+( s)|("seconds": )[0-9.]+')


def _mask(text: str, workdir: str) -> str:
    text = _SECONDS.sub(lambda m: (m[1] or m[3]) + "N" + (m[2] or ""), text)
    return text.replace(workdir, "<WORK>")


def record(out: Path) -> int:
    kb_bin = os.environ.get("KB_BIN") or str(REPO / ".venv" / "bin" / "kb")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kb-outputs-") as work:
        mini = Path(work) / "mini-kb"
        shutil.copytree(MINI_KB, mini)
        shutil.copy(BAD / "KB010.toml", mini / "facts" / "core" / "bad-key.toml")
        quote = _first_quote(mini)
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"KB_DIR", "KB_SNAPSHOTS", "NO_COLOR", "FORCE_COLOR", "KB_INDEX_DIR"}
        }
        env.update(COLUMNS="100", LINES="40", TERM="dumb", KB_INDEX_DIR=str(Path(work) / "ix"))
        for name, argv, stdin in invocations():
            args = [
                a.replace("{mini}", str(mini))
                .replace("{snap}", str(SNAPSHOTS))
                .replace("{quote}", quote)
                for a in argv
            ]
            done = subprocess.run(
                [kb_bin, *args],
                input=stdin if stdin is not None else "",
                capture_output=True,
                text=True,
                env=env,
                cwd=REPO,
            )
            text = f"$ kb {' '.join(argv)}\nexit {done.returncode}\n--- stdout\n{done.stdout}"
            text += f"--- stderr\n{done.stderr}"
            (out / f"{name}.txt").write_text(_mask(text, work), encoding="utf-8")
    return 0


def _first_quote(kb: Path) -> str:
    text = (kb / "snapshots" / "alpha.txt").read_text(encoding="utf-8")
    return " ".join(text.split()[:8])


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[1] != "record":
        sys.stderr.write(__doc__ or "")
        return 2
    return record(Path(argv[2]))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
