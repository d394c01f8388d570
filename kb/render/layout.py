"""Rich layout shared by the renderers: tables that never break an id or a word in the middle
(or are not used: the renderer then stacks its records), and text whose wrapped lines keep
their indent.

rich shrinks a table that is too wide column by column, below the width of the longest word
if need be, and then folds ids and words anywhere. `fit_columns` instead gives every column at
least its longest word (or its whole text, for columns that must not wrap) and says when that
is impossible at the output's width, so that the caller can choose another layout.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kb.render.base import Output

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
    from rich.measure import Measurement
    from rich.segment import Segment
    from rich.table import Table
    from rich.text import Text

INDENT = 4  # the indent of a record's body under its first line


def fit_columns(table: Table, out: Output, flexible_minimum: int = 0) -> bool:
    """Give each column of a filled table a width of its own, so that no cell breaks a word:
    every column gets its narrowest (its longest word, or its whole text when `no_wrap`), at
    least `flexible_minimum` for the columns that wrap, then the room left goes to the columns
    that wrap, as far as they can use it. False (the table unchanged) when even that is wider
    than the output."""
    from rich.measure import Measurement

    console = out.console
    options = console.options.update_width(out.width)
    lows, highs = [], []
    for column in table.columns:
        cells = [column.header, *column.cells]
        sizes = [Measurement.get(console, options, cell) for cell in cells]
        high = max(size.maximum for size in sizes)
        low = high if column.no_wrap else max(size.minimum for size in sizes)
        if not column.no_wrap:
            low = min(max(low, flexible_minimum), max(high, flexible_minimum))
        lows.append(low)
        highs.append(max(high, low))
    room = out.width - _chrome(table)
    if sum(lows) > room:
        return False
    widths = list(lows)
    spare = room - sum(widths)
    while spare > 0:  # share the rest among the columns that can still grow, evenly
        growing = [i for i, w in enumerate(widths) if w < highs[i]]
        if not growing:
            break
        share = max(1, spare // len(growing))
        for i in growing:
            extra = min(share, highs[i] - widths[i], spare)
            widths[i] += extra
            spare -= extra
            if not spare:
                break
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    return True


def _chrome(table: Table) -> int:
    """The columns a table spends on borders and cell padding."""
    count = len(table.columns)
    left, right = table.padding[3], table.padding[1]
    padding = (left + right) * count
    if table.collapse_padding:
        padding -= min(left, right) * max(count - 1, 0)
    if table.pad_edge is False:
        padding -= left + right
    borders = 0
    if table.box is not None:
        borders = count + 1 if table.show_edge else max(count - 1, 0)
    return padding + borders


class Prefixed:
    """A renderable laid out `width - len(prefix)` wide, its first line after `first` and the
    others after `rest` (so many spaces, or a text such as a bar): an indent, a hanging
    indent or a quoted block. Unlike rich's Padding or a grid, it pads nothing on the right,
    so no line ends in spaces."""

    def __init__(self, first: Text, rest: int | Text, body: RenderableType) -> None:
        self.first, self.rest, self.body = first, rest, body

    def _shift(self) -> int:
        rest = self.rest if isinstance(self.rest, int) else self.rest.cell_len
        return max(self.first.cell_len, rest)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.segment import Segment

        shift = self._shift()
        inner = options.update_width(max(1, options.max_width - shift))
        lines = console.render_lines(self.body, inner, pad=False, new_lines=False)
        for number, line in enumerate(lines):
            lead = self.first if number == 0 else self.rest
            if isinstance(lead, int):
                gap = lead
            else:
                yield from lead.render(console)
                gap = shift - lead.cell_len
            if gap:
                yield Segment(" " * gap)
            yield from _rstrip(line)
            yield Segment.line()

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        from rich.measure import Measurement

        shift = self._shift()
        size = Measurement.get(console, options, self.body)
        return Measurement(size.minimum + shift, size.maximum + shift)


def _rstrip(line: list[Segment]) -> list[Segment]:
    """A rendered line without the blanks it ends in (where rich wrapped it)."""
    from rich.segment import Segment

    kept = list(line)
    while kept and not kept[-1].control and kept[-1].text.rstrip(" ") != kept[-1].text:
        last = kept.pop()
        text = last.text.rstrip(" ")
        if text:
            kept.append(Segment(text, last.style))
            break
    return kept


def hanging(prefix: str | Text, body: RenderableType, style: str = "") -> Prefixed:
    """`prefix` then `body`, the body's wrapped lines indented under its first (a hanging
    indent), e.g. `— Title, Publisher` whose second line starts under `Title`."""
    from rich.text import Text

    lead = prefix if isinstance(prefix, Text) else Text(prefix, style)
    return Prefixed(lead, lead.cell_len, body)


def fields(rows: list[tuple[str, RenderableType]]) -> RenderableType:
    """`label  value` lines, the values lined up after the longest label, so that a long value
    wraps under itself instead of under the label."""
    from rich.console import Group
    from rich.text import Text

    width = max((len(label) for label, _ in rows), default=0) + 2
    return Group(*(Prefixed(Text(label, "dim"), width, value) for label, value in rows))


def indented(body: RenderableType, indent: int = INDENT) -> Prefixed:
    """The body `indent` columns to the right, every wrapped line too."""
    from rich.text import Text

    return Prefixed(Text(), indent, body)


def id_lines(ids: list[Text], width: int, indent: int = 2) -> list[RenderableType]:
    """One id per line, indented by `indent` when it fits the width, else by less (an id is
    never broken by the layout; only one wider than the whole output is left to wrap)."""
    lines: list[RenderableType] = []
    for item in ids:
        room = width - item.cell_len
        shift = max(0, min(indent, room))
        lines.append(indented(item, shift) if shift else item)
    return lines
