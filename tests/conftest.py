"""Shared fixtures: small real indexes built once per test session."""

from pathlib import Path

import pytest

from tests._shared import SEEDS

SAMPLES = Path(__file__).resolve().parents[1] / "ttdn_search" / "samples"


@pytest.fixture(scope="session")
def samples_index(tmp_path_factory) -> Path:
    """An index of the bundled sample articles."""
    from ttdn_search.indexer import build_index

    d = tmp_path_factory.mktemp("samples") / "index"
    report = build_index([SAMPLES], d, jobs=1)
    assert report.total >= 14 and not report.skipped
    return d


@pytest.fixture(scope="session")
def seeds_index(tmp_path_factory) -> Path:
    """An index of the five seed pages from ../shared."""
    if not SEEDS.is_dir():
        pytest.skip(f"needs the seed articles at {SEEDS}")
    from ttdn_search.indexer import build_index

    d = tmp_path_factory.mktemp("seeds") / "index"
    build_index([SEEDS], d, jobs=1)
    return d


@pytest.fixture()
def searcher(samples_index):
    from ttdn_search.search import Searcher

    with Searcher(samples_index) as s:
        yield s


@pytest.fixture(scope="session")
def xss_index(tmp_path_factory) -> Path:
    """An index of two articles carrying <script> and attribute-breaking markup in every field."""
    from tests._xss import write_jsonl
    from ttdn_search.indexer import build_index

    d = tmp_path_factory.mktemp("xss")
    report = build_index([write_jsonl(d / "xss.jsonl")], d / "index", jobs=1)
    assert report.total == 2 and not report.skipped
    return d / "index"
