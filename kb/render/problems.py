"""Renderers for `kb validate`: the report on stdout; the summary line goes to stderr."""

from __future__ import annotations

from itertools import groupby
from typing import TYPE_CHECKING

from kb.entries.problems import ERROR, NOTICE, WARNING
from kb.render.base import Format, Output, one_line, safe

if TYPE_CHECKING:
    from kb.validate.validator import ValidationResult

SEVERITY_STYLE = {ERROR: "bold red", WARNING: "yellow", NOTICE: "cyan"}


def problems_plain(result: ValidationResult, out: Output) -> None:
    for found in result.problems:
        out.write(one_line(found))


def problems_rich(result: ValidationResult, out: Output) -> None:
    from rich.text import Text

    for path, group in groupby(result.problems, key=lambda p: p.path):
        out.console.print(Text(one_line(path), "bold underline"))
        for found in group:
            line = Text("  ")
            line.append(f"{found.line}:{found.column}", "dim")
            line.append("  ")
            line.append(f"{found.code} {found.severity}", SEVERITY_STYLE.get(found.severity, ""))
            line.append("  " + one_line(found.message))
            out.console.print(line)


def problems_json(result: ValidationResult, out: Output) -> None:
    out.json({"problems": [p.as_dict() for p in result.problems], "summary": result.summary()})


def problems_jsonl(result: ValidationResult, out: Output) -> None:
    out.jsonl(p.as_dict() for p in result.problems)


def _escape_property(text: str) -> str:
    return (
        text.replace("%", "%25")
        .replace("\r", "%0D")
        .replace("\n", "%0A")
        .replace(":", "%3A")
        .replace(",", "%2C")
    )


def problems_github(result: ValidationResult, out: Output) -> None:
    """GitHub Actions workflow commands (annotations)."""
    levels = {ERROR: "error", WARNING: "warning", NOTICE: "notice"}
    for found in result.problems:
        text = safe(found.message).replace("%", "%25").replace("\n", "%0A")
        out.write(
            f"::{levels.get(found.severity, 'error')} file={_escape_property(safe(found.path))},"
            f"line={found.line},col={found.column},title={found.code}::{text}"
        )


def summary_line(result: ValidationResult, strict: bool) -> str:
    counts = result.summary()
    verdict = "valid" if result.ok(strict) else "INVALID"
    extra = "" if result.quotes_checked else " (quotes not checked)"
    return (
        f"{verdict}: {counts['files']} files checked, {counts['errors']} errors, "
        f"{counts['warnings']} warnings, {counts['notices']} notices{extra}"
        f"{' [strict]' if strict else ''}"
    )


RENDERERS = {
    Format.rich: problems_rich,
    Format.plain: problems_plain,
    Format.json: problems_json,
    Format.jsonl: problems_jsonl,
    Format.github: problems_github,
}
