"""Time `Groups.count` (engine/groups.py): the groups of a set of documents, as every search counts them;
and what a search pays to load the groups (copies.bin), against copies.json as the previous version
read it (JSON parsed, then a dict of every document in a group).

    python bench/groups_count.py [--docs 100000] [--share 0.3] [--size 3]

A synthetic index: `share` of the documents in groups of `size`; sets of half and of all the documents.
(The 1M corpus of issue #18: --docs 1004900 --share 1 --size 50.)
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ttdn_search.engine.bitmaps import from_ids, full  # noqa: E402
from ttdn_search.engine.groups import Groups, read_groups, write_groups  # noqa: E402


def load_times(groups: list[list[int]], ndocs: int) -> None:
    """copies.bin read into Groups, against copies.json parsed into the previous version's dict."""
    live = full(ndocs)
    view = SimpleNamespace(ndocs=ndocs, live=live, segment_ids=["seg"])  # what write/read_groups read of one
    with tempfile.TemporaryDirectory() as d:
        write_groups(Path(d), 1, view, groups)
        size = (Path(d) / "copies.bin").stat().st_size
        t = time.perf_counter()
        g = read_groups(Path(d), 1, view)
        new = time.perf_counter() - t
        text = json.dumps({"generation": 1, "segments": ["seg"], "ndocs": ndocs, "groups": groups},
                          separators=(",", ":"))
        t = time.perf_counter()
        old = {d: i for i, grp in enumerate(json.loads(text)["groups"]) for d in grp}
        was = time.perf_counter() - t
    assert g is not None and len(g) == len(groups) and len(old) == len(g.order)
    print(f"load  copies.bin {size / 1e6:.1f} MB {new * 1000:.1f} ms; "
          f"copies.json {len(text) / 1e6:.1f} MB parsed + dict {was * 1000:.1f} ms")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--share", type=float, default=0.3)
    ap.add_argument("--size", type=int, default=3)
    args = ap.parse_args()
    rng = random.Random(1)
    docs = list(range(args.docs))
    rng.shuffle(docs)
    k = int(args.docs * args.share) // args.size * args.size
    groups = [sorted(docs[i : i + args.size]) for i in range(0, k, args.size)]
    load_times(groups, args.docs)
    g = Groups(groups, full(args.docs), args.docs)
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
