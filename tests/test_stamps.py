"""Commit stamps (FORMAT.md "indexed at") only go forward, whether a commit learns the latest one from
ttdn.json (no companion read) or, when ttdn.json may be older than the last commit, from every companion."""

import json
import sys
from pathlib import Path

import pytest

import ttdn_search.engine.whoosh_store as W
from ttdn_search.folder import open_store, read_meta, write_meta
from ttdn_search.indexer import build_index

SAMPLES = Path(__file__).resolve().parents[1] / "ttdn_search" / "samples" / "articles.jsonl"


def _write(path: Path, recs: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), "utf-8")
    return path


def _recs() -> list[dict]:
    return [json.loads(line) for line in SAMPLES.read_text("utf-8").splitlines() if line.strip()]


def _stamps(ix: Path) -> dict[str, int]:
    """id -> indexed-at of every live document."""
    store = open_store(ix)
    reader = store.reader()
    try:
        view = reader.segments()
        try:
            return {reader.stored_fields(d)["id"]: (lambda c, n: c.added[n])(*view.locate(d))
                    for d in range(view.ndocs) if view.live >> d & 1}
        finally:
            view.close()
    finally:
        reader.close()


@pytest.fixture
def clock(monkeypatch):
    """A clock that stands still: every commit of a test falls in the same second."""
    import time

    now = int(time.time())
    monkeypatch.setattr(W.time, "time", lambda: float(now))
    return now


def test_commits_of_one_run_get_later_stamps_without_reading_the_companions(tmp_path, clock, monkeypatch):
    recs = _recs()
    ix = tmp_path / "ix"
    build_index([_write(tmp_path / "a.jsonl", recs[:4])], ix, jobs=1)
    before = max(_stamps(ix).values())

    real = W.Companion

    def no_read_for_stamps(path):  # merges read companions; the stamp of a commit must not
        if sys._getframe(1).f_code.co_name == "_stamp":
            raise AssertionError("a commit read a companion although ttdn.json has the latest stamp")
        return real(path)

    with monkeypatch.context() as m:
        m.setattr(W, "Companion", no_read_for_stamps)
        build_index([_write(tmp_path / "b.jsonl", recs[4:10])], ix, jobs=1, batch_size=2)
    stamps = _stamps(ix)
    new = sorted({stamps[r["id"]] for r in recs[4:10]})
    assert len(new) == 3 and new[0] > before, new  # three commits, each later than everything before
    assert read_meta(ix)["stamp"] == new[-1]


@pytest.mark.parametrize("damage", ["older generation", "no stamp", "stamp not a number"])
def test_a_ttdn_json_older_than_the_last_commit_makes_the_commit_read_every_companion(tmp_path, clock, damage):
    """A run killed after its commit, before ttdn.json: the stamp there is stale, so the next commit must
    read the companions and still stamp later than every article."""
    recs = _recs()
    ix = tmp_path / "ix"
    build_index([_write(tmp_path / "a.jsonl", recs[:4])], ix, jobs=1)
    build_index([_write(tmp_path / "b.jsonl", recs[4:6])], ix, jobs=1)
    latest = max(_stamps(ix).values())
    meta = read_meta(ix)
    if damage == "older generation":
        write_meta(ix, stamp=1, vocab_generation=meta["vocab_generation"] - 1)
    elif damage == "no stamp":
        meta.pop("stamp")
        (ix / "ttdn.json").write_text(json.dumps(meta), "utf-8")
    else:
        write_meta(ix, stamp="1")
    build_index([_write(tmp_path / "c.jsonl", recs[6:8])], ix, jobs=1)
    stamps = _stamps(ix)
    assert min(stamps[r["id"]] for r in recs[6:8]) > latest
