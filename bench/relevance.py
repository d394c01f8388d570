"""How well `kb search` ranks the facts that answer a reader's query: the relevance set.

    uv run python bench/relevance.py                   # markdown report on the shipped KB
    uv run python bench/relevance.py --json now.json   # also every query's results, raw
    uv run python bench/relevance.py --compare before.json   # before/after, wins and losses
    uv run python bench/relevance.py --kb PATH --queries FILE --out report.md
    uv run python bench/relevance.py --assign-splits   # give new queries a split (once)

The queries and their judged facts are in bench/relevance/queries.toml (see its header). Every
query is searched as typed (top 10, in a temporary index), and scored against its judgements:

- success@3: a fact graded 2 (directly answers) is among the top 3
- P@3: how many of the top 3 are graded 1 or 2, divided by 3
- MRR@10: 1 / rank of the first fact graded 2 (0 when none is in the top 10)
- nDCG@10: graded gain (2^grade - 1) discounted by log2(rank + 1), divided by the ideal order's
- recall@10: the share of all the facts graded 1 or 2 that are in the top 10

A query the search refuses (QueryError: only stop words, ...) counts as having no hits and is
listed. The figures are given overall, per split ("dev" may be tuned on; "test" is held out and
only reported), per kind (questions, keywords) and per topic. Per-query listings (worst
queries, wins and losses) show dev queries only, unless --show-test: looking at held-out
queries one by one is how a test split stops being held out.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import tempfile
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
QUERIES = REPO / "bench" / "relevance" / "queries.toml"
SHIPPED_KB = REPO / "entries"
KINDS = ("question", "keywords")
SPLITS = ("dev", "test")
GRADES = (1, 2)
DEPTH = 10  # results looked at per query
SPLIT_SEED = 13
METRICS = ("success@3", "P@3", "MRR@10", "nDCG@10", "recall@10")


def search_ids(root: Path, text: str, index_dir: str) -> list[str] | None:
    """The ids of the top DEPTH facts for `text`, best first; None when the query is refused.

    The one call into kb: when the library moves, only this function changes."""
    from kb.core.errors import QueryError
    from kb.search.api import search

    try:
        result = search(
            root, text, limit=DEPTH, index_dir=index_dir, highlight=False, records=False
        )
    except QueryError:
        return None
    return [hit.id for hit in result.hits]


@dataclass
class Query:
    text: str
    kind: str
    topic: str
    split: str | None
    relevant: dict[str, int]


@dataclass
class Result:
    text: str
    kind: str
    topic: str
    split: str
    ids: list[str]  # the top DEPTH, best first
    refused: bool
    metrics: dict[str, float] = field(default_factory=dict)


def load_queries(path: Path = QUERIES, *, need_split: bool = True) -> list[Query]:
    """The queries of `path`, checked (a ValueError says what is wrong and where)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    queries = []
    for number, item in enumerate(data.get("query", []), 1):
        where = f"{path.name}: query {number} ({item.get('text')!r})"
        unknown = set(item) - {"text", "kind", "topic", "split", "relevant"}
        if unknown:
            raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
        text, kind, topic = item.get("text"), item.get("kind"), item.get("topic")
        split, relevant = item.get("split"), item.get("relevant", {})
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"{where}: no text")
        if kind not in KINDS:
            raise ValueError(f"{where}: kind must be one of {KINDS}")
        if not isinstance(topic, str) or not topic:
            raise ValueError(f"{where}: no topic")
        if split not in SPLITS and (need_split or split is not None):
            raise ValueError(f"{where}: split must be one of {SPLITS}")
        if not isinstance(relevant, dict) or any(g not in GRADES for g in relevant.values()):
            raise ValueError(f"{where}: relevant must map fact ids to grades {GRADES}")
        if 2 not in relevant.values():
            raise ValueError(f"{where}: no fact graded 2")
        queries.append(Query(text, kind, topic, split, dict(relevant)))
    return queries


