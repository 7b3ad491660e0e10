"""The index-wide bitmap work of a query at the million-article shape, from a 100k index: its segments
opened COPIES times over (11 segments x 10 = 110 parts, 1.1M documents), so every join of the segments'
bitmaps and every cut of a set into them costs what it costs at 1M, without a 1M build.

    python bench/many_segments.py /tmp/ix100k [--copies 10] [--repeat 3]

Times, for the one-syllable keys of a query sample and the facet values, `Segments.bitmap` (join),
`Segments.all_of` with a `within` set (cut and join) and `Segments.month_counts` (cut), each with the
segments joined and cut by one shift per segment (bitmaps.MANY raised above the parts) and as the engine
does it (engine/bitmaps.py: pairwise and through bytes beyond MANY segments). Same answers checked.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ttdn_search.engine import bitmaps  # noqa: E402
from ttdn_search.engine import format as F  # noqa: E402
from ttdn_search.engine.segments import SegmentInfo, Segments  # noqa: E402
from ttdn_search.normalize import fold  # noqa: E402
from ttdn_search.search import Searcher  # noqa: E402

WORDS = ("thông", "tin", "đối", "ngoại", "hội", "nghị", "kinh", "tế", "hợp", "tác", "biên", "giới", "tỉnh", "du", "lịch",
         "văn", "hóa", "đảng", "nhân", "dân", "covid", "xuất", "khẩu", "an", "ninh")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("index")
    ap.add_argument("--copies", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with Searcher(args.index) as s:
        infos = s._reader.segment_infos()
        ndocs = s._view.ndocs
        facets = [(name, value) for name, values in s._view._facet_dfs().items() for value in values]
    wide, offset = [], 0
    for _ in range(args.copies):
        for info in infos:
            wide.append(SegmentInfo(info.id, offset, info.ndocs, list(info.deleted)))
            offset += info.ndocs
    view = Segments(wide, offset, args.index)
    print(f"{len(view.parts)} parts, {view.ndocs:,} documents ({len(infos)} segments x {args.copies}, {ndocs:,} each)")
    keys = [F.folded_key(fold(w)) for w in WORDS]
    fkeys = [F.facet_key(n, v) for n, v in facets]
    within = view.bitmap(F.folded_key("tin"))

    def work():
        a = [view.bitmap(k) for k in keys]
        b = [view.bitmap(k) for k in fkeys]
        c = [view.all_of([k], within) for k in keys]
        d = [view.month_counts(x) for x in a[:5]]
        return a, b, c, d

    for comp, _ in view.parts:  # every page checked and every entry cached before timing
        comp.verify()
    work()
    many = bitmaps.MANY
    runs: dict[str, list[float]] = {"one shift per segment": [], "engine": []}
    answers = {}
    for _ in range(args.repeat):
        for name, limit in (("one shift per segment", 10**9), ("engine", many)):
            bitmaps.MANY = limit
            t = time.perf_counter()
            answers[name] = work()
            runs[name].append(time.perf_counter() - t)
    bitmaps.MANY = many
    same = answers["one shift per segment"] == answers["engine"]
    n = len(keys) * 2 + len(fkeys) + 5
    for name, ts in runs.items():
        med = statistics.median(ts)
        print(f"{name:24} {med * 1000:8.1f} ms for {n} calls ({len(keys)} keys, {len(fkeys)} facet values): "
              f"{med / n * 1e6:.0f} us a call")
    print("same answers:", same)
    view.close()


if __name__ == "__main__":
    main()
