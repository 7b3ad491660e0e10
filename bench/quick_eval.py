"""Recall@10, MRR@10 and latency per query kind on every Nth dev query: a quick check of ranking changes.

    python bench/quick_eval.py /tmp/ix20k [--every 4]
"""
import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from ttdn_search.search import Searcher  # noqa: E402

p = argparse.ArgumentParser()
p.add_argument("index")
p.add_argument("--every", type=int, default=4)
p.add_argument("--queries", default=str(ROOT.parent / "shared/eval/dev/queries.jsonl"))
args = p.parse_args()
s = Searcher(args.index)
qs = [json.loads(line) for line in open(args.queries)][:: args.every]
by_kind: dict[str, list] = {}
for q in qs:
    t = time.perf_counter()
    r = s.search(q["query"], limit=10)
    ms = (time.perf_counter() - t) * 1000
    ids = [h.id for h in r.hits]
    rel = set(q["relevant_ids"])
    rank = next((i + 1 for i, d in enumerate(ids) if d in rel), None)
    by_kind.setdefault(q["kind"], []).append((rank, ms))
allms = []
for kind, rows in sorted(by_kind.items()):
    n = len(rows)
    ms = sorted(m for _, m in rows)
    allms += ms
    print(f"{kind:16} n={n:4} R@10 {sum(1 for r, _ in rows if r) / n:.3f} "
          f"MRR {sum(1 / r for r, _ in rows if r) / n:.3f} p50 {ms[n // 2]:.1f} ms p95 {ms[int(n * .95)]:.1f} ms")
allms.sort()
n = len(allms)
print(f"all n={n} p50 {allms[n // 2]:.1f} ms p95 {allms[int(n * .95)]:.1f} ms p99 {allms[min(n - 1, int(n * .99))]:.1f} ms")
