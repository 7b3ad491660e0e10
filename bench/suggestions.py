"""How trustworthy the did-you-mean is, on the dev query sets.

    python bench/suggestions.py INDEX

- accent-free queries (title_noaccent, span_noaccent of queries.jsonl, paired with the accented query of the
  same number; phrase_noaccent, name_noaccent of precision_queries.jsonl, with their phrase): the share whose
  suggestion is the accented query (case, punctuation and tone-mark placement aside);
- accented queries that match as typed (title, span, phrase, name): the share that get a suggestion at all.
"""

from __future__ import annotations

import collections
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from ttdn_search.analysis import syllable_keys  # noqa: E402
from ttdn_search.normalize import normalize  # noqa: E402
from ttdn_search.search import Searcher  # noqa: E402

DEV = ROOT.parent / "shared" / "eval" / "dev"


def same(a: str | None, b: str) -> bool:
    return a is not None and syllable_keys(normalize(a)) == syllable_keys(normalize(b))


def main() -> None:
    s = Searcher(sys.argv[1])
    queries = [json.loads(line) for line in open(DEV / "queries.jsonl", encoding="utf-8")]
    accented = {q["qid"].split("-")[-1] + q["kind"]: q["query"] for q in queries if "noaccent" not in q["kind"]}
    free: list[tuple[str, str, str]] = []  # kind, query, expected
    typed: list[tuple[str, str]] = []
    for q in queries:
        if q["kind"].endswith("_noaccent"):
            free.append((q["kind"], q["query"], accented[q["qid"].split("-")[-1] + q["kind"][: -len("_noaccent")]]))
        else:
            typed.append((q["kind"], q["query"]))
    for q in map(json.loads, open(DEV / "precision_queries.jsonl", encoding="utf-8")):
        if q["kind"].endswith("_noaccent"):
            free.append((q["kind"], q["query"], q["phrase"]))
        else:
            typed.append((q["kind"], q["query"]))
    right = collections.Counter()
    n = collections.Counter()
    for kind, query, expected in free:
        n[kind] += 1
        right[kind] += same(s.search(query, limit=10, facets=False).suggestion, expected)
    for kind in sorted(n):
        print(f"{kind:16} suggestion = accented query: {right[kind] / n[kind]:.3f} (n={n[kind]})")
    print(f"accent-free, all: {sum(right.values()) / sum(n.values()):.3f} (n={sum(n.values())})")
    got = collections.Counter()
    m = collections.Counter()
    for kind, query in typed:
        res = s.search(query, limit=10, facets=False)
        if res.total and res.match == "exact":
            m[kind] += 1
            got[kind] += res.suggestion is not None
    for kind in sorted(m):
        print(f"{kind:16} matched as typed, with a suggestion: {got[kind] / m[kind]:.3f} (n={m[kind]})")
    print(f"accented that match, all: {sum(got.values()) / max(1, sum(m.values())):.3f} (n={sum(m.values())})")


if __name__ == "__main__":
    main()
