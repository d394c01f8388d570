"""Shell-completion callbacks for ids (`kb --install-completion` sets completion up).

They list ids from file names only (no TOML is parsed), in the KB that `--kb` (when already
typed), $KB_DIR or the usual discovery finds, and never fail: no KB means no suggestions.
Kept light, since `kb.cli.app` imports this module at start-up. (typer bundles its own click:
never import `click` itself, which is not a dependency.)
"""

from __future__ import annotations

from pathlib import Path

import typer


def _root(ctx: typer.Context | None) -> Path | None:
    from kb.cli.config import kb_root
    from kb.core.errors import KbError

    explicit = ctx.params.get("kb_path") if ctx is not None else None
    try:
        return kb_root(explicit)
    except (KbError, OSError):
        return None


def entry_ids(root: Path, kind: str) -> list[str]:
    """Ids of one kind of entry, from file names, sorted and without duplicates."""
    from kb.entries.kinds import EntryKind
    from kb.entries.walk import paths_of

    return sorted({path.stem for path in paths_of(root, EntryKind(kind))})


def _matching(ctx: typer.Context | None, kinds: tuple[str, ...], incomplete: str) -> list[str]:
    root = _root(ctx)
    if root is None:
        return []
    found: list[str] = []
    for kind in kinds:
        found.extend(i for i in entry_ids(root, kind) if i.startswith(incomplete))
    return list(dict.fromkeys(found))


def complete_fact_ids(ctx: typer.Context, incomplete: str) -> list[str]:
    return _matching(ctx, ("fact",), incomplete)


def complete_subject_ids(ctx: typer.Context, incomplete: str) -> list[str]:
    return _matching(ctx, ("subject",), incomplete)


def complete_source_ids(ctx: typer.Context, incomplete: str) -> list[str]:
    return _matching(ctx, ("source",), incomplete)


def complete_subject_or_fact_ids(ctx: typer.Context, incomplete: str) -> list[str]:
    return _matching(ctx, ("subject", "fact"), incomplete)
