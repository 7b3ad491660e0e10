"""The progress line of `ttdn index` on a terminal: a real total, the rate, the time left, redrawn a few
times a second, with the lines said in between (skips, notices) printed on their own lines above it."""

from __future__ import annotations

import gzip
import time
from pathlib import Path
from typing import IO, Iterable

from ttdn_search.errors import printable

# Redraws per second at most: enough to see it move, little output (a redraw per article wrote 1.2 MB
# to the terminal for news-20k).
REDRAWS_PER_SECOND = 4
_CHUNK = 1 << 20


def count_records(paths: Iterable) -> int:
    """How many articles the inputs hold, counted cheaply: the lines of each JSONL file (decompressed
    when gzipped, without parsing), one for every page file. Unreadable inputs count nothing."""
    from ttdn_search.ingest import JSONL_SUFFIXES, Skipped, iter_paths

    total = 0
    for item in iter_paths(paths):
        if isinstance(item, Skipped):
            continue
        path: Path = item[0]
        if not path.is_file():  # a FIFO or a device is reported by the run, never opened here
            continue
        if not path.name.lower().endswith(JSONL_SUFFIXES):
            total += 1
            continue
        opener = gzip.open if path.name.lower().endswith(".gz") else open
        try:
            with opener(path, "rb") as fh:
                last = b"\n"
                while chunk := fh.read(_CHUNK):
                    total += chunk.count(b"\n")
                    last = chunk[-1:]
                total += last != b"\n"
        except (OSError, EOFError, ValueError):
            continue
    return total


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600} giờ {seconds % 3600 // 60:02d} ph"
    if seconds >= 60:
        return f"{seconds // 60} ph {seconds % 60:02d} s"
    return f"{seconds} s"


class Progress:
    """`advance(n)` as articles are done, `say(line)` for a line of its own, `close()` at the end."""

    def __init__(self, stream: IO[str], total: int, label: str = "Đang lập chỉ mục", clock=time.monotonic):
        self.stream, self.total, self.label, self.clock = stream, max(total, 0), label, clock
        self.done = 0
        self.start = clock()
        self.drawn_at = float("-inf")
        self.width = 0

    def advance(self, n: int = 1) -> None:
        self.done += n
        if self.clock() - self.drawn_at >= 1 / REDRAWS_PER_SECOND:
            self._draw()

    def say(self, line: str) -> None:
        self._clear()
        self.stream.write(printable(line) + "\n")
        self._draw()

    def close(self) -> None:
        self._clear()
        self.stream.flush()

    def line(self) -> str:
        """The progress line as it is drawn now."""
        elapsed = max(self.clock() - self.start, 1e-9)
        rate = self.done / elapsed
        total = max(self.total, self.done)  # never "120/100" when the count was short
        parts = [f"{self.label}: {self.done:,}/{total:,}".replace(",", ".")]
        if total:
            parts[0] += f" ({100 * self.done // total}%)"
        if self.done and elapsed >= 1:
            parts.append(f"{rate:,.0f} bài/s".replace(",", "."))
            if total > self.done:
                parts.append(f"còn khoảng {_duration((total - self.done) / rate)}")
        return " · ".join(parts)

    def _draw(self) -> None:
        text = self.line()
        self.stream.write("\r" + text + " " * max(0, self.width - len(text)))
        self.stream.flush()
        self.width = len(text)
        self.drawn_at = self.clock()

    def _clear(self) -> None:
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.width = 0
