"""facets.bin (engine/listed.py) holds, for the generation an index run committed, the very sets the
companions give for every facet value, facet and month, whatever the runs added, updated and merged; a
search reads the same facets and timeline with it as without it, and a damaged or stale file is not used."""

import json
import random
import shutil
from pathlib import Path

import pytest

from ttdn_search.engine import format as F
from ttdn_search.engine import listed as L
from ttdn_search.engine.bitmaps import join
from ttdn_search.indexer import build_index
from ttdn_search.search import Searcher

SAMPLES = Path(__file__).resolve().parents[1] / "ttdn_search" / "samples" / "articles.jsonl"
QUERIES = ["hợp tác", "thông tin đối ngoại", "", "kinh te", "tỉnh"]


def _texts() -> list[dict]:
    return [json.loads(line) for line in SAMPLES.read_text("utf-8").splitlines() if line.strip()]


def _from_companions(view, key: str) -> int:
    return join([(offset, comp.bitmap(key)) for comp, offset in view.parts])


def _check_file(ix: Path) -> int:
    """Every set in facets.bin is the companions' own, and it names every key they name; the most chunks
    a key has."""
    with Searcher(ix) as s:
        view = s._view
        listed = view.wide()
        assert listed is not None, "facets.bin does not hold the committed generation"
        keys = L._keys_of(view.parts)
        assert sorted(listed.keys) == keys
        for key in keys:
            assert listed.bitmap(key) == _from_companions(view, key), key
            assert listed.df(key) == sum(comp.df(key) for comp, _ in view.parts), key
        assert listed.bitmap(F.facet_key("province", "nowhere")) == 0
        return max(len(chunks) for _, chunks in listed.keys.values())


def _answers(ix: Path, use_file: bool, monkeypatch) -> list:
    with monkeypatch.context() as m:
        if not use_file:
            m.setattr("ttdn_search.engine.segments.read_listed", lambda *a: None)
        with Searcher(ix) as s:
            assert (s._view.wide() is not None) == use_file
            out = []
            for q in QUERIES:
                r = s.search(q, facet_limit=0)
                out.append((r.total, r.facets, r.timeline, [h.id for h in r.hits]))
            out.append([h.id for h in s.search("", sort="date", limit=30).hits])
            return out


@pytest.mark.parametrize("seed,full,most", [(1, None, None), (2, None, None), (3, 2, None), (4, 2, 2), (5, None, 3)])
def test_facets_file_after_each_run_is_the_companions(tmp_path, monkeypatch, seed, full, most):
    """`full`: the size from which write_listed takes a segment for one that no merge takes (here merges
    do take them: the chunks after a merged segment must be read again); `most`: MAX_CHUNKS, low enough
    for keys to have their chunks joined."""
    if full:
        monkeypatch.setattr(L, "DEFAULT_BATCH", full)
    if most:
        monkeypatch.setattr(L, "MAX_CHUNKS", most)
    rng = random.Random(seed)
    base = _texts()
    ix = tmp_path / "ix"
    live: dict[str, dict] = {}
    serial = 0
    most_chunks = 0
    for run in range(12):
        recs = []
        for _ in range(rng.randint(1, 5)):
            serial += 1
            rec = rng.choice(base)
            recs.append({**rec, "id": f"a{serial}", "date": f"20{rng.randint(15, 24)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"})
        for old_id in rng.sample(sorted(live), min(len(live), rng.randint(0, 2))):  # updated: another text
            rec = rng.choice(base)
            recs.append({**live[old_id], "text": rec["text"], "title": rec["title"]})
        path = tmp_path / f"run{run}.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), "utf-8")
        build_index([path], ix, jobs=1, batch_size=rng.choice([2, 50]))
        for r in recs:
            live[r["id"]] = r
        most_chunks = max(most_chunks, _check_file(ix))
        assert _answers(ix, True, monkeypatch) == _answers(ix, False, monkeypatch)
    # Some run only added segments (a key got a chunk of its own), and no key ever kept more than MAX_CHUNKS.
    assert 1 < most_chunks <= L.MAX_CHUNKS


def test_unchanged_run_keeps_the_file(tmp_path):
    ix = tmp_path / "ix"
    build_index([SAMPLES], ix, jobs=1)
    stamp = (ix / L.FACETS_FILE).stat().st_mtime_ns
    build_index([SAMPLES], ix, jobs=1)
    assert (ix / L.FACETS_FILE).stat().st_mtime_ns == stamp
    _check_file(ix)


def _built(tmp_path) -> Path:
    ix = tmp_path / "ix"
    build_index([SAMPLES], ix, jobs=1)
    return ix


def test_damaged_chunk_falls_back_to_the_companions(tmp_path, monkeypatch):
    ix = _built(tmp_path)
    want = _answers(ix, False, monkeypatch)
    data = bytearray((ix / L.FACETS_FILE).read_bytes())
    data[-3] ^= 0x40  # in the last chunk of the data
    (ix / L.FACETS_FILE).write_bytes(bytes(data))
    with Searcher(ix) as s:
        assert s._view.wide() is not None  # the table is intact: the file is opened ...
        got = [s.search(q, facet_limit=0) for q in QUERIES]
        assert s._view.wide() is None  # ... and dropped at the damaged set
    assert [(r.total, r.facets, r.timeline, [h.id for h in r.hits]) for r in got] == want[: len(QUERIES)]


@pytest.mark.parametrize("where", ["magic", "table"])
def test_damaged_table_is_not_used(tmp_path, monkeypatch, where):
    ix = _built(tmp_path)
    data = bytearray((ix / L.FACETS_FILE).read_bytes())
    data[0 if where == "magic" else L._HEAD.size + 5] ^= 0x01
    (ix / L.FACETS_FILE).write_bytes(bytes(data))
    with Searcher(ix) as s:
        assert s._view.wide() is None
    assert _answers(ix, False, monkeypatch)[0][0] > 0


def test_stale_file_is_not_used_and_the_next_run_writes_it(tmp_path):
    ix = _built(tmp_path)
    old = tmp_path / "old.bin"
    shutil.copy(ix / L.FACETS_FILE, old)
    extra = tmp_path / "extra.jsonl"
    rec = _texts()[0]
    extra.write_text(json.dumps({**rec, "id": "extra-1"}, ensure_ascii=False) + "\n", "utf-8")
    build_index([extra], ix, jobs=1)
    _check_file(ix)
    shutil.copy(old, ix / L.FACETS_FILE)  # the file before the run: another generation
    with Searcher(ix) as s:
        assert s._view.wide() is None
        assert s.search(rec["title"]).total >= 2
    (ix / L.FACETS_FILE).unlink()
    with Searcher(ix) as s:
        assert s._view.wide() is None
    build_index([extra], ix, jobs=1)  # nothing changed, the file is written again
    _check_file(ix)
