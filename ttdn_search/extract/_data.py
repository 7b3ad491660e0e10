"""Lazy loaders for the tagger data files in extract/data (read once, on first use)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from ..normalize import normalize

DATA_DIR = Path(__file__).parent / "data"


@cache
def tsv(name: str) -> tuple[tuple[str, ...], ...]:
    """Rows of a tab-separated data file, comments (#) and blank lines skipped, cells normalised."""
    rows = []
    for line in (DATA_DIR / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rows.append(tuple(normalize(cell.strip()) for cell in line.split("\t")))
    return tuple(rows)


@cache
def json_data(name: str):
    """The parsed content of a JSON data file."""
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def split_list(cell: str) -> list[str]:
    """Cells that hold several values separate them with '|'."""
    return [v.strip() for v in cell.split("|") if v.strip()]


_NORMAL: dict[str, str] = {}
_NORMAL_MAX = 512


def norm(text: str) -> str:
    """`normalize`, remembered: the taggers look at the same title and text several times per article."""
    hit = _NORMAL.get(text)
    if hit is not None:
        return hit
    out = normalize(text)
    if len(_NORMAL) >= _NORMAL_MAX:
        _NORMAL.clear()
    _NORMAL[text] = out
    _NORMAL[out] = out  # normalize is idempotent: its output needs no second pass
    return out


def mark_normal(text: str) -> str:
    """Record that text is already normalised (a join of normalised parts), so `norm` returns it as is."""
    if len(_NORMAL) >= _NORMAL_MAX:
        _NORMAL.clear()
    _NORMAL[text] = text
    return text
