"""A result set's monthly counts as a chart: bars for the pages (inline SVG), one line for the terminal.

The counts are the search's `timeline` (results.SearchResult, engine.segments.Segments.month_counts):
every month of the whole set from its first to its last, zeros included. A span of more than
MAX_MONTH_BARS months is drawn by year, so every bar stays wide enough to see and to click.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_MONTH_BARS = 120  # ten years of months; beyond, one bar per year
BAR_WIDTH, GAP, HEIGHT = 10, 2, 60  # SVG user units; the chart is scaled to the page's width
SPARKS = "▁▂▃▄▅▆▇█"


@dataclass
class Bar:
    label: str  # "2024-01" or "2024"
    date_from: str  # what the bar's link filters to: --from / --to of the month or the year
    date_to: str
    count: int
    url: str | None = None
    x: int = 0
    height: int = 0

    @property
    def text(self) -> str:
        """What a screen reader and a tooltip say: "tháng 01/2024: 12 bài"."""
        when = f"tháng {self.label[5:]}/{self.label[:4]}" if len(self.label) == 7 else f"năm {self.label}"
        return f"{when}: {self.count:,} bài".replace(",", ".")


def bars(timeline: list[tuple[str, int]]) -> tuple[str, list[Bar]]:
    """("tháng" or "năm", the bars, oldest first, with their x and height in SVG units)."""
    if not timeline:
        return "tháng", []
    if len(timeline) <= MAX_MONTH_BARS:
        unit, out = "tháng", [Bar(m, m, m, n) for m, n in timeline]
    else:
        years: dict[str, int] = {}
        for m, n in timeline:
            years[m[:4]] = years.get(m[:4], 0) + n
        unit, out = "năm", [Bar(y, y, y, n) for y, n in years.items()]
    top = max(b.count for b in out) or 1
    for i, b in enumerate(out):
        b.x = i * (BAR_WIDTH + GAP)
        b.height = max(1, round(HEIGHT * b.count / top)) if b.count else 0
    return unit, out


def chart_width(n: int) -> int:
    return max(1, n * (BAR_WIDTH + GAP) - GAP)


def spark_line(timeline: list[tuple[str, int]], undated: int = 0) -> str | None:
    """One line for the terminal: "Theo tháng 2024-01…2024-12: ▁▃█▅… (nhiều nhất 2024-03: 40 bài)"."""
    unit, bs = bars(timeline)
    if not bs:
        return None
    top = max(bs, key=lambda b: b.count)
    marks = "".join(" " if not b.count else SPARKS[round(b.count / top.count * (len(SPARKS) - 1))] for b in bs)
    span = bs[0].label if len(bs) == 1 else f"{bs[0].label}…{bs[-1].label}"
    tail = f"; {undated:,} bài không có ngày".replace(",", ".") if undated else ""
    return f"Theo {unit} {span}: {marks} (nhiều nhất {top.label}: {top.count:,} bài{tail})".replace(",", ".")
