"""Derive the 100k-article benchmark corpus from news-20k, deterministically: five altered copies of each article.

Usage: python bench/make_corpus100k.py [OUT] [--source ../shared/corpus/news-20k.jsonl.gz] [--copies 5]

OUT defaults to /tmp/news-100k.jsonl.gz; it is a generated file and is never committed.

Method (the same bytes on every run, every machine):
- The output is COPIES passes over the source, in source order: pass k=0, then k=1, ... k=COPIES-1. Copies of
  one article are thus 20,000 records apart, as unrelated articles would be, so no cache of recent
  paragraphs in the indexer sees them again while it still holds them.
- Pass k=0 is the source record unchanged (same id, so relevance judgements on news-20k still apply).
- Pass k>0: id `<id>~k`; title `<title> (k)`; body altered with a random generator seeded by the string
  `<id>~k`: the paragraphs (split on newlines) between the first and the last are shuffled (lead and byline stay
  at the edges, where ingest's boilerplate removal looks for them); then the sentences of every paragraph of two
  or more sentences are shuffled (rotated by one when the shuffle leaves them in order). Most news-20k articles
  are a lead plus one long paragraph, so the sentence shuffle is what makes their bodies differ. Single-sentence
  paragraphs (captions, bylines) repeat, as they do in real news. Date, source and url are kept.
So every copy is a distinct article (id, title, content hash) with the vocabulary, length and facet
distribution of the source; on news-20k's first 500 articles, 87% of the 2,500 bodies are distinct (the others
belong to articles made only of one-sentence paragraphs). news-20k holds 20,098 records, 9 of them repeating
an earlier record's id (the indexer keeps the first), so the output holds 100,490 records and 100,445 ids;
it is 103 MB and takes about a minute to write.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("TTDN_SHARED") or ROOT.parent / "shared")
DEFAULT_SOURCE = SHARED / "corpus" / "news-20k.jsonl.gz"
DEFAULT_OUT = Path("/tmp/news-100k.jsonl.gz")

# A sentence ends at . ! ? or … followed by a space and the next sentence's capital (or quote/digit).
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[\"“'(\d\w])")


def _shuffle_sentences(paragraph: str, rng: random.Random) -> str:
    sentences = _SENTENCE_END.split(paragraph)
    if len(sentences) < 2:
        return paragraph
    order = sentences[:]
    rng.shuffle(order)
    if order == sentences:
        order = sentences[1:] + sentences[:1]
    return " ".join(order)


def alter(record: dict, k: int) -> dict:
    """Copy k of one source record (k=0: the record itself)."""
    if k == 0:
        return record
    out = dict(record)
    out["id"] = f"{record['id']}~{k}"
    if record.get("title"):
        out["title"] = f"{record['title']} ({k})"
    rng = random.Random(out["id"])
    paras = (record.get("text") or "").split("\n")
    if len(paras) > 3:
        inner = paras[1:-1]
        rng.shuffle(inner)
        paras = [paras[0], *inner, paras[-1]]
    out["text"] = "\n".join(_shuffle_sentences(p, rng) for p in paras)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", nargs="?", type=Path, default=DEFAULT_OUT, help=f"output .jsonl.gz (default {DEFAULT_OUT})")
    ap.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    ap.add_argument("--copies", type=int, default=5, help="copies of each article, the original included")
    args = ap.parse_args()

    with gzip.open(args.source, "rt", encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    tmp = args.out.with_name(args.out.name + ".tmp")
    # mtime=0: the gzip header carries no timestamp, so the output file is byte-identical on every run.
    with open(tmp, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
        for k in range(args.copies):
            for rec in records:
                gz.write((json.dumps(alter(rec, k), ensure_ascii=False) + "\n").encode("utf-8"))
    os.replace(tmp, args.out)
    print(f"{args.out}: {len(records) * args.copies} articles ({len(records)} x {args.copies})", file=sys.stderr)


if __name__ == "__main__":
    main()
