"""`kb init [DIR]`: a new knowledge base, ready for its first entry and its first commit.

    DIR/
      README.md                  how to add entries, for contributors
      .pre-commit-config.yaml    kb's validation hook on every commit
      .gitignore
      entries/
        kb.toml                  the settings and vocabularies, with comments
        snapshots/README.md      the sources' texts go here (kb new source --from)

Nothing is written when any of these files exists already: every file is created new, all or
nothing (kb.core.atomic.apply_changes), and `kb validate --strict` passes on the result at once.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import NamedTuple

from kb.core.atomic import apply_changes
from kb.core.errors import KbError, UsageError
from kb.entries.kinds import SETTINGS_FILE

KB_FOLDER = "entries"
SNAPSHOTS = "snapshots"


class Initialised(NamedTuple):
    root: Path  # the KB (DIR/entries)
    files: list[Path]


def kb_name(directory: Path) -> str:
    """A name for the KB from its folder's name."""
    name = " ".join(re.sub(r"[-_.]+", " ", directory.resolve().name).split())
    return name or "knowledge base"


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a TOML basic string


def settings_text(name: str) -> str:
    """kb.toml: every vocabulary with a default to adapt, and what each key means."""
    return f"""\
# Settings of this knowledge base (see kb's docs/entry-format.md, "kb.toml").
name = {_toml_string(name)}
description = "What this knowledge base covers, in a sentence or two."
# Where the sources' texts (snapshots) are kept, relative to this file. Quotes are checked
# against them; kb new source --from FILE puts a source's text there.
snapshots = "{SNAPSHOTS}"

# Vocabularies: every value an entry uses must come from these lists (kb validate checks
# it). Change them to suit your topic; an entry that uses a value you remove becomes invalid.
topics = [
  "overview",    # what the subject is
  "history",     # origins and past events
  "evidence",    # studies, data and how well a claim holds
  "risks",       # harms, side effects, failures
  "regulation",  # laws, rules, approvals
  "opinion",     # what named people or bodies say about it
]
source_kinds = ["news", "blog", "reference", "journal", "report", "book", "other"]
# Most reliable first.
reliability_levels = ["high", "medium", "low", "very-low"]
# The first status is the default (a fact without `status` has it); any other status needs a
# `note` saying why.
statuses = ["established", "contested", "refuted"]
# How statuses are shown beside a statement: flagged loudly like a refuted claim, flagged like
# a contested one, or (statuses in neither list) plainly.
statuses_shown_refuted = ["refuted"]
statuses_shown_contested = ["contested"]
subject_kinds = ["thing", "person", "organisation", "place", "event", "idea", "publication"]
"""


README = """\
# {name}

A knowledge base kept with kb: one fact per small TOML file in `entries/`, each with the
verbatim quote of the source that says it.

## Adding an entry

```sh
kb new source --from page.html --title '...' --publisher '...' --kind news \\
    --reliability medium --reliability-note 'Why this reliability.'
kb new subject --name 'Some subject' --kind thing
kb new fact --statement 'The claim, in your own words.' --subject some-subject \\
    --topic overview --source SOURCE-ID --quote 'A sentence copied from the source.'
kb validate --strict
```

`kb new` asks for whatever you leave out (in a terminal). `kb edit ID`, `kb mv ID NEW_ID`,
`kb rm ID` and `kb link FACT FACT` change entries and every reference to them.

- `entries/kb.toml`: the settings and the vocabularies (topics, kinds, statuses).
- `entries/snapshots/`: the text of each source, as captured; quotes are checked against it.

## Before you commit

Once per clone: `pre-commit install` (pre-commit: `pipx install pre-commit` or
`uv tool install pre-commit`). Each commit then runs `kb validate` on what it changes and on
every entry the change can break, and stops the commit when something is invalid.
"""

SNAPSHOTS_README = """\
The text of each source, one file per source, named by the source's `snapshot` key
(`kb new source --from FILE` writes it). A quote must appear verbatim in its source's text.
"""

GITIGNORE = """\
# kb's temporary files (next to the file being written; removed when done)
.*.tmp
# editors and systems
*~
*.swp
.DS_Store
"""

LOCAL_HOOK = """\
# Checks each commit with kb (https://pre-commit.com; once per clone: pre-commit install).
# Runs the kb installed on this machine; see kb's docs/contributing.md to pin kb's own hook.
repos:
  - repo: local
    hooks:
      - id: kb-validate
        name: kb validate
        entry: kb validate --staged
        language: system
        files: ^entries/
        pass_filenames: true
        always_run: true
        require_serial: true
"""

REMOTE_HOOK = """\
# Checks each commit with kb (https://pre-commit.com; once per clone: pre-commit install).
repos:
  - repo: {repo}
    rev: {rev}
    hooks:
      - id: kb-validate
"""


def hook_config(repo: str | None = None, rev: str | None = None) -> str:
    """.pre-commit-config.yaml: kb's hook from its repository pinned at `rev`, or, without
    one, the same hook run by the kb installed on the machine."""
    if repo is None:
        if rev is not None:
            raise UsageError("--hook-rev needs --hook-repo")
        return LOCAL_HOOK
    if not rev:
        raise UsageError("--hook-repo needs --hook-rev (a tag or commit of kb's repository)")
    return REMOTE_HOOK.format(repo=json.dumps(repo), rev=json.dumps(rev))


def plan(directory: Path, name: str | None = None, hook: str | None = None) -> dict[Path, str]:
    """The files of a new KB in directory, by path."""
    root = directory / KB_FOLDER
    title = name or kb_name(directory)
    return {
        directory / "README.md": README.format(name=title),
        directory / ".pre-commit-config.yaml": hook or LOCAL_HOOK,
        directory / ".gitignore": GITIGNORE,
        root / SETTINGS_FILE: settings_text(title),
        root / SNAPSHOTS / "README.md": SNAPSHOTS_README,
    }


def initialise(
    directory: Path,
    name: str | None = None,
    hook_repo: str | None = None,
    hook_rev: str | None = None,
) -> Initialised:
    """Create a KB in directory (created if need be). KbError, and nothing written, when one
    of its files exists already."""
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory} is not a directory")
    files = plan(directory, name, hook_config(hook_repo, hook_rev))
    existing = [path for path in files if path.exists()]
    if existing:
        listed = ", ".join(str(path) for path in existing)
        raise KbError(f"refusing to overwrite {listed}; nothing written")
    try:
        apply_changes(list(files.items()), new=True)
    except FileExistsError as error:
        raise KbError(f"refusing to overwrite {error.filename}; nothing written") from None
    return Initialised(directory / KB_FOLDER, list(files))
