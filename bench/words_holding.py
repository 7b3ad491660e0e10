"""Time the typed-diacritics check (Companion.words_holding) on the calls the dev queries make, replayed:
the same documents and runs for each version, so a change to it is measured apart from the rest of a
search and from the machine's noise.

    python bench/words_holding.py INDEX [--against OTHER_CHECKOUT] [--rounds 3]

--against times another checkout's Companion.words_holding on the same calls (e.g. a `git worktree` of
the previous commit), after checking that both return the same documents.
"""
import argparse
import importlib.util
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEV = Path(os.environ.get("TTDN_SHARED") or ROOT.parent / "shared") / "eval" / "dev"
from ttdn_search.engine import companion as C  # noqa: E402
from ttdn_search.search import Searcher  # noqa: E402

ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument("index")
ap.add_argument("--against", type=Path, metavar="CHECKOUT")
ap.add_argument("--rounds", type=int, default=3)
args = ap.parse_args()

s = Searcher(args.index)
qs = [json.loads(l) for n in ("queries", "precision_queries", "hard_queries") for l in open(DEV / f"{n}.jsonl", encoding="utf-8")]
ours = C.Companion.words_holding
calls = []


def record(self, docnums, patterns):
    out = ours(self, docnums, patterns)
    calls.append((self, list(docnums), patterns, out))
    return out


C.Companion.words_holding = record
for q in qs[::3]:
    s.search(q["query"])
C.Companion.words_holding = ours
print(f"{len(calls)} calls, {sum(len(c[1]) for c in calls)} documents tested, {sum(len(c[3]) for c in calls)} held")
versions = [("this checkout", ours)]
if args.against:
    spec = importlib.util.spec_from_file_location("other_companion", args.against / "ttdn_search/engine/companion.py")
    other = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(other)
    theirs = other.Companion.words_holding
    assert all(theirs(c[0], c[1], c[2]) == c[3] for c in calls), "the two versions disagree"
    versions.append((str(args.against), theirs))
for r in range(args.rounds):
    for name, fn in versions:
        t = time.process_time()
        for c in calls:
            fn(c[0], c[1], c[2])
        print(f"round {r + 1}: {name}: {time.process_time() - t:.3f} s CPU")
