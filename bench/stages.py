"""Where a query's time goes: wall time of each stage of `Searcher.search`, per query, over the dev queries.

    python bench/stages.py INDEX [KIND]      # KIND: title, title_noaccent, span, span_noaccent (prefix)

Each stage is timed by wrapping the function that does it (facets, hits with snippets, scoring, matching,
candidate choice, suggestion, filters, parsing); one warm-up pass, then one timed pass. Stages nest only
where noted by the names (hits include stored fields and snippets).
"""

from __future__ import annotations

import collections
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import ttdn_search.engine.match as M  # noqa: E402
import ttdn_search.engine.rank as R  # noqa: E402
import ttdn_search.search as S  # noqa: E402

QUERIES = ROOT.parent / "shared" / "eval" / "dev" / "queries.jsonl"
spent: collections.Counter = collections.Counter()


def timed(owner, name: str, label: str) -> None:
    f = getattr(owner, name)

    def wrapper(*args, **kwargs):
        t = time.perf_counter()
        try:
            return f(*args, **kwargs)
        finally:
            spent[label] += time.perf_counter() - t

    setattr(owner, name, wrapper)


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for owner, name, label in [
        (S.Searcher, "_facets", "facets"), (S.Searcher, "_hit", "hits (stored fields, snippets)"),
        (R.Ranker, "score", "scoring"), (R.Ranker, "__init__", "ranker set-up"), (M.Evaluator, "eval", "matching"),
        (R, "title_candidates", "title-tier candidates"), (R, "phrase_candidates", "phrase candidates"),
        (S.Searcher, "_suggest", "suggestion"), (S, "filter_bitmap", "filters"), (S.P, "analyse", "parsing"),
    ]:
        timed(owner, name, label)
    kind = sys.argv[2] if len(sys.argv) > 2 else ""
    qs = [json.loads(line) for line in open(QUERIES, encoding="utf-8")]
    qs = [q for q in qs if q["kind"].startswith(kind)]
    s = S.Searcher(sys.argv[1])
    for q in qs:
        s.search(q["query"])
    spent.clear()
    t = time.perf_counter()
    for q in qs:
        s.search(q["query"])
    total = time.perf_counter() - t
    print(f"{len(qs)} queries ({kind or 'all kinds'}) on {sys.argv[1]} ({s.doc_count:,} articles): "
          f"{total / len(qs) * 1000:.2f} ms per query\n")
    print("| stage | ms per query |\n|---|---:|")
    for label, sec in spent.most_common():
        print(f"| {label} | {sec / len(qs) * 1000:.2f} |")


if __name__ == "__main__":
    main()