def score(ids: list[str], relevant: dict[str, int]) -> dict[str, float]:
    """The metrics of one ranked list of ids against the judgements of its query."""
    grades = [relevant.get(fact, 0) for fact in ids[:DEPTH]]
    first = next((rank for rank, grade in enumerate(grades, 1) if grade == 2), None)

    def dcg(ranked: Iterable[int]) -> float:
        return sum((2**grade - 1) / math.log2(rank + 1) for rank, grade in enumerate(ranked, 1))

    ideal = dcg(sorted(relevant.values(), reverse=True)[:DEPTH])
    return {
        "success@3": float(2 in grades[:3]),
        "P@3": sum(1 for grade in grades[:3] if grade) / 3,
        "MRR@10": 1 / first if first else 0.0,
        "nDCG@10": dcg(grades) / ideal,
        "recall@10": sum(1 for grade in grades if grade) / len(relevant),
    }


def evaluate(
    queries: list[Query],
    root: Path = SHIPPED_KB,
    *,
    index_dir: str | None = None,
    searcher: Callable[[Path, str, str], list[str] | None] = search_ids,
) -> list[Result]:
    """Every query searched in `root` and scored (in a temporary index unless `index_dir`)."""
    if index_dir is None:
        with tempfile.TemporaryDirectory(prefix="kb-relevance-") as tmp:
            return evaluate(queries, root, index_dir=str(Path(tmp) / "index"), searcher=searcher)
    results = []
    for query in queries:
        ids = searcher(root, query.text, index_dir)
        refused = ids is None
        ids = ids or []
        split = query.split or "?"
        result = Result(query.text, query.kind, query.topic, split, ids, refused)
        result.metrics = score(ids, query.relevant)
        results.append(result)
    return results


def mean(results: list[Result], metric: str) -> float:
    return sum(r.metrics[metric] for r in results) / len(results) if results else float("nan")


def groups(results: list[Result]) -> list[tuple[str, list[Result]]]:
    """The rows of the summary: overall, each split, each kind, each split and kind."""
    rows = [("all", results)]
    rows += [(split, [r for r in results if r.split == split]) for split in SPLITS]
    rows += [(kind, [r for r in results if r.kind == kind]) for kind in KINDS]
    rows += [
        (f"{split} {kind}", [r for r in results if r.split == split and r.kind == kind])
        for split in SPLITS
        for kind in KINDS
    ]
    return [(name, members) for name, members in rows if members]


def summary(results: list[Result]) -> dict[str, dict[str, float]]:
    """{group: {"n": count, metric: mean}} for the groups of `groups`."""
    return {
        name: {"n": len(members), **{m: round(mean(members, m), 4) for m in METRICS}}
        for name, members in groups(results)
    }


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def shown(results: list[Result], show_test: bool) -> list[Result]:
    return [r for r in results if show_test or r.split != "test"]


