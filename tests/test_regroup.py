"""The groups of copies an index run writes from the run before's (engine/regroup.py) are the groups
found from every signature, whatever the runs added, updated and merged."""

import json
import random
from pathlib import Path

import numpy as np
import pytest

from ttdn_search.engine import copies as C
from ttdn_search.engine import groups as G
from ttdn_search.engine import regroup as R
from ttdn_search.engine.copies import SMALL_RUN
from ttdn_search.indexer import build_index
from ttdn_search.search import Searcher

SAMPLES = Path(__file__).resolve().parents[1] / "ttdn_search" / "samples" / "articles.jsonl"


def _texts() -> list[dict]:
    return [json.loads(line) for line in SAMPLES.read_text("utf-8").splitlines() if line.strip()]


def _variant(rec: dict, rng: random.Random) -> str:
    """The text with small edits (a paragraph left out, a byline): a copy, or with most of it left out
    (not a copy)."""
    paras = rec["text"].split("\n")
    if rng.random() < 0.25 and len(paras) > 2:
        return paras[0]
    if len(paras) > 3 and rng.random() < 0.5:
        del paras[rng.randrange(1, len(paras))]
    return "\n".join(paras) + rng.choice(["", "\nTheo TTXVN.", "\nNguồn: Cổng thông tin tỉnh."])


def _stored_and_full(ix: Path):
    with Searcher(ix) as s:
        view = s._view
        stored = G.read_stored(ix)
        assert stored is not None and stored.holds(s._reader.generation(), view)
        return [list(g) for g in stored.groups.members], FULL[0](view)


FULL = [G.find_labels]  # the whole computation, kept before the test counts calls to it


def _as_groups(labels) -> list[list[int]]:
    return [list(g) for g in G.Groups.from_labels(labels).members]


@pytest.mark.parametrize("seed", [1, 2])
def test_groups_after_each_run_are_the_whole_computation(tmp_path, monkeypatch, seed):
    rng = random.Random(seed)
    base = _texts()
    ix = tmp_path / "ix"
    calls = []
    monkeypatch.setattr(G, "find_labels", lambda view: calls.append(1) or FULL[0](view))
    live: dict[str, dict] = {}
    serial = 0
    merges = 0
    for run in range(14):
        recs = []
        for _ in range(rng.randint(1, 6)):  # new articles: copies of a sample text, some many times over
            rec = rng.choice(base[:5])
            for _ in range(rng.choice([1, 1, 2, SMALL_RUN + 2])):
                serial += 1
                recs.append({**rec, "id": f"a{serial}", "text": _variant(rec, rng)})
        for old_id in rng.sample(sorted(live), min(len(live), rng.randint(0, 3))):  # updated: another text
            rec = rng.choice(base)
            recs.append({**live[old_id], "text": _variant(rec, rng), "title": rec["title"]})
        path = tmp_path / f"run{run}.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), "utf-8")
        before = len(list(ix.glob("*.ttdn"))) if ix.exists() else 0
        calls.clear()
        build_index([path], ix, jobs=1, batch_size=rng.choice([3, 50]))
        for r in recs:
            live[r["id"]] = r
        if run and len(list(ix.glob("*.ttdn"))) < before:
            merges += 1
        if run:
            assert not calls, f"run {run}: the groups were found again from scratch"
        stored, full = _stored_and_full(ix)
        assert stored == _as_groups(full), f"run {run}"
    assert merges, "no run merged segments: the test did not reach the merge path"
    assert any(len(g) > SMALL_RUN for g in stored), "no long run of copies"


def test_a_segment_gone_without_a_record_means_finding_them_again(tmp_path, monkeypatch):
    """A copies.bin whose segments are not all in the index (a run killed after its merge) is not a start."""
    recs = _texts()
    ix = tmp_path / "ix"
    path = tmp_path / "a.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), "utf-8")
    build_index([path], ix, jobs=1)
    with Searcher(ix) as s:
        stored = G.read_stored(ix)
        view = s._view
        assert R.regroup(view, stored) is not None  # nothing changed: the groups as they were
        renamed = G.Stored(stored.generation, ["gone"] + stored.segment_ids[1:], stored.segment_sizes,
                           stored.live, stored.groups)
        assert R.regroup(view, renamed) is None
        assert R.regroup(view, None) is None


def test_from_labels_numbers_groups_by_their_first_member():
    g = G.Groups.from_labels(np.array([7, -1, 3, 7, 3, 5, -1, 9, 9]))
    assert [list(m) for m in g.members] == [[0, 3], [2, 4], [7, 8]]  # 5 alone: no group
    assert [g.group_of.get(d) for d in range(9)] == [0, None, 1, 0, 1, None, None, 2, 2]
    assert g.dup == sum(1 << d for d in (0, 2, 3, 4, 7, 8))
    assert [list(m) for m in G.Groups.from_labels(np.full(4, -1)).members] == []


