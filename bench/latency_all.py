"""p50/p95 per query kind over every dev query set (queries, precision_queries, hard_queries), in-process, facets and
highlights as the library computes them, after a warm pass over every fifth query.

    python bench/latency_all.py INDEX
"""
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEV = ROOT.parent / "shared" / "eval" / "dev"
from ttdn_search.search import Searcher  # noqa: E402
s = Searcher(sys.argv[1])
qs = [json.loads(l) for n in ("queries", "precision_queries", "hard_queries") for l in open(DEV / f"{n}.jsonl", encoding="utf-8")]
for q in qs[::5]:
    s.search(q["query"])
by = {}
for q in qs:
    t = time.perf_counter(); s.search(q["query"]); by.setdefault(q["kind"], []).append((time.perf_counter() - t) * 1000)
allv = sorted(v for vs in by.values() for v in vs)
for k, v in sorted(by.items()):
    v.sort(); print(f"{k:18} n={len(v):4} p50 {v[len(v)//2]:6.1f} p95 {v[int(len(v)*.95)]:6.1f} max {v[-1]:6.1f}")
print(f"{'all':18} n={len(allv):4} p50 {allv[len(allv)//2]:6.1f} p95 {allv[int(len(allv)*.95)]:6.1f}")
