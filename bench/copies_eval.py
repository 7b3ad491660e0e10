"""Choose how copies are found: MinHash/LSH (datasketch, and ours on numpy) against a hand-written simhash.

Reads a corpus (news-20k by default), shingles every article's folded syllables as the index does
(ttdn_search.engine.copies), and reports for each method the pairs it proposes, the time per article and
how far the methods agree. `--write-sample DIR` writes 100 random proposed pairs and 100 random near-misses
(pairs just below the threshold) as text for reading by hand; `--score DIR` scores the verdicts read into
DIR/verdicts.jsonl.

    python bench/copies_eval.py ../shared/corpus/news-20k.jsonl.gz [--datasketch] [--write-sample DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ttdn_search.analysis import syllable_keys  # noqa: E402
from ttdn_search.engine import copies as C  # noqa: E402
from ttdn_search.engine.format import fold_keys  # noqa: E402
from ttdn_search.ingest import Article, iter_articles  # noqa: E402


def load(path: str, limit: int | None):
    arts, seen = [], set()
    for a in iter_articles([path]):
        if isinstance(a, Article) and a.id not in seen:  # the indexer keeps the first of a repeated id
            seen.add(a.id)
            arts.append(a)
            if limit and len(arts) >= limit:
                break
    return arts


def simhash_pairs(shingle_sets: list[np.ndarray], max_dist: int) -> tuple[set, float]:
    """Hand-written 64-bit simhash of each shingle set; pairs within max_dist bits (pigeonhole blocks)."""
    t = time.perf_counter()
    sims = np.zeros(len(shingle_sets), dtype=np.uint64)
    bits = np.arange(64, dtype=np.uint64)
    for i, sh in enumerate(shingle_sets):
        if not len(sh):
            continue
        h = C.mix64(sh)
        ones = ((h[:, None] >> bits) & np.uint64(1)).astype(np.int32).sum(axis=0)
        v = (ones * 2 > len(h)).astype(np.uint64)
        sims[i] = np.bitwise_or.reduce(v << bits)
    per = (time.perf_counter() - t) / max(1, len(shingle_sets))
    nblocks = max_dist + 1
    width = 64 // nblocks
    pairs = set()
    for b in range(nblocks):
        key = (sims >> np.uint64(b * width)) & np.uint64((1 << width) - 1)
        groups = defaultdict(list)
        for i, k in enumerate(key.tolist()):
            if len(shingle_sets[i]):
                groups[k].append(i)
        for members in groups.values():
            if len(members) > 200:  # a degenerate block (very short texts)
                continue
            for x in range(len(members)):
                for y in range(x + 1, len(members)):
                    a, c = members[x], members[y]
                    if bin(int(sims[a]) ^ int(sims[c])).count("1") <= max_dist:
                        pairs.add((a, c))
    return pairs, per


def datasketch_pairs(shingle_sets, threshold: float, num_perm: int) -> tuple[set, float]:
    from datasketch import MinHash, MinHashLSH

    t = time.perf_counter()
    mhs = []
    for sh in shingle_sets:
        m = MinHash(num_perm=num_perm)
        m.update_batch([x.tobytes() for x in sh])
        mhs.append(m)
    per = (time.perf_counter() - t) / max(1, len(shingle_sets))
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    for i, m in enumerate(mhs):
        if len(shingle_sets[i]):
            lsh.insert(i, m)
    pairs = set()
    for i, m in enumerate(mhs):
        if len(shingle_sets[i]):
            for j in lsh.query(m):
                if j > i:
                    pairs.add((i, j))
    return pairs, per


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", nargs="?", default="../shared/corpus/news-20k.jsonl.gz")
    ap.add_argument("--limit", type=int)
    ap.add_argument("--datasketch", action="store_true")
    ap.add_argument("--write-sample")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--read", default=str(Path(__file__).parent / "data/copies-news20k/pairs.jsonl"),
                    help="the pairs read by hand (ids, verdicts): precision of the proposals among them")
    args = ap.parse_args()
    arts = load(args.corpus, args.limit)
    print(f"{len(arts)} articles")
    t = time.perf_counter()
    sets = [C.text_shingles(fold_keys(syllable_keys(a.title)), fold_keys(syllable_keys(a.text))) for a in arts]
    t_sh = (time.perf_counter() - t) / len(arts)
    t = time.perf_counter()
    sigs = np.stack([np.frombuffer(C.signature(s), dtype=np.uint8) for s in sets])
    t_mh = (time.perf_counter() - t) / len(arts)
    print(f"shingling {t_sh * 1000:.2f} ms/article (syllable cutting included), our 8-bit MinHash {t_mh * 1000:.2f} ms/article")
    t = time.perf_counter()
    rows = np.flatnonzero(sigs.any(axis=1))
    cand_arr = C.candidate_pairs(sigs, rows)
    est = C.estimate(sigs[cand_arr[:, 0], :C.NPERM], sigs[cand_arr[:, 1], :C.NPERM]) if len(cand_arr) else np.zeros(0)
    kept = C.copy_pairs(sigs, cand_arr) if len(cand_arr) else np.zeros(0, dtype=bool)
    groups = C.groups_of(sigs, rows)
    t_cand = time.perf_counter() - t
    cand = [tuple(p) for p in cand_arr.tolist()]
    scored = {p: C.resemblance(sets[p[0]], sets[p[1]]) for p in cand}
    estimated = dict(zip(cand, est.tolist()))
    ours = {p for p, k in zip(cand, kept.tolist()) if k}
    exact_ok = {p for p, s in scored.items() if s >= C.THRESHOLD}
    err = np.array([estimated[p] - scored[p] for p in cand])
    print(f"ours: {len(cand)} candidate pairs, {len(ours)} at estimated resemblance >= {C.THRESHOLD} "
          f"({len(exact_ok)} exactly; both {len(ours & exact_ok)}); estimate - exact: mean {err.mean():+.3f}, "
          f"sd {err.std():.3f}; {len(groups)} groups holding {sum(map(len, groups))} articles; "
          f"pairs, estimates and groups {t_cand:.2f} s")
    for dist in (3, 6):
        sim_pairs, t_sim = simhash_pairs(sets, dist)
        sim_scored = {p: C.resemblance(sets[p[0]], sets[p[1]]) for p in sim_pairs}
        print(f"simhash (<= {dist} bits): {len(sim_pairs)} pairs, {t_sim * 1000:.2f} ms/article; "
              f"{sum(s >= C.THRESHOLD for s in sim_scored.values())} of them at exact resemblance >= {C.THRESHOLD}; "
              f"{sum(s < 0.3 for s in sim_scored.values())} below 0.3; it found {len(exact_ok & sim_pairs)} of the "
              f"{len(exact_ok)} pairs at >= {C.THRESHOLD} exactly, ours {len(exact_ok & ours)}")
    read = [json.loads(line) for line in open(args.read, encoding="utf-8")] if Path(args.read).exists() else []
    if read:
        row = {a.id: i for i, a in enumerate(arts)}
        have = [r for r in read if r["a"] in row and r["b"] in row]
        pairs = np.array([sorted((row[r["a"]], row[r["b"]])) for r in have], dtype=np.int64)
        proposed = C.copy_pairs(sigs, pairs) if len(pairs) else np.zeros(0, dtype=bool)
        picked = [r for r, k in zip(have, proposed.tolist()) if k]
        good = sum(r["majority"] == "copy" for r in picked)
        both = sum(all(v[0] == "copy" for k, v in r["verdicts"].items() if k in "AB") for r in picked)
        read_ids = {frozenset((r["a"], r["b"])) for r in have}
        unread = sum(frozenset((arts[i].id, arts[j].id)) not in read_ids for i, j in ours)
        print(f"read by hand: {len(have)} pairs; {len(picked)} of them proposed at threshold {C.THRESHOLD}: "
              f"precision {good / max(1, len(picked)):.3f} (majority of three readers), {both / max(1, len(picked)):.3f} "
              f"(both first readers); proposals not read: {unread} of {len(ours)}; copies (majority) among the "
              f"near-misses not proposed: {sum(r['majority'] == 'copy' for r, k in zip(have, proposed.tolist()) if not k)}"
              f" of {len(have) - len(picked)}")
    if args.write_sample:
        Path(args.write_sample).mkdir(parents=True, exist_ok=True)
        with open(Path(args.write_sample) / "candidates.json", "w", encoding="utf-8") as f:
            json.dump([[arts[i].id, arts[j].id, round(scored[(i, j)], 4), round(estimated[(i, j)], 4)]
                       for i, j in cand], f)
    if args.datasketch:
        ds, t_ds = datasketch_pairs(sets, 0.5, 128)
        ds_ok = {p for p in ds if C.resemblance(sets[p[0]], sets[p[1]]) >= C.THRESHOLD}
        print(f"datasketch (128 perms, LSH 0.5): {len(ds)} candidates, {t_ds * 1000:.2f} ms/article; "
              f"{len(ds_ok)} at >= {C.THRESHOLD}; ours has {len(ds_ok & ours)} of them, it has {len(ds_ok & ours)}/{len(ours)} of ours")
    hist = Counter(round(s, 1) for s in scored.values())
    print("candidate resemblance:", dict(sorted(hist.items())))
    if args.write_sample:
        rng = random.Random(args.seed)
        out = Path(args.write_sample)
        out.mkdir(parents=True, exist_ok=True)
        proposed = sorted(ours)
        near = sorted(p for p in cand if C.THRESHOLD - 0.3 <= estimated[p] < C.THRESHOLD)
        near += sorted(p for p, s in sim_scored.items() if s < C.THRESHOLD and p not in scored)
        picks = [("proposed", p) for p in rng.sample(proposed, min(100, len(proposed)))]
        picks += [("near", p) for p in rng.sample(near, min(100, len(near)))]
        rng.shuffle(picks)
        with open(out / "pairs.jsonl", "w", encoding="utf-8") as f:
            for n, (kind, (i, j)) in enumerate(picks):
                a, b = arts[i], arts[j]
                f.write(json.dumps({"n": n, "kind": kind, "resemblance": round(scored.get((i, j), sim_scored.get((i, j), 0)), 3),
                                    "estimate": round(estimated.get((i, j), 0), 3),
                                    "a": {"id": a.id, "title": a.title, "text": a.text[:3000]},
                                    "b": {"id": b.id, "title": b.title, "text": b.text[:3000]}}, ensure_ascii=False) + "\n")
        print(f"wrote {len(picks)} pairs to {out / 'pairs.jsonl'}")


if __name__ == "__main__":
    main()
