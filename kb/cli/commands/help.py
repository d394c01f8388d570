"""`kb help [TOPIC]`: the guides an installed kb carries (kb.cli.guides)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from kb.cli.guides import GUIDES
from kb.core.errors import UsageError


def help_command(
    topic: Annotated[
        str | None,
        typer.Argument(
            help=f"One of: {', '.join(GUIDES)}. Without it: the topics.", show_default=False
        ),
    ] = None,
) -> None:
    """Print a guide: `kb help search` is the query language (words, questions, operators,
    fields, thesaurus, typos, limits, exit codes).

    Examples: kb help;  kb help search | less
    """
    if topic is None:
        width = max(map(len, GUIDES))
        lines = [f"  {name:<{width}}  {summary}" for name, (summary, _) in GUIDES.items()]
        sys.stdout.write("Guides (kb help TOPIC):\n" + "\n".join(lines) + "\n")
        return
    if topic.lower() not in GUIDES:
        from kb.core.suggest import close_matches, hint

        known = ", ".join(GUIDES)
        raise UsageError(f"no guide {topic!r}{hint(close_matches(topic, GUIDES))}; guides: {known}")
    sys.stdout.write(GUIDES[topic.lower()][1]())