def report(
    results: list[Result],
    queries: list[Query],
    *,
    worst: int = 15,
    show_test: bool = False,
    kb: str = "entries",
) -> str:
    """The markdown report of one run."""
    judged = {q.text: q.relevant for q in queries}
    out = ["# Relevance of kb search", ""]
    questions = sum(r.kind == "question" for r in results)
    out.append(
        f"KB `{kb}`; {len(results)} queries ({questions} questions, "
        f"{len(results) - questions} keyword queries); the top {DEPTH} of each judged."
    )
    out += ["", "## Summary", ""]
    rows = [
        [name, str(len(members)), *(f"{mean(members, m):.3f}" for m in METRICS)]
        for name, members in groups(results)
    ]
    out.append(table(["queries", "n", *METRICS], rows))
    out += ["", "## By topic", ""]
    topics = sorted({r.topic for r in results})
    rows = []
    for topic in topics:
        members = [r for r in results if r.topic == topic]
        rows.append(
            [topic, str(len(members))]
            + [f"{mean(members, m):.3f}" for m in ("success@3", "nDCG@10")]
        )
    out.append(table(["topic", "n", "success@3", "nDCG@10"], rows))

    refused = [r for r in results if r.refused]
    empty = [r for r in results if not r.refused and not r.ids]
    out += ["", "## Refused and empty", ""]
    out.append(f"Refused by the search (counted as no hits): {len(refused)}.")
    out += [f"- `{r.text}` ({r.split})" for r in refused]
    out.append(f"\nNo hits at all: {len(empty)}.")
    out += [f"- `{r.text}` ({r.split})" for r in empty]

    candidates = [r for r in shown(results, show_test) if r.kind == "question"]
    failing = sorted(
        (r for r in candidates if not r.metrics["success@3"]),
        key=lambda r: (r.metrics["nDCG@10"], r.metrics["MRR@10"], r.text),
    )[:worst]
    which = "all splits" if show_test else "dev split only"
    out += ["", f"## Worst questions ({which}): no directly answering fact in the top 3", ""]
    for r in failing:
        grades = judged.get(r.text, {})
        first = next((i for i, f in enumerate(r.ids, 1) if grades.get(f) == 2), None)
        where = f"first answer at rank {first}" if first else f"no answer in the top {DEPTH}"
        out.append(f"- `{r.text}` — nDCG@10 {r.metrics['nDCG@10']:.2f}, {where}; top 3:")
        for fact in r.ids[:3]:
            out.append(f"  - {fact} (grade {grades.get(fact, 0)})")
        if not r.ids:
            out.append("  - (no hits)")
    return "\n".join(out) + "\n"


def compare(
    old: dict[str, Any], results: list[Result], *, show_test: bool = False, limit: int = 25
) -> str:
    """Before (an earlier --json file) against now: the summaries, and per-query changes.

    A query is better when it gained success@3, or kept it and gained 0.005 or more nDCG@10;
    worse the other way round."""
    before = {r["text"]: r for r in old["results"]}
    old_summary: dict[str, dict[str, float]] = old["summary"]
    out = ["## Before and after", ""]
    rows = []
    for name, now in summary(results).items():
        was = old_summary.get(name)
        cells = [name, str(now["n"])]
        for metric in METRICS:
            if was is None:
                cells.append(f"{now[metric]:.3f}")
            else:
                delta = now[metric] - was[metric]
                cells.append(f"{was[metric]:.3f} → {now[metric]:.3f} ({delta:+.3f})")
        rows.append(cells)
    out.append(table(["queries", "n", *METRICS], rows))

    better, worse, same = [], [], 0
    for r in results:
        was = before.get(r.text)
        if was is None:
            continue
        delta = r.metrics["nDCG@10"] - was["metrics"]["nDCG@10"]
        flipped = r.metrics["success@3"] - was["metrics"]["success@3"]
        change = (delta, flipped, r, was)
        if flipped > 0 or (not flipped and delta >= 0.005):
            better.append(change)
        elif flipped < 0 or delta <= -0.005:
            worse.append(change)
        else:
            same += 1
    new_only = sum(r.text not in before for r in results)
    out += [
        "",
        f"Per query: {len(better)} better, {len(worse)} worse, {same} unchanged, "
        f"{new_only} not in the earlier run.",
    ]
    for label, changed, sign in (("Better", better, -1), ("Worse", worse, 1)):
        listed = sorted(
            (c for c in changed if show_test or c[2].split != "test"),
            key=lambda c: (sign * c[1], sign * c[0], c[2].text),
        )
        hidden = len(changed) - len(listed)
        out += ["", f"### {label}" + (f" ({hidden} test queries not shown)" if hidden else ""), ""]
        for delta, _, r, was in listed[:limit]:
            s3 = f"success@3 {int(was['metrics']['success@3'])}→{int(r.metrics['success@3'])}"
            out.append(f"- `{r.text}` ({r.kind}, {r.split}): nDCG@10 {delta:+.2f}, {s3}")
        if len(listed) > limit:
            out.append(f"- … and {len(listed) - limit} more")
    return "\n".join(out) + "\n"


