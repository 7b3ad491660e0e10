"""p50/p95 per query kind over every dev query set (queries, precision_queries, hard_queries), in-process, facets and
highlights as the library computes them, after a warm pass over every fifth query.

    python bench/latency_all.py INDEX [--json OUT] [--cpu] [--every N]

--cpu times each query by the process's CPU time instead of the wall clock: for comparing two versions on
a machine whose page cache or neighbours make the wall clock's tail noisy (it leaves out waiting for disk).
"""
import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEV = Path(os.environ.get("TTDN_SHARED") or ROOT.parent / "shared") / "eval" / "dev"
from ttdn_search.search import Searcher  # noqa: E402

ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument("index")
ap.add_argument("--json", type=Path, metavar="OUT")
ap.add_argument("--cpu", action="store_true", help="CPU time per query, not wall time")
ap.add_argument("--every", type=int, default=1, metavar="N",
                help="time every Nth query only (a sample, for alternating two versions on a large index)")
args = ap.parse_args()
s = Searcher(args.index)
qs = [json.loads(l) for n in ("queries", "precision_queries", "hard_queries") for l in open(DEV / f"{n}.jsonl", encoding="utf-8")]
qs = qs[:: args.every]
for q in qs[::5]:
    s.search(q["query"])
clock = time.process_time if args.cpu else time.perf_counter
by = {}
for q in qs:
    t = clock(); s.search(q["query"]); by.setdefault(q["kind"], []).append((clock() - t) * 1000)
allv = sorted(v for vs in by.values() for v in vs)
out = {}
for k, v in sorted(by.items()) + [("all", allv)]:
    v.sort()
    out[k] = {"n": len(v), "p50_ms": v[len(v) // 2], "p95_ms": v[int(len(v) * .95)], "max_ms": v[-1]}
    print(f"{k:18} n={len(v):4} p50 {out[k]['p50_ms']:6.1f} p95 {out[k]['p95_ms']:6.1f} max {v[-1]:6.1f}")
if args.json:
    args.json.write_text(json.dumps({"index": args.index, "clock": "cpu" if args.cpu else "wall", "documents": s._view.ndocs, "kinds": out}, indent=1))
