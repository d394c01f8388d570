"""`kb search` and `kb index` processes with a real watchman: never a stale result.

Each test starts a private watchman server (tests/watchmanserver.py) and puts a `watchman`
program first on PATH that talks to it (or starts it, with the same private files), so that kb
finds it as it finds a user's; every server is stopped at the end, also one kb started. After
every change to the KB, what the searches find is compared with a search of a new index built
from scratch: the same facts, with the same statements and paths.

Without a watchman program these tests are skipped, unless KB_REQUIRE_WATCHMAN=1 (CI).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kb.index.store import WATCH_STATE, Store
from kb.search.api import search
from tests.conftest import MINI_KB
from tests.watchmanserver import Server, private_server

EVERYTHING = "widgetol OR gadgetine"  # every fact of the mini KB (their subjects)


class Watched:
    """A KB in a project folder (like entries/ in a git checkout), an index directory, and
    the environment of kb processes that find the private server."""

    def __init__(self, server: Server, tmp: Path) -> None:
        self.server, self.tmp = server, tmp
        project = tmp / "project"
        project.mkdir()
        (project / ".watchmanconfig").write_text("{}\n")
        self.root = project / "entries"
        shutil.copytree(MINI_KB, self.root)
        self.index_dir = tmp / "index"
        self.bin = tmp / "bin"
        server.wrapper(self.bin)
        self.path = f"{self.bin}{os.pathsep}{os.environ.get('PATH', '')}"
        self.truths = 0

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "WATCHMAN_SOCK"}
        env.update(
            PATH=self.path,
            KB_WATCHMAN="1",
            KB_DIR=str(self.root),
            KB_INDEX_DIR=str(self.index_dir),
        )
        env.update(extra)
        return env

    def kb(self, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "kb", *args],
            env=self.env(**extra),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert "Traceback" not in done.stderr, done.stderr
        return done

    def index(self, **extra: str) -> dict[str, Any]:
        done = self.kb("index", "-f", "json", **extra)
        assert done.returncode == 0, done.stderr
        report: dict[str, Any] = json.loads(done.stdout)
        return report

    def found(self, query: str, **extra: str) -> dict[str, tuple[str, str]]:
        """What `kb search` finds for the query as typed: fact id -> (statement, path). (Not
        the results of a spelling correction: whether a word is in the index's word list
        may differ between an updated index and a new one.)"""
        done = self.kb("search", query, "-f", "jsonl", "--all", **extra)
        assert done.returncode in (0, 1), done.stderr
        if "showing results for" in done.stderr:
            return {}
        facts = [json.loads(line) for line in done.stdout.splitlines()]
        return {fact["id"]: (fact["statement"], fact["path"]) for fact in facts}

    def truth(self, query: str) -> dict[str, tuple[str, str]]:
        """What a search of an index built from scratch finds (in this process)."""
        self.truths += 1
        result = search(self.root, query, limit=None, index_dir=str(self.tmp / f"t{self.truths}"))
        if result.corrected:
            return {}
        return {h.id: (h.record["statement"], h.record["path"]) for h in result.hits}

    def assert_fresh(self, *queries: str, **extra: str) -> None:
        for query in (EVERYTHING, *queries):
            assert self.found(query, **extra) == self.truth(query), query

    def state(self) -> dict[str, Any] | None:
        store = Store(self.root, self.index_dir)
        generation = store.generation()[0]
        assert generation is not None
        path = store.dir / generation / WATCH_STATE
        return json.loads(path.read_text()) if path.exists() else None

    def fact(self, fact_id: str, folder: str = "core") -> Path:
        return self.root / "facts" / folder / f"{fact_id}.toml"

    def edit_in_place(self, path: Path, old: str, new: str) -> None:
        """Rewrite a file in place, with the same size and its old mtime: a walk cannot see
        this; only the file's events can."""
        assert len(old) == len(new)
        before = path.stat()
        with open(path, "r+", encoding="utf-8") as handle:
            text = handle.read()
            assert old in text
            handle.seek(0)
            handle.write(text.replace(old, new))
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
        after = path.stat()
        assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)


@pytest.fixture
def watched(tmp_path: Path) -> Iterator[Watched]:
    with private_server() as server:
        kb = Watched(server, tmp_path)
        first = kb.index()
        assert first["rebuilt"] and first["watchman"].startswith("not watching this KB yet")
        yield kb


# --- the watcher in use -----------------------------------------------------------------------


def test_first_use_watches_the_project_and_later_searches_ask_watchman(watched: Watched) -> None:
    with watched.server.client() as client:
        roots = client.command("watch-list")["roots"]
    assert roots == [os.path.realpath(watched.root.parent)]
    state = watched.state()
    assert state is not None and state["relative"] == "entries" and state["clock"]
    assert state["sockname"] == watched.server.sock
    assert watched.index()["watchman"] == "answered"
    watched.assert_fresh("harm")