def _signature_family(rng: np.random.Generator, n: int, parents: np.ndarray | None = None) -> np.ndarray:
    """n signatures (shingle count 200): new texts, edits of one another (30% of the values redrawn: a
    copy; chains of them reach texts that are not copies of the first), exact repeats (long runs of equal
    bands), and a few empty texts (no signature)."""
    out = np.zeros((n, C.SIG_BYTES), dtype=np.uint8)
    pool = list(parents) if parents is not None else []
    # A few band values many unrelated texts share (a common boilerplate): long runs of non-copies.
    shared = np.random.default_rng(99).integers(0, 256, (3, C.ROWS), dtype=np.uint8)
    for i in range(n):
        kind = rng.random()
        if not pool or kind < 0.1:
            sig = rng.integers(0, 256, C.NPERM, dtype=np.uint8)
        elif kind < 0.2:
            sig = pool[rng.integers(len(pool))][: C.NPERM].copy()  # a repeat
        elif kind < 0.23:
            out[i] = 0  # no text
            continue
        elif kind < 0.6:
            sig = pool[rng.integers(len(pool))][: C.NPERM].copy()
            redraw = rng.random(C.NPERM) < rng.choice([0.25, 0.4])
            sig[redraw] = rng.integers(0, 256, int(redraw.sum()), dtype=np.uint8)
        else:  # a copy (3 values of 4 kept) that shares one band only: joined through one run alone
            sig = pool[rng.integers(len(pool))][: C.NPERM].copy()
            keep = int(rng.integers(2))
            for band in range(C.BANDS):
                if band != keep:
                    at = band * C.ROWS + int(rng.integers(C.ROWS))
                    sig[at] = (int(sig[at]) + 1 + int(rng.integers(255))) % 256
        if rng.random() < 0.3:
            band = int(rng.integers(len(shared)))
            sig[band * C.ROWS : (band + 1) * C.ROWS] = shared[band]
        out[i, : C.NPERM] = sig
        out[i, C.NPERM :] = np.frombuffer((200).to_bytes(4, "little"), dtype=np.uint8)
        pool.append(out[i])
    return out


@pytest.mark.parametrize("seed", range(16))
def test_relabel_is_the_whole_computation_on_arrays(seed):
    """Deletions, additions, documents renumbered and dropped (as merges do) on signatures made to have
    chains, long runs and empty texts: relabel gives labels_of's groups."""
    rng = np.random.default_rng(seed)
    n_old = 400
    old_sigs = _signature_family(rng, n_old)
    old_ties = rng.choice(1 << 32, size=n_old + 200, replace=False).astype(np.uint32)
    old_live = rng.random(n_old) < 0.9
    old_rows = np.flatnonzero(old_live & old_sigs.any(axis=1))
    old_label = C.labels_of(old_sigs, old_rows, keys=old_ties[:n_old])
    assert (np.bincount(old_label[old_label >= 0]) > SMALL_RUN).any(), "no long run of copies"

    deleted_now = old_live & (rng.random(n_old) < 0.1)
    dropped = ~old_live | deleted_now
    dropped &= rng.random(n_old) < 0.5  # a merge drops the deleted documents of the segments it merges
    kept_old = np.flatnonzero(~dropped)
    n_new = int(rng.integers(1, 60))
    new_docs = _signature_family(rng, n_new, parents=old_sigs[rng.choice(n_old, 40)])
    # Today's numbering: the kept old documents and the new ones, in another order.
    order = rng.permutation(len(kept_old) + n_new)
    sigs = np.concatenate((old_sigs[kept_old], new_docs))[order]
    ties = np.concatenate((old_ties[kept_old], old_ties[n_old : n_old + n_new]))[order]
    live = np.concatenate((old_live[kept_old] & ~deleted_now[kept_old], np.ones(n_new, dtype=bool)))[order]
    position = np.empty(len(order), dtype=np.int64)
    position[order] = np.arange(len(order))
    where = np.full(n_old, -1, dtype=np.int64)
    where[kept_old] = position[: len(kept_old)]
    rows = np.flatnonzero(live & sigs.any(axis=1))

    got = R.relabel(sigs, ties, rows, where, old_live, old_label, old_sigs[old_live & dropped])
    expected = C.labels_of(sigs, rows, keys=ties)
    assert _as_groups(got) == _as_groups(expected)
