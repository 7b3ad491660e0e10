"""A million-article-shaped index without a million-article build: an index's full segments listed
COPIES times over in a new table of contents (their files hard-linked under new segment ids), with its
vocabulary, groups of copies and facet sets derived again as an index run derives them.

    python bench/replicate_index.py /tmp/ix20k /tmp/ix1m-shape --copies 50

The copies are exact, so every answer holds COPIES identical articles and every group of copies is
COPIES times larger: the dev sets' recall means nothing on it. What it measures is what grows with the
segments and documents: opening, key lookups and bitmap joins per segment, facet counting, the one-off
search and in-process latency (bench/perf.py cold, bench/latency_all.py). A real 1M build (`bench/perf.py
index --corpus /tmp/news-1m.jsonl.gz`) has as many segments of the same size, with shuffled texts.
"""

from __future__ import annotations

import argparse
import copy
import os
import secrets
import shutil
import string
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from whoosh.filedb.filestore import FileStorage  # noqa: E402
from whoosh.index import TOC  # noqa: E402

from ttdn_search.engine.derived import write_facets_after, write_groups_after, write_vocab_after  # noqa: E402
from ttdn_search.engine.merging import DEFAULT_BATCH  # noqa: E402
from ttdn_search.engine.whoosh_store import INDEX_NAME, Store, record_toc  # noqa: E402
from ttdn_search.folder import read_meta, write_meta  # noqa: E402

ALPHABET = string.ascii_lowercase + string.digits


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source")
    ap.add_argument("target")
    ap.add_argument("--copies", type=int, default=50)
    ap.add_argument("--min-docs", type=int, default=DEFAULT_BATCH,
                    help="replicate only segments of at least this many documents (default: full batches)")
    args = ap.parse_args()
    src, dst = Path(args.source), Path(args.target)
    if dst.exists():
        shutil.rmtree(dst)
    dst.mkdir(parents=True)
    toc = TOC.read(FileStorage(str(src)), INDEX_NAME)
    chosen = [seg for seg in toc.segments if seg.doc_count_all() >= args.min_docs and not seg.has_deletions()]
    if not chosen:
        sys.exit(f"no segment of {args.min_docs}+ documents without deletions in {src}")
    files = sorted(os.listdir(src))
    segments = []
    for _ in range(args.copies):
        for seg in chosen:
            new_id = "".join(secrets.choice(ALPHABET) for _ in range(16))
            prefix = f"{INDEX_NAME}_{seg.segment_id().split('_', 1)[1]}."
            for name in files:
                if name.startswith(prefix):
                    os.link(src / name, dst / f"{INDEX_NAME}_{new_id}.{name[len(prefix):]}")
            twin = copy.copy(seg)
            twin.segid = new_id
            segments.append(twin)
    generation = 1
    TOC(toc.schema, segments, generation).write(FileStorage(str(dst)), INDEX_NAME)
    meta = {k: v for k, v in read_meta(src).items() if k not in ("toc", "vocab_generation")}
    write_meta(dst, **meta)
    record_toc(dst, generation)
    t = time.perf_counter()
    store = Store.open(dst)
    reader = store.reader()
    try:
        write_vocab_after(reader, dst, set(), False)
        stamp = write_groups_after(reader, dst, generation)
        w = time.perf_counter()
        write_facets_after(reader, dst, generation)
        facets_s = time.perf_counter() - w
        ndocs = reader.doc_count()
    finally:
        reader.close()
    write_meta(dst, articles=ndocs, stamp=stamp, vocab_generation=generation)
    print(f"{dst}: {len(segments)} segments ({len(chosen)} x {args.copies}), {ndocs:,} documents; "
          f"vocabulary, groups and facets derived in {time.perf_counter() - t:.1f} s (facets.bin {facets_s:.2f} s, "
          f"{(dst / 'facets.bin').stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
