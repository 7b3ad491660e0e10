"""Precision of the kind tagger on news-20k against kinds judged by hand (bench/data/kinds-news20k).

Tags every news-20k article, and for each kind it assigns looks up the hand judgement of (article, kind):
prints the precision over the judged assignments and lists the assignments nobody has judged yet (a changed
tagger makes new ones; judge them before quoting a figure).

    python bench/kind_precision.py [--corpus ../shared/corpus/news-20k.jsonl.gz] [--unjudged OUT.jsonl]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ttdn_search.extract import _after_title, tag  # noqa: E402
from ttdn_search.ingest import article_from_record  # noqa: E402

JUDGED = ROOT / "bench" / "data" / "kinds-news20k" / "judged.jsonl"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus" / "news-20k.jsonl.gz"))
    ap.add_argument("--unjudged", help="write the articles with unjudged assignments here (for reading)")
    args = ap.parse_args(argv)
    judged = {}
    for line in JUDGED.read_text(encoding="utf-8").splitlines():
        j = json.loads(line)
        judged[(j["id"], j["kind"])] = j["correct"]
    right = wrong = 0
    by_kind: Counter = Counter()
    unjudged = []
    with gzip.open(args.corpus, "rt", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            try:
                art = article_from_record(rec, rec["id"])
            except ValueError:
                continue
            kinds = tag(art).kind
            new = []
            for k in kinds:
                verdict = judged.get((art.id, k))
                if verdict is None:
                    new.append(k)
                else:
                    right, wrong = right + verdict, wrong + (not verdict)
                    by_kind[(k, verdict)] += 1
            if new:
                lead = re.split(r"(?<=[.!?])\s", _after_title(art.title, art.text).strip(), maxsplit=1)[0]
                unjudged.append({"id": art.id, "title": art.title, "lead": lead[:600], "kinds": new})
    total = right + wrong
    print(f"assigned and judged: {total}  correct: {right}  precision: {right / total if total else 0:.3f}")
    for k in sorted({k for k, _ in by_kind}):
        print(f"  {k:<24} {by_kind[(k, True)]:>4} / {by_kind[(k, True)] + by_kind[(k, False)]}")
    print(f"articles with assignments not judged yet: {len(unjudged)}")
    if args.unjudged:
        Path(args.unjudged).write_text("".join(json.dumps(u, ensure_ascii=False) + "\n" for u in unjudged), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
