from __future__ import annotations

from kb.docgen import DOCS, refresh


def test_generated_doc_blocks_are_up_to_date() -> None:
    stale = []
    for path in sorted(DOCS.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        if refresh(text) != text:
            stale.append(path.name)
    assert stale == [], "run: uv run python -m kb.docgen"


def test_refresh_replaces_only_named_blocks() -> None:
    text = "a\n<!-- BEGIN GENERATED: x -->\nold\n<!-- END GENERATED: x -->\nb\n"
    assert refresh(text, {"x": lambda: "new\n"}) == text.replace("old", "new")
    assert refresh(text, {"y": lambda: "new\n"}) == text