def test_edits_in_place_with_the_same_size_and_mtime(watched: Watched) -> None:
    """Seen only through watchman: the very next search has them, every time."""
    fact = watched.fact("widgetol-bladder-damage")
    for old, new in [("can harm", "can ruin"), ("can ruin", "can dent"), ("can dent", "can maim")]:
        watched.edit_in_place(fact, old, new)
        assert watched.found(new.split()[1]) == {
            "widgetol-bladder-damage": (
                f"Using widgetol for a long time {new} the bladder.",
                "facts/core/widgetol-bladder-damage.toml",
            )
        }
        assert watched.found(old.split()[1]) == {}
    watched.edit_in_place(fact, "can maim", "can hurt")
    report = watched.index()
    assert (report["watchman"], report["updated"], report["added"]) == ("answered", 1, 0)
    watched.assert_fresh("hurt")


def test_renames_deletions_new_files_and_new_folders(watched: Watched) -> None:
    facts = watched.root / "facts"
    (facts / "core").rename(facts / "main")  # a folder renamed: every file in it moves
    report = watched.index()
    assert (report["watchman"], report["added"], report["removed"]) == ("answered", 5, 5)
    watched.assert_fresh()

    new = facts / "kidneys" / "deeper" / "gadgetine-kidney-risk.toml"
    new.parent.mkdir(parents=True)
    new.write_text(
        'id = "gadgetine-kidney-risk"\nstatement = "Gadgetine may strain the kidneys."\n'
        'subject = "gadgetine"\ntopics = ["risks"]\n\n[[provenance]]\n'
        'source = "beta-blog"\nquote = "Gadgetine is a stronger cousin of widgetol."\n'
    )
    watched.assert_fresh("kidneys")

    (facts / "main" / "widgetol-schedule-iv.toml").unlink()
    watched.assert_fresh("schedule")

    hidden = facts / "main" / ".widgetol-first-made-1970.toml"  # a dot name is no entry
    (facts / "main" / "widgetol-first-made-1970.toml").rename(hidden)
    watched.assert_fresh("1970")
    hidden.rename(facts / "kidneys" / "widgetol-first-made-1970.toml")
    watched.assert_fresh("1970")

    subject = watched.root / "subjects" / "widgetol.toml"  # re-indexes the facts that use it
    subject.write_text(subject.read_text().replace('"WDG"', '"WDG", "Doohickey"'))
    watched.assert_fresh("doohickey")
    report = watched.index()
    assert (report["watchman"], report["added"], report["updated"]) == ("answered", 0, 0)


def test_a_file_replaced_by_a_folder_and_back(watched: Watched) -> None:
    fact = watched.fact("gadgetine-stronger")
    text = fact.read_text()
    fact.unlink()
    fact.mkdir()
    watched.assert_fresh("stronger")
    fact.rmdir()
    fact.write_text(text)
    watched.assert_fresh("stronger")


def test_many_edits_each_followed_at_once_by_a_search(watched: Watched) -> None:
    fact = watched.fact("widgetol-bladder-damage")
    words = ["ruin", "maim", "hurt", "dent", "mark", "tire"]
    previous = "harm"
    for word in words:
        watched.edit_in_place(fact, f"can {previous}", f"can {word}")
        assert list(watched.found(word)) == ["widgetol-bladder-damage"], word
        previous = word


