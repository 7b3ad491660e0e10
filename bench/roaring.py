"""Compressed bitmaps (pyroaring, on CRoaring) against the index's own postings (u32 arrays for rare keys,
bit sets read as Python ints for common ones: engine/FORMAT.md, the DENSE rule).

    python bench/roaring.py IX [--segments 10] [--queries Q.jsonl ...] [--sample 300] [--json OUT]

Size: every postings entry of a sample of segments (every k-th companion), stored as today and as a
serialized, run-optimised roaring bitmap, by kind of key; the sample's ratio applies to the whole index.
Speed, on the syllable keys of the dev queries (the AND every word run is): per query, over every segment,
(a) from the stored bytes, as a search reads them: today's `Companion.all_of` + bit count, against
deserializing each key's roaring bitmap + AND + count; (b) in memory, both already decoded: AND + count
of Python ints against roaring bitmaps.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = Path(os.environ.get("TTDN_SHARED") or ROOT.parent / "shared")
DEV = SHARED / "eval" / "dev"

try:
    from pyroaring import BitMap
except ImportError:
    sys.exit("pyroaring is not installed: pip install -e '.[bench]'")

import numpy as np  # noqa: E402

from ttdn_search.engine import format as F  # noqa: E402
from ttdn_search.search import Searcher  # noqa: E402

KINDS = {"f": "f (folded syllables)", "e": "e (exact syllables)", "t": "t (title syllables)", "F": "F (facets)",
         "A": "A (any facet)", "M": "M (months)", "p": "p (frequent pairs)",
         "q": "q (frequent exact pairs)", "b": "b (bigram buckets)"}


def ids_of(comp, kind: int, raw: bytes) -> np.ndarray:
    if kind == F.BITMAP:
        bits = np.unpackbits(np.frombuffer(raw, dtype=np.uint8), bitorder="little")[: comp.ndocs]
        return np.flatnonzero(bits).astype(np.uint32)
    return np.frombuffer(raw, dtype=np.uint32)


def roaring(ids: np.ndarray) -> BitMap:
    bm = BitMap(ids)
    bm.run_optimize()
    return bm


def sizes(view, every: int) -> dict:
    by: dict[str, Counter] = {}
    sampled = 0
    for i, (comp, _) in enumerate(view.parts):
        if i % every:
            continue
        sampled += comp.ndocs
        for key, (kind, df, off, length, _) in comp._iter_entries():
            if kind in (F.COUNT, F.CODE):
                continue
            raw = bytes(comp._mm[comp._data + off : comp._data + off + length])
            c = by.setdefault(KINDS.get(key[:1], "other"), Counter())
            c["keys"] += 1
            c["today"] += length
            c["today_" + ("bitmap" if kind == F.BITMAP else "array")] += length
            c["roaring"] += len(roaring(ids_of(comp, kind, raw)).serialize())
    return {"sampled_docs": sampled, "by_kind": {k: dict(v) for k, v in by.items()}}


def query_keys(path: Path, sample: int) -> list[list[str]]:
    from ttdn_search.analysis import syllable_keys

    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    step = max(1, len(rows) // sample)
    out = []
    for r in rows[::step]:
        q = r.get("query") or r.get("q") or ""
        keys = sorted({F.folded_key(s) for s in F.fold_keys(syllable_keys(q)).split()})
        if keys:
            out.append(keys)
    return out


def speeds(view, queries: list[list[str]]) -> dict:
    parts = [comp for comp, _ in view.parts]
    # What a roaring index would store: each segment's key as serialized bytes.
    stored: dict[tuple[int, str], bytes] = {}
    ints: dict[tuple[int, str], int] = {}
    roars: dict[tuple[int, str], BitMap] = {}
    for keys in queries:
        for i, comp in enumerate(parts):
            for k in keys:
                if (i, k) in stored:
                    continue
                e = comp._entry(k)
                raw = b"" if e is None else bytes(comp._mm[comp._data + e[2] : comp._data + e[2] + e[3]])
                bm = roaring(ids_of(comp, e[0], raw)) if e else BitMap()
                stored[i, k], roars[i, k], ints[i, k] = bm.serialize(), bm, comp.bitmap(k)
    t_today, t_roar, t_int_mem, t_roar_mem = [], [], [], []
    for keys in queries:
        t0 = time.perf_counter()
        a = sum(comp.all_of(keys).bit_count() for comp in parts)
        t1 = time.perf_counter()
        b = 0
        for i in range(len(parts)):
            acc = BitMap.deserialize(stored[i, keys[0]])
            for k in keys[1:]:
                acc &= BitMap.deserialize(stored[i, k])
            b += len(acc)
        t2 = time.perf_counter()
        c = 0
        for i in range(len(parts)):
            acc = ints[i, keys[0]]
            for k in keys[1:]:
                acc &= ints[i, k]
            c += acc.bit_count()
        t3 = time.perf_counter()
        d = 0
        for i in range(len(parts)):
            acc = roars[i, keys[0]]
            for k in keys[1:]:
                acc = acc & roars[i, k]
            d += len(acc)
        t4 = time.perf_counter()
        assert a == b == c == d, (keys, a, b, c, d)
        t_today.append(t1 - t0)
        t_roar.append(t2 - t1)
        t_int_mem.append(t3 - t2)
        t_roar_mem.append(t4 - t3)

    def ms(ts):
        ts = sorted(ts)
        return {"p50_ms": 1000 * statistics.median(ts), "p95_ms": 1000 * ts[int(0.95 * (len(ts) - 1))],
                "mean_ms": 1000 * statistics.fmean(ts)}

    return {"queries": len(queries), "stored_today": ms(t_today), "stored_roaring": ms(t_roar),
            "memory_ints": ms(t_int_mem), "memory_roaring": ms(t_roar_mem)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("index", type=Path)
    ap.add_argument("--segments", type=int, default=10, help="size: every k-th segment's companion (default 10)")
    ap.add_argument("--queries", type=Path, nargs="*",
                    default=[DEV / "queries.jsonl", DEV / "precision_queries.jsonl", DEV / "hard_queries.jsonl"])
    ap.add_argument("--sample", type=int, default=300, help="about N queries of each file")
    ap.add_argument("--json", type=Path, metavar="OUT")
    args = ap.parse_args()
    with Searcher(args.index) as s:
        view = s._view
        n = view.ndocs
        print(f"index: {args.index}; {n:,} documents, {len(view.parts)} segments; pyroaring "
              f"{__import__('pyroaring').__version__}\n")
        size = sizes(view, args.segments)
        print(f"## Postings size (every {args.segments}th segment: {size['sampled_docs']:,} documents)\n")
        print("| keys | entries | today MB (array + bitmap) | roaring MB | roaring / today |")
        print("|---|---:|---:|---:|---:|")
        tot_t = tot_r = 0
        for kind, c in sorted(size["by_kind"].items(), key=lambda kv: -kv[1]["today"]):
            tot_t += c["today"]
            tot_r += c["roaring"]
            print(f"| {kind} | {c['keys']:,} | {c['today'] / 1e6:.2f} ({c.get('today_array', 0) / 1e6:.2f} + "
                  f"{c.get('today_bitmap', 0) / 1e6:.2f}) | {c['roaring'] / 1e6:.2f} | {c['roaring'] / c['today']:.2f} |")
        print(f"| all | | {tot_t / 1e6:.2f} | {tot_r / 1e6:.2f} | {tot_r / tot_t:.2f} |\n")
        result = {"index": str(args.index), "documents": n, "segments": len(view.parts), "size": size}
        print("## AND + count of a query's syllable keys, every segment\n")
        print("| queries | n | stored: today p50 / p95 ms | stored: roaring p50 / p95 ms | "
              "memory: ints p50 / p95 ms | memory: roaring p50 / p95 ms |")
        print("|---|---:|---:|---:|---:|---:|")
        result["speed"] = {}
        for path in args.queries:
            qs = query_keys(path, args.sample)
            r = speeds(view, qs)
            result["speed"][path.name] = r
            cell = lambda m: f"{m['p50_ms']:.2f} / {m['p95_ms']:.2f}"  # noqa: E731
            print(f"| {path.name} | {r['queries']} | {cell(r['stored_today'])} | {cell(r['stored_roaring'])} | "
                  f"{cell(r['memory_ints'])} | {cell(r['memory_roaring'])} |")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
