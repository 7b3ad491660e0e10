"""Our CRF arithmetic (segment._Model.labels) against CRFsuite's tagger on every line of news-20k.

    python bench/viterbi_check.py [--whole 2000]

Every title and paragraph of news-20k is tagged both ways (labels compared), and the first WHOLE articles
as one sequence each (pyvi tags a multi-paragraph string whole); prints the differences (none expected)
and the time per syllable of each way.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ttdn_search import segment as S  # noqa: E402
from ttdn_search.ingest import Skipped, iter_articles  # noqa: E402

NEWS = ROOT.parent / "shared" / "corpus" / "news-20k.jsonl.gz"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--whole", type=int, default=2000)
    args = ap.parse_args()
    eng = S._get_engine()
    if not isinstance(eng, S._Model):
        sys.exit("the segmenter fell back to stock pyvi: nothing to compare")
    seqs, whole = [], 0
    for a in iter_articles([NEWS]):
        if isinstance(a, Skipped):
            continue
        seqs.extend(S._syllables(line) for line in (a.title + "\n" + a.text).split("\n") if line.strip())
        if whole < args.whole:
            seqs.append(S._syllables(a.text))
            whole += 1
    seqs = [x for x in seqs if x]
    diffs = sum(eng.labels(x) != eng.tagger.tag(eng.items(x)) for x in seqs)
    n = sum(map(len, seqs))
    t = time.perf_counter()
    for x in seqs:
        eng.labels(x)
    ours = time.perf_counter() - t
    t = time.perf_counter()
    for x in seqs:
        eng.tagger.tag(eng.items(x))
    theirs = time.perf_counter() - t
    print(f"{len(seqs):,} sequences ({whole:,} whole articles), {n:,} syllables: {diffs} differ")
    print(f"ours {ours / n * 1e6:.2f} us per syllable; CRFsuite tagger (items + tag) {theirs / n * 1e6:.2f} us")


if __name__ == "__main__":
    main()
