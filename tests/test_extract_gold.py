"""The taggers against hand-annotated gold (bench/score_extract.py): the dev set and the news-20k set."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests._shared import NEWS, SHARED, needs_shared

ROOT = Path(__file__).resolve().parents[1]


def _scores(articles: Path, gold: Path) -> dict:
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "score_extract.py"), str(articles), str(gold)],
                         capture_output=True, text=True, check=True).stdout
    scores = {}
    for line in out.splitlines()[1:]:
        parts = line.split()
        scores[parts[0]] = float(parts[3] if parts[1] != "accuracy" else parts[2])
    return scores


@needs_shared
def test_dev_gold():
    dev = SHARED / "eval" / "dev"
    s = _scores(dev / "articles.jsonl", dev / "gold.jsonl")
    assert s["directives"] == 1.0 and s["provinces"] == 1.0 and s["date"] == 1.0, s
    assert s["years"] >= 0.99 and s["province"] >= 0.97, s


@needs_shared
def test_news20k_gold():
    if not NEWS.is_file():
        pytest.skip(f"needs {NEWS}")
    s = _scores(NEWS, ROOT / "bench" / "data" / "extract-news20k" / "gold.jsonl")
    assert s["directives"] >= 0.98 and s["provinces"] >= 0.98 and s["years"] >= 0.98, s
    assert s["province"] >= 0.95 and s["date"] >= 0.98 and s["event_date"] >= 0.95, s
