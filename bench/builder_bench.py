"""The companion Builder alone: CPU seconds of `add` and `write` for one segment's worth of documents.

    python bench/builder_bench.py CORPUS [-n 3000] [--times 3]

Prepares the first N articles of CORPUS (indexer.prepare, as the workers do; not timed), then feeds them
`--times` over (N x times documents, about a segment at the defaults) to a fresh Builder and writes its
file: `time.process_time` of each part and the process's peak RSS. The main process of a build does exactly
this for every segment, beside Whoosh's own work; whole builds are too noisy on 2 cores to show a change of
a few tenths of a millisecond an article, this is not.
"""

from __future__ import annotations

import argparse
import itertools
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ttdn_search.engine.builder import Builder  # noqa: E402
from ttdn_search.indexer import prepare  # noqa: E402
from ttdn_search.ingest import Article, iter_articles  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("-n", type=int, default=3000)
    ap.add_argument("--times", type=int, default=3)
    args = ap.parse_args()
    arts = [a for a in itertools.islice(iter_articles([args.corpus]), args.n * 2) if isinstance(a, Article)]
    docs = [prepare(a) for a in arts[: args.n]]
    rows = [(d["_keys"], d["_view"], d["_date"], d["_words"], d["_tie"], d["_signature"]) for d in docs]
    b = Builder()
    t0 = time.process_time()
    for _ in range(args.times):
        for keys, view, date, words, tie, sig in rows:
            b.add(keys, view, date, words, tie, sig, 0)
    t1 = time.process_time()
    with tempfile.TemporaryDirectory() as d:
        b.write(Path(d) / "bench.ttdn", 1)
    t2 = time.process_time()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"{len(rows) * args.times} documents: add {t1 - t0:.2f} s, write {t2 - t1:.2f} s, peak RSS {rss} MB")


if __name__ == "__main__":
    main()
