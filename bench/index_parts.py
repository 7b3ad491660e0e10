"""What each part of an index costs: bytes per part, per article and against the text.

    python bench/index_parts.py IX [--corpus CORPUS.jsonl.gz] [--json OUT]

Parts: Whoosh's files by kind (stored fields, term dictionary, postings, the date column...), each
companion's blocks (engine/FORMAT.md) with the postings data split by kind of key and by encoding
(ARRAY of u16 or u32 document numbers, BITMAP), the document records (syllable codes, FORMAT.md) split
into the folded title and body views, the word view and the facet values, the code table, and the index-wide files (vocab.bin, copies.bin). The companions are read as
FORMAT.md describes them, not through the engine. With --corpus the text size (UTF-8 bytes of title and
text) gives each part's share of the "index / text" ratio.
"""

from __future__ import annotations

import argparse
import json
import mmap
import struct
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ttdn_search.engine import format as F  # noqa: E402

KEY_KINDS = {"f": "f: folded syllables", "e": "e: exact syllables", "t": "t: title syllables",
             "F": "F: facet values", "A": "A: any facet value", "M": "M: months", "p": "p: frequent pairs",
             "q": "q: frequent exact pairs", "b": "b: bigram buckets", "w": "w: words (counts only)"}


def companion_parts(path: Path, parts: Counter) -> int:
    """Adds one companion's blocks to parts; returns its documents."""
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        (magic, ndocs, nbuckets, buckets, docoffs, dates, keylist, keylist_len, codes_len, _,
         checks) = F.HEAD.unpack_from(mm, 0)
        table_end = buckets + 8 * (nbuckets + 1)
        data_start = struct.unpack_from("<Q", mm, buckets + 8 * nbuckets)[0]
        parts["companion: header + bucket table"] += table_end
        at = table_end
        while at < data_start:  # the entries
            klen, kind, df, off, length, _ = F.ENTRY.unpack_from(mm, at)
            key = mm[at + F.ENTRY.size : at + F.ENTRY.size + klen].decode("utf-8")
            at += F.ENTRY.size + klen
            name = "code only (CODE)" if kind == F.CODE else KEY_KINDS.get(key[:1], "other keys")
            parts[f"companion entries: {name}"] += F.ENTRY.size + klen
            if length:
                enc = "BITMAP" if kind == F.BITMAP else "ARRAY"
                parts[f"companion postings: {name} ({enc})"] += length
        parts["companion: postings data (check)"] += 0
        docs_start = docoffs + 8 * (ndocs + 1)
        parts["companion: doc offsets"] += docs_start - docoffs
        import array

        doc_off = array.array("Q")
        doc_off.frombytes(mm[docoffs:docs_start])
        names = ("folded title", "folded body", "word view", "facet values")
        sizes = [0, 0, 0, 0]
        for d in range(ndocs):
            pieces = mm[docs_start + doc_off[d] : docs_start + doc_off[d + 1]].split(F.VIEW_SEP)
            for i, piece in enumerate(pieces[:4]):
                sizes[i] += len(piece) + (1 if i < len(pieces) - 1 else 0)  # with its separator
        for name, size in zip(names, sizes):
            parts[f"companion records: {name}"] += size
        parts["companion: dates + tie keys + indexed at"] += 12 * ndocs
        parts["companion: copy signatures"] += F.SIG_BYTES * ndocs
        parts["companion: key list"] += keylist_len
        parts["companion: code table (syllables in code order)"] += codes_len
        parts["companion: page checksums"] += len(mm) - checks
        return ndocs


def whoosh_kind(name: str) -> str:
    if "." not in name:
        return "whoosh: " + name
    if name.endswith("._stored.col"):
        return "whoosh: stored fields"
    if name.endswith(".col"):
        return "whoosh: column " + name.rsplit(".", 2)[-2]
    ext = name.rsplit(".", 1)[-1]
    return {"trm": "whoosh: term dictionary", "pst": "whoosh: postings", "toc": "whoosh: table of contents",
            "seg": "whoosh: segment"}.get(ext, f"whoosh: .{ext}")


def text_bytes(corpus: Path) -> tuple[int, int]:
    from perf import raw_text_bytes

    return raw_text_bytes(corpus)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("index", type=Path)
    ap.add_argument("--corpus", type=Path, help="the corpus it was built from, for the text size")
    ap.add_argument("--text-bytes", type=int, help="the corpus's text size, when known (perf.py index: raw_mb)")
    ap.add_argument("--json", type=Path, metavar="OUT")
    args = ap.parse_args()
    parts: Counter = Counter()
    ndocs = segments = 0
    for p in sorted(args.index.iterdir()):
        if not p.is_file():
            continue
        size = p.stat().st_size
        if p.suffix == "." + F.EXT:
            segments += 1
            ndocs += companion_parts(p, parts)
        elif p.name in ("vocab.bin", "copies.bin", "ttdn.json"):
            parts[p.name] += size
        elif p.name.startswith("MAIN") or p.name.startswith("_MAIN"):
            parts[whoosh_kind(p.name)] += size
        else:
            parts["other: " + p.name] += size
    del parts["companion: postings data (check)"]
    total = sum(parts.values())
    on_disk = sum(p.stat().st_size for p in args.index.iterdir() if p.is_file())
    assert total == on_disk, (total, on_disk)  # every byte is in a part
    text = args.text_bytes
    if args.corpus and not text:
        _, text = text_bytes(args.corpus)
    print(f"index: {args.index}; {ndocs:,} documents in {segments} segments; {total / 1e6:,.1f} MB"
          + (f"; text {text / 1e6:,.1f} MB; index / text {total / text:.2f}x" if text else "") + "\n")
    head = "| part | MB | bytes/article | share |" + (" x text |" if text else "")
    print(head)
    print("|---|---:|---:|---:|" + ("---:|" if text else ""))
    rows = []
    for name, size in sorted(parts.items(), key=lambda kv: -kv[1]):
        row = {"part": name, "bytes": size, "per_article": size / ndocs if ndocs else 0, "share": size / total}
        if text:
            row["x_text"] = size / text
        rows.append(row)
        print(f"| {name} | {size / 1e6:,.1f} | {row['per_article']:,.0f} | {row['share']:.1%} |"
              + (f" {row['x_text']:.3f} |" if text else ""))
    if args.json:
        args.json.write_text(json.dumps({"index": str(args.index), "documents": ndocs, "segments": segments,
                                         "bytes": total, "text_bytes": text, "parts": rows}, indent=1))


if __name__ == "__main__":
    main()
