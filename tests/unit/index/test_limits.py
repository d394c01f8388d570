"""Real write errors, from the kernel, in real kb processes: a file-size limit (ulimit -f),
too few file descriptors (ulimit -n) and a full disk (a small tmpfs, with room for one copy
of the index but not two). A search answers correctly (from memory, with one notice) or says
it cannot (one `kb: error:` line), never a wrong answer or a traceback; the previous index is
left intact; once the limit is gone, everything works as before."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from kb.index.store import Store, fingerprint
from tests.cli.test_pipes import kb_environment

resource = pytest.importorskip("resource", reason="resource limits (POSIX)")
REPO = Path(__file__).resolve().parents[3]


def kb(
    args: list[str], root: Path, tmp_path: Path, limit: Callable[[], None] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kb", *args, "--kb", str(root)],
        capture_output=True,  # pipes: the limits apply to the index files only
        text=True,
        env=kb_environment(root, tmp_path, PYTHONPATH=str(REPO)),
        preexec_fn=limit,
        timeout=120,
        check=False,
    )


def live_files(root: Path, tmp_path: Path) -> dict[str, object]:
    store = Store(root, tmp_path / "index")
    generation = store.generation()[0]
    assert generation is not None
    return {"generation": generation, "files": fingerprint(store.dir / generation)}


def reword(root: Path, word: str) -> None:
    path = root / "facts" / "core" / "widgetol-bladder-damage.toml"
    text = path.read_text()
    start = text.index("long time can ") + len("long time can ")
    end = text.index(" the bladder")
    path.write_text(text[:start] + word + text[end:])


def notices(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("kb: notice:")]


def file_size_limit(size: int) -> Callable[[], None]:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return limit


def file_limit(count: int) -> Callable[[], None]:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (count, count))

    return limit


def test_a_file_size_limit(mini_kb: Path, tmp_path: Path) -> None:
    assert kb(["search", "widgetol"], mini_kb, tmp_path).returncode == 0
    before = live_files(mini_kb, tmp_path)
    reword(mini_kb, "wreck")
    limited = kb(["search", "wreck", "-f", "ids"], mini_kb, tmp_path, file_size_limit(2048))
    assert limited.returncode == 0, limited.stderr
    assert limited.stdout.split() == ["widgetol-bladder-damage"]
    said = notices(limited.stderr)
    assert len(said) == 1 and "File too large" in said[0] and "in-memory" in said[0], said
    assert "Traceback" not in limited.stderr
    assert live_files(mini_kb, tmp_path) == before  # the previous index, intact
    free = kb(["search", "wreck", "-f", "ids"], mini_kb, tmp_path)
    assert free.stdout.split() == ["widgetol-bladder-damage"] and free.stderr == ""
    # a first build under the limit: answers from memory, leaves no folder behind
    shutil.rmtree(tmp_path / "index")
    first = kb(["search", "wreck", "-f", "ids"], mini_kb, tmp_path, file_size_limit(2048))
    assert first.returncode == 0 and first.stdout.split() == ["widgetol-bladder-damage"]
    assert len(notices(first.stderr)) == 1
    assert not list((tmp_path / "index").glob(".tmp-*"))


def test_too_few_file_descriptors(mini_kb: Path, tmp_path: Path) -> None:
    assert kb(["search", "widgetol"], mini_kb, tmp_path).returncode == 0
    for count in range(6, 40, 3):
        word = f"wreck{count}"
        reword(mini_kb, word)
        before = live_files(mini_kb, tmp_path)
        ran = kb(["search", word, "-f", "ids"], mini_kb, tmp_path, file_limit(count))
        assert "Traceback" not in ran.stderr, (count, ran.stderr)
        said = notices(ran.stderr)
        assert len(said) <= 1, (count, said)
        if ran.returncode == 0:  # answered: rightly
            assert ran.stdout.split() == ["widgetol-bladder-damage"], (count, ran.stderr)
            if said:
                assert "Too many open files" in said[0] and "in-memory" in said[0]
                assert live_files(mini_kb, tmp_path) == before, count
        else:  # could not answer: says so, never "no facts match"
            errors = [line for line in ran.stderr.splitlines() if line.startswith("kb: error:")]
            assert errors == ["kb: error: Too many open files"], (count, ran.stderr)
            assert ran.stdout == ""
        free = kb(["search", word, "-f", "ids"], mini_kb, tmp_path)
        assert free.stdout.split() == ["widgetol-bladder-damage"] and free.stderr == ""


FULL_DISK = textwrap.dedent(
    """
    import json, os, subprocess, sys
    from pathlib import Path

    kb_dir, index, env = Path(sys.argv[1]), sys.argv[2], dict(os.environ, KB_INDEX_DIR=sys.argv[2])

    def kb(*args):
        done = subprocess.run([sys.executable, "-m", "kb", *args, "--kb", str(kb_dir)],
                              capture_output=True, text=True, env=env)
        return [done.returncode, done.stdout, done.stderr]

    def live():
        marker = json.loads(Path(index, "kb-index.json").read_text())
        folder = Path(index, marker["generation"])
        return sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir())

    out = {"build": kb("index")}
    out["before"] = live()
    out["rebuild"] = kb("index", "--rebuild")
    out["after_rebuild"] = live()
    out["search_after_rebuild"] = kb("search", "ketamine", "-f", "ids", "--all")
    filler = Path(index, "..", "filler")
    try:
        with open(filler, "wb") as stream:
            while True:
                stream.write(b"x" * 4096)
                stream.flush()
    except OSError:
        pass
    fact = next(kb_dir.glob("facts/*/ketamine-schedule-iii.toml"))
    fact.write_text(fact.read_text().replace("statement = \\"", "statement = \\"Zyxwordy ", 1))
    out["full_search"] = kb("search", "zyxwordy", "-f", "ids")
    out["after_full_search"] = live()
    filler.unlink()
    out["freed_search"] = kb("search", "zyxwordy", "-f", "ids")
    out["freed_rebuild"] = kb("index", "--rebuild")
    print(json.dumps(out))
    """
)


def test_a_full_disk_with_room_for_one_index(shipped_kb: Path, tmp_path: Path) -> None:
    unshare = shutil.which("unshare")
    probe = (
        subprocess.run(
            [unshare, "-Urm", "sh", "-c", f"mount -t tmpfs -o size=64k none {tmp_path}"],
            capture_output=True,
            check=False,
        )
        if unshare
        else None
    )
    if probe is None or probe.returncode != 0:
        pytest.skip("needs a user namespace where a small tmpfs can be mounted (unshare -Urm)")
    assert unshare is not None
    root = tmp_path / "kb"
    shutil.copytree(shipped_kb, root)
    disk = tmp_path / "disk"
    disk.mkdir()
    probe_index = tmp_path / "probe-index"
    assert kb(["index", "--index-dir", str(probe_index)], root, tmp_path).returncode == 0
    size = sum(p.stat().st_size for p in probe_index.rglob("*") if p.is_file())
    shutil.rmtree(probe_index)
    script = tmp_path / "scenario.py"
    script.write_text(FULL_DISK)
    env = kb_environment(root, tmp_path, PYTHONPATH=str(REPO))
    done = subprocess.run(
        [
            unshare,
            "-Urm",
            "sh",
            "-c",
            f'mount -t tmpfs -o size={int(size * 2.1) // 1024}k none "$1" && '
            f'exec "$2" "$3" "$4" "$1/index"',
            "sh",
            str(disk),
            sys.executable,
            str(script),
            str(root),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    # A build needs room for about two copies (Whoosh assembles each segment from parts):
    # the disk holds one index and its build, not a second index.
    for name, value in out.items():
        if isinstance(value, list) and len(value) == 3 and isinstance(value[0], int):
            assert "Traceback" not in value[2], (name, value[2])
    assert out["build"][0] == 0, out["build"]
    code, _, stderr = out["rebuild"]  # no room for a second copy
    assert code == 1 and "No space left on device" in stderr, out["rebuild"]
    assert out["after_rebuild"] == out["before"]
    code, stdout, stderr = out["search_after_rebuild"]
    assert code == 0 and stdout.split() and stderr == ""
    code, stdout, stderr = out["full_search"]  # the update cannot be written
    assert code == 0 and stdout.split() == ["ketamine-schedule-iii"], out["full_search"]
    said = notices(stderr)
    assert len(said) == 1 and "No space left on device" in said[0] and "in-memory" in said[0]
    assert out["after_full_search"] == out["before"]
    code, stdout, stderr = out["freed_search"]  # room again: updated, quietly
    assert code == 0 and stdout.split() == ["ketamine-schedule-iii"] and stderr == ""
    assert out["freed_rebuild"][0] == 1  # still no room for two copies, still says so
