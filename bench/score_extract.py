"""Score the taggers against hand-annotated gold: micro P/R/F1 per set field, accuracy for province and date."""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ttdn_search.extract import tag  # noqa: E402
from ttdn_search.normalize import normalize  # noqa: E402

DEFAULT_DEV = ROOT.parent / "shared" / "eval" / "dev"
SET_FIELDS = ("directives", "provinces", "years")
EXACT_FIELDS = ("province", "date")
OPTIONAL_FIELDS = ("event_date",)  # scored where the gold has it (bench/data/extract-news20k)


@dataclass
class EvalArticle:
    """The minimal article the taggers need."""

    id: str
    title: str
    text: str
    date: str | None
    meta_lines: list[str] = field(default_factory=list)


def _norm(values) -> set:
    return {normalize(v) if isinstance(v, str) else v for v in values}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("articles", nargs="?", default=str(DEFAULT_DEV / "articles.jsonl"))
    ap.add_argument("gold", nargs="?", default=str(DEFAULT_DEV / "gold.jsonl"))
    ap.add_argument("--verbose", "-v", action="store_true", help="list every error")
    args = ap.parse_args(argv)

    arts = {}
    opener = gzip.open if args.articles.endswith(".gz") else open
    with opener(args.articles, "rt", encoding="utf-8") as fh:  # the articles, or a whole corpus holding them
        for line in fh:
            if line.strip():
                r = json.loads(line)
                arts[r["id"]] = EvalArticle(r["id"], r.get("title") or "", r.get("text") or "", r.get("date"))
    counts = {f: [0, 0, 0] for f in SET_FIELDS}  # tp, fp, fn
    exact = {f: [0, 0] for f in EXACT_FIELDS + OPTIONAL_FIELDS}  # right, total
    errors = []
    for line in Path(args.gold).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        g = json.loads(line)
        a = arts.get(g["id"])
        if a is None:
            errors.append(f"{g['id']}: no article")
            continue
        out = tag(a).to_json()
        for f in SET_FIELDS:
            got, want = _norm(out[f]), _norm(g.get(f) or [])
            c = counts[f]
            c[0] += len(got & want)
            c[1] += len(got - want)
            c[2] += len(want - got)
            if got != want:
                errors.append(f"{g['id']} {f}: extra {sorted(got - want, key=str)} missing {sorted(want - got, key=str)}")
        for f in EXACT_FIELDS + tuple(f for f in OPTIONAL_FIELDS if f in g):
            got, want = out[f], g.get(f)
            want = normalize(want) if isinstance(want, str) else want
            exact[f][1] += 1
            if got == want:
                exact[f][0] += 1
            else:
                errors.append(f"{g['id']} {f}: got {got!r} want {want!r}")
    print(f"{'field':<12}{'P':>7}{'R':>7}{'F1':>7}   tp/fp/fn")
    for f, (tp, fp, fn) in counts.items():
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        print(f"{f:<12}{p:7.3f}{r:7.3f}{f1:7.3f}   {tp}/{fp}/{fn}")
    for f, (right, total) in exact.items():
        if total:
            print(f"{f:<12} accuracy {right / total:.3f}  ({right}/{total})")
    if args.verbose:
        print("\nerrors:")
        for e in errors:
            print("  " + e)
    return 0


if __name__ == "__main__":
    sys.exit(main())