def test_concurrent_searches_after_an_edit(watched: Watched) -> None:
    watched.edit_in_place(watched.fact("widgetol-bladder-damage"), "can harm", "can ruin")
    searches = [
        subprocess.Popen(
            [sys.executable, "-m", "kb", "search", "ruin", "-f", "ids"],
            env=watched.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    for process in searches:
        out, err = process.communicate(timeout=120)
        assert (process.returncode, out) == (0, "widgetol-bladder-damage\n"), err
    assert watched.index()["updated"] == 0


# --- when watchman cannot answer --------------------------------------------------------------


def test_watchman_restarted_between_two_searches(watched: Watched) -> None:
    """A restarted server cannot answer for a clock of the old one (a fresh instance): kb
    walks once, then asks it again."""
    watched.server.stop()
    fact = watched.fact("widgetol-bladder-damage")
    fact.write_text(fact.read_text().replace("can harm", "can ruin a"))
    watched.server.start()
    report = watched.index()
    assert "fresh instance" in report["watchman"] and report["updated"] == 1
    watched.assert_fresh("ruin", "harm")
    assert watched.index()["watchman"] == "answered"
    watched.edit_in_place(fact, "can ruin a", "can hurt a")
    watched.assert_fresh("ruin", "hurt")


def test_watchman_stopped_is_started_again(watched: Watched) -> None:
    """As git's fsmonitor hook does: `watchman get-sockname` starts the server."""
    watched.server.stop()
    assert not watched.server.running()
    fact = watched.fact("widgetol-bladder-damage")
    fact.write_text(fact.read_text().replace("can harm", "can ruin a"))
    watched.assert_fresh("ruin", "harm")
    assert watched.server.running()  # started by kb (stopped by the fixture)
    assert watched.index()["watchman"] == "answered"
    watched.edit_in_place(fact, "can ruin a", "can hurt a")
    watched.assert_fresh("hurt")


def test_watchman_stopped_and_uninstalled(watched: Watched) -> None:
    watched.server.stop()
    nothing = watched.tmp / "empty-bin"
    nothing.mkdir()
    fact = watched.fact("widgetol-bladder-damage")
    fact.write_text(fact.read_text().replace("can harm", "can ruin a"))
    watched.assert_fresh("ruin", PATH=str(nothing))
    report = watched.index(PATH=str(nothing))
    assert "walking until" not in report["watchman"]
    assert "not installed" in report["watchman"] or "asked again" in report["watchman"]
    assert not watched.server.running()


def test_a_failing_watchman_is_left_alone_for_a_while(watched: Watched) -> None:
    watched.server.stop()
    broken = watched.tmp / "broken-bin"
    broken.mkdir()
    program = broken / "watchman"
    program.write_text("#!/bin/sh\necho 'watchman: something is wrong' >&2\nexit 3\n")
    program.chmod(0o755)
    fact = watched.fact("widgetol-bladder-damage")
    fact.write_text(fact.read_text().replace("can harm", "can ruin a"))
    first = watched.index(PATH=str(broken))
    assert first["updated"] == 1 and "exit 3" in first["watchman"]
    program.write_text('#!/bin/sh\necho called >> "$0.calls"\nexit 3\n')
    second = watched.index(PATH=str(broken))
    assert "asked again after" in second["watchman"]
    assert not (broken / "watchman.calls").exists()  # not even run
    fact.write_text(fact.read_text().replace("can ruin a", "can hurt a"))
    watched.assert_fresh("ruin", "hurt", PATH=str(broken))


def test_a_frozen_watchman_costs_its_timeout_once(watched: Watched) -> None:
    process = watched.server.process
    assert process is not None
    process.send_signal(signal.SIGSTOP)
    try:
        fact = watched.fact("widgetol-bladder-damage")
        fact.write_text(fact.read_text().replace("can harm", "can ruin a"))
        first = watched.index()
        assert "no answer from watchman within" in first["watchman"], first
        assert first["updated"] == 1
        second = watched.index()
        assert "asked again after" in second["watchman"] and second["seconds"] < 1.0
        watched.assert_fresh("ruin")
    finally:
        process.send_signal(signal.SIGCONT)


def test_symbolic_links_among_the_entries_mean_walking(watched: Watched) -> None:
    """A change to a link's target is not reported under the link's name."""
    target = watched.root / "elsewhere" / "gadgetine-linked.toml"
    target.parent.mkdir()
    target.write_text(
        'id = "gadgetine-linked"\nstatement = "Gadgetine is linked here."\n'
        'subject = "gadgetine"\ntopics = ["risks"]\n\n[[provenance]]\n'
        'source = "beta-blog"\nquote = "Gadgetine is a stronger cousin of widgetol."\n'
    )
    (watched.fact("gadgetine-linked")).symlink_to(target)
    watched.assert_fresh("linked")
    report = watched.index()
    assert "symbolic links" in report["watchman"]
    target.write_text(target.read_text().replace("linked here", "joined here"))
    watched.assert_fresh("linked", "joined")


def test_a_linked_entry_folder_means_walking(watched: Watched) -> None:
    """kb's walk follows a top-level folder that is a link (watchman does not)."""
    facts = watched.root / "facts"
    facts.rename(watched.root / "real-facts")
    facts.symlink_to(watched.root / "real-facts")
    watched.assert_fresh("harm")
    assert "symbolic link" in watched.index()["watchman"]
    fact = watched.root / "real-facts" / "core" / "widgetol-bladder-damage.toml"
    fact.write_text(fact.read_text().replace("can harm", "can ruin a"))
    watched.assert_fresh("ruin")


def test_kb_watchman_0_walks_and_never_talks_to_watchman(watched: Watched) -> None:
    watched.server.stop()
    state_before = watched.state()
    fact = watched.fact("widgetol-bladder-damage")
    fact.write_text(fact.read_text().replace("can harm", "can ruin a"))
    watched.assert_fresh("ruin", KB_WATCHMAN="0")
    assert watched.index(KB_WATCHMAN="0")["watchman"] == "off"
    assert not watched.server.running()  # not started again
    assert watched.state() == state_before  # nothing saved


def test_a_file_name_that_is_not_utf8_costs_one_timeout(watched: Watched) -> None:
    """JSON cannot carry it: watchman 4.9 does not answer at all. kb waits for its timeout,
    walks, and leaves watchman alone for a while; the results are never stale."""
    folder = os.fsencode(watched.root / "facts" / "core")
    with open(os.path.join(folder, b"caf\xe9.toml"), "wb") as handle:  # Latin-1, not UTF-8
        handle.write(b'id = "x"\n')
    fact = watched.fact("widgetol-bladder-damage")
    fact.write_text(fact.read_text().replace("can harm", "can ruin a"))
    first = watched.index()
    assert first["updated"] == 1 and "no answer from watchman" in first["watchman"], first
    second = watched.index()
    assert "asked again after" in second["watchman"] and second["seconds"] < 1.0
    watched.assert_fresh("ruin")
