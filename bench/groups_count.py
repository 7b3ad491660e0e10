"""Time `Groups.count` (engine/groups.py): the groups of a set of documents, as every search counts them.

    python bench/groups_count.py [--docs 100000] [--share 0.3]

A synthetic index: `share` of the documents in groups of 3; sets of half and of all the documents.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ttdn_search.engine.bitmaps import from_ids, full  # noqa: E402
from ttdn_search.engine.groups import Groups  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--share", type=float, default=0.3)
    args = ap.parse_args()
    rng = random.Random(1)
    docs = list(range(args.docs))
    rng.shuffle(docs)
    k = int(args.docs * args.share) // 3 * 3
    groups = [sorted(docs[i : i + 3]) for i in range(0, k, 3)]
    g = Groups(groups, full(args.docs))
    half = from_ids(sorted(rng.sample(range(args.docs), args.docs // 2)), args.docs)
    for name, bm in (("all", full(args.docs)), ("half", half)):
        for way, small in (("python", 10**9), ("numpy", Groups.SMALL)):
            g.SMALL = small
            g.count(bm)
            t = time.perf_counter()
            for _ in range(5):
                n = g.count(bm)
            print(f"{name:5} {way:6} {n} groups {(time.perf_counter() - t) / 5 * 1000:.2f} ms")


if __name__ == "__main__":
    main()