def assign_splits(path: Path = QUERIES, seed: int = SPLIT_SEED) -> int:
    """Give every query of `path` without a split one, in place; return how many.

    Stratified and seeded: the queries without a split are grouped by (topic, kind), each group
    shuffled, the groups laid end to end, and every third one (from a random offset) is "test",
    so that each group and the whole get a third of test queries, give or take one. The
    `split = ...` line is written after the query's `kind = ...` line."""
    queries = load_queries(path, need_split=False)
    todo = [i for i, q in enumerate(queries) if q.split is None]
    rng = random.Random(seed)
    by_group: dict[tuple[str, str], list[int]] = {}
    for i in todo:
        by_group.setdefault((queries[i].topic, queries[i].kind), []).append(i)
    order: list[int] = []
    for key in sorted(by_group):
        members = by_group[key]
        rng.shuffle(members)
        order += members
    offset = rng.randrange(3)
    split = {i: ("test" if position % 3 == offset else "dev") for position, i in enumerate(order)}
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    out, number = [], -1
    for line in lines:
        out.append(line)
        if line.strip() == "[[query]]":
            number += 1
        elif line.startswith("kind = ") and number in split:
            out.append(f'split = "{split[number]}"\n')
    if number + 1 != len(queries):
        raise ValueError(f"{path}: found {number + 1} [[query]] lines for {len(queries)} queries")
    path.write_text("".join(out), encoding="utf-8")
    load_queries(path)  # every query has a valid split now
    return len(split)


def display(path: Path) -> str:
    """`path` relative to the repository when it is inside it (reports name no machine paths)."""
    try:
        return path.resolve().relative_to(REPO).as_posix()
    except ValueError:
        return str(path)


def raw_json(results: list[Result], kb: str, queries: str) -> str:
    """The --json file: the summary, then one line per query (diffs stay readable)."""
    head = json.dumps({"kb": kb, "queries": queries, "summary": summary(results)}, indent=1)
    rows = [
        {**asdict(r), "metrics": {m: round(v, 4) for m, v in r.metrics.items()}} for r in results
    ]
    lines = ",\n".join(json.dumps(row, ensure_ascii=False) for row in rows)
    return head[:-2] + ',\n "results": [\n' + lines + "\n ]\n}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kb", type=Path, default=SHIPPED_KB, help="KB root (default: entries/)")
    parser.add_argument("--queries", type=Path, default=QUERIES, help="the relevance set")
    parser.add_argument("--out", type=Path, help="write the markdown report here too")
    parser.add_argument("--json", type=Path, help="write every query's results here")
    parser.add_argument("--compare", type=Path, help="an earlier --json file: before/after")
    parser.add_argument("--worst", type=int, default=15, help="worst questions listed")
    parser.add_argument(
        "--show-test", action="store_true", help="list held-out queries one by one too"
    )
    parser.add_argument("--assign-splits", action="store_true", help="split new queries, exit")
    parser.add_argument("--seed", type=int, default=SPLIT_SEED, help="for --assign-splits")
    args = parser.parse_args(argv)

    if args.assign_splits:
        count = assign_splits(args.queries, args.seed)
        print(f"{count} queries given a split in {args.queries}", file=sys.stderr)
        return 0
    queries = load_queries(args.queries)
    results = evaluate(queries, args.kb)
    kb = display(args.kb)
    text = report(results, queries, worst=args.worst, show_test=args.show_test, kb=kb)
    if args.compare:
        old = json.loads(args.compare.read_text(encoding="utf-8"))
        text += "\n" + compare(old, results, show_test=args.show_test)
    print(text, end="")
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    if args.json:
        args.json.write_text(raw_json(results, kb, display(args.queries)), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
