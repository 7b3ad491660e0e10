"""`Builder` writes one companion file (FORMAT.md), document by document and from the companions of the
segments a merge copies; companion.py reads it."""

from __future__ import annotations

import json
import mmap
import sys
from array import array
from collections import Counter
from pathlib import Path

import numpy as np

from ttdn_search.engine import format as F
from ttdn_search.engine.companion import Companion
from ttdn_search.engine.copies import distinct


class _KeyIds(dict):
    """key -> a number, the next one for a key not seen before."""

    def __missing__(self, key: str) -> int:
        n = self[key] = len(self)
        return n


class Builder:
    """Accumulates one new segment's companion, document by document, in Whoosh's document order.

    Postings are a flat stream of (key number, document), appended in C (array.extend of a mapped list)
    and grouped by key once, at `write`, by a sort: a document holds about 800 keys, and appending each to
    its key's own list cost the main process more than a millisecond an article. The pairs of adjacent
    syllables (`format.pair_key`, the bigram buckets) are found in the records when they are coded, at
    `write`, the same way for new documents and merged ones."""

    def __init__(self):
        self.key_ids = _KeyIds()
        self.key_of = array("I")  # key number of each (key, document) posting ...
        self.doc_of = array("I")  # ... and its document
        self.words: Counter = Counter()  # word of the word view -> documents holding it
        self.docs: list[bytes] = []
        self.dates = array("I")
        self.ties = array("I")
        self.signatures = bytearray()  # SIG_BYTES per document (engine/copies.py)
        self.added = array("I")  # when each document was indexed (a commit's stamp, see `write`); 0: this one
        self.coded = False  # set by `write`, which codes the records in place

    def __len__(self) -> int:
        return len(self.docs)

    def add(self, keys: list[str], view: bytes, date: int, words=(), tie: int = 0, signature: bytes = b"",
            added: int = 0) -> None:
        """One document: its keys (distinct, `format.doc_keys`), its record (`format.pack_views`), its date,
        the distinct words of its word view, its tie key (`format.tie_key`), its copy signature
        (`copies.signature`; none: it has no copies) and when it was indexed."""
        if len(signature) != F.SIG_BYTES:
            signature = bytes(F.SIG_BYTES)
        self.words.update(words)
        n = len(self.docs)
        one = array("I", (n,))
        self.key_of.extend(map(self.key_ids.__getitem__, keys))
        self.doc_of.extend(one * len(keys))
        self.docs.append(view)
        self.dates.append(date)
        self.ties.append(tie)
        self.signatures += signature
        self.added.append(added)

    def add_segment(self, old: "Companion", live: list[int] | None) -> None:
        """Append the documents of a merged segment: its live ones, in order, as Whoosh copies them."""
        base = len(self.docs)
        n = old.ndocs
        if live is None or len(live) == n:
            remap = None
            live = range(n)
        else:
            remap = {d: base + i for i, d in enumerate(live)}
        texts = [old.texts(d) for d in live]  # decoded: this file's codes are its own (see `write`)
        for _, _, words in texts:
            self.words.update(set(words.split()))
        for key, ids in old.iter_postings():
            if F.is_pair_key(key):  # in the old file's codes and by its counts: found anew at `write`
                continue
            if remap is None:
                new = array("I", [base + d for d in ids]) if base else array("I", ids)
            else:
                new = array("I", [remap[d] for d in ids if d in remap])
            if not new:
                continue
            self.key_of.extend(array("I", (self.key_ids[key],)) * len(new))
            self.doc_of.extend(new)
        for d, (title, body, words) in zip(live, texts):
            self.docs.append(F.plain_record(title, body, words, old.facet_keys(d)))
            self.dates.append(old.dates[d])
            self.ties.append(old.ties[d])
            self.signatures += old.raw_signature(d)
            self.added.append(old.added[d])

    def write(self, path: Path, stamp: int = 0) -> None:
        """Write the file (to a temporary name, then renamed into place); the documents this commit adds
        (indexed-at 0) get `stamp`, when given."""
        if self.coded:
            raise RuntimeError("a Builder writes its file once (its records are coded in place)")
        if stamp:
            self.added = array("I", (a or stamp for a in self.added))
        ndocs = len(self.docs)
        postings = self._postings()
        counts = {F.word_key(w): n for w, n in self.words.items()}
        records, table, syllables, pairs = self._coded()
        postings.update(pairs)
        codes = {}  # key -> the code point of the syllable it carries (format.code_key)
        for syllable, code in table.items():
            if code in (F.WORD_SEP, F.LINE):
                continue
            k = F.code_key(syllable.decode("utf-8"))
            codes[k] = ord(code.decode("utf-8"))
        spare = [k for k in codes if k not in postings]  # a syllable with no key of its own: a CODE entry
        keys = sorted([*postings, *counts, *spare])
        nb = max(1, len(keys))
        buckets: list[list[str]] = [[] for _ in range(nb)]
        for k in keys:
            buckets[F.bucket_of(k.encode("utf-8"), nb)].append(k)
        data = bytearray()
        entries = bytearray()
        bucket_offs = array("Q")
        nbytes = (ndocs + 7) >> 3
        width = np.dtype("<u2" if F.array_code(ndocs) == "H" else "<u4")
        for bucket in buckets:
            bucket_offs.append(len(entries))
            for k in bucket:
                kb = k.encode("utf-8")
                if k in counts:
                    entries += F.ENTRY.pack(len(kb), F.COUNT, counts[k], 0, 0, 0) + kb
                    continue
                ids = postings.get(k)
                if ids is None:
                    entries += F.ENTRY.pack(len(kb), F.CODE, 0, 0, 0, codes[k]) + kb
                    continue
                if len(ids) * F.DENSE > ndocs:
                    bits = np.zeros(nbytes << 3, dtype=bool)
                    bits[ids] = True
                    blob = np.packbits(bits, bitorder="little").tobytes()
                    kind = F.BITMAP
                else:
                    blob = ids.astype(width).tobytes()
                    kind = F.ARRAY
                entries += F.ENTRY.pack(len(kb), kind, len(ids), len(data), len(blob), codes.get(k, 0)) + kb
                data += blob
        bucket_offs.append(len(entries))
        if len(data) >= 1 << 32:
            raise ValueError("a companion's postings must stay under 4 GiB (ENTRY's u32 offsets)")
        # Layout: header | buckets | entries | data | docoffs | docs | dates | ties | signatures | added | keylist
        # | code table | checksums
        keylist = json.dumps({k: len(postings[k]) for k in keys if F.listed(k)}, ensure_ascii=False).encode("utf-8")
        buckets_at = F.HEAD.size
        entries_at = buckets_at + bucket_offs.itemsize * len(bucket_offs)
        data_at = entries_at + len(entries)
        docoffs_at = data_at + len(data)
        doc_offs = array("Q")
        pos = 0
        for d in records:
            doc_offs.append(pos)
            pos += len(d)
        doc_offs.append(pos)
        docs_at = docoffs_at + doc_offs.itemsize * len(doc_offs)
        dates_at = docs_at + pos
        keylist_at = dates_at + 4 * len(self.dates) + 4 * len(self.ties) + len(self.signatures) + 4 * len(self.added)
        names = b"\n".join(s for s, c in table.items() if c not in (F.WORD_SEP, F.LINE))  # in code order
        checks_at = keylist_at + len(keylist) + len(names)
        # Bucket offsets are absolute; entries hold data offsets relative to the data block, which starts
        # where the last bucket ends.
        abs_buckets = array("Q", (entries_at + o for o in bucket_offs))
        header = F.HEAD.pack(F.MAGIC, ndocs, nb, buckets_at, docoffs_at, dates_at, keylist_at, len(keylist), len(names),
                             syllables, checks_at)
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "w+b") as f:
            f.write(header)
            f.write(abs_buckets.tobytes())
            f.write(entries)
            f.write(data)
            f.write(doc_offs.tobytes())
            for d in records:
                f.write(d)
            f.write(self.dates.tobytes())
            f.write(self.ties.tobytes())
            f.write(self.signatures)
            f.write(self.added.tobytes())
            f.write(keylist)
            f.write(names)
            f.flush()
            # The checksums of what was just written, read back from the page cache (one pass).
            with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
                checks = F.page_checks(mm, checks_at)
            f.write(checks)
            f.flush()
        tmp.replace(path)

    def _postings(self) -> dict:
        """key -> its documents (ascending uint32): the stream's pairs as one uint64 (key number high,
        document low) sorted in place, so that each key's documents come out together and ascending (half
        the memory and time of an argsort: 1.5 s for 13 million postings)."""
        out = {}
        names = list(self.key_ids)
        keys, docs = self.key_of, self.doc_of
        self.key_of = self.doc_of = array("I")
        if not len(keys):
            return out
        low = 0 if sys.byteorder == "little" else 1  # where a uint64's low half is, as two uint32
        kid = np.frombuffer(keys, dtype=np.uint32)
        counts = np.bincount(kid)
        pairs = (kid.astype(np.uint64) << 32) | np.frombuffer(docs, dtype=np.uint32)
        del kid, keys, docs  # the stream's memory goes before the sort's
        pairs.sort()
        sorted_docs = pairs.view(np.uint32)[low::2]
        bounds = np.concatenate(([0], np.cumsum(counts))).tolist()
        for k in np.flatnonzero(counts).tolist():
            out[names[k]] = sorted_docs[bounds[k] : bounds[k + 1]]
        return out

    def _coded(self) -> tuple[list[bytes], dict[bytes, bytes], int, dict]:
        """Every record coded (format.encode_record) with this file's code table, the table (syllable ->
        code, in code order), how many folded syllables the titles and bodies hold (BM25's lengths), and
        the postings of the pairs of adjacent syllables (`_Pairs`). Two passes, each record split anew: the
        tokens of ten thousand records at once would be 10**7 objects."""
        counts: Counter = Counter()
        syllables = 0
        for d in self.docs:
            title, body, words, _ = F.record_syllables(d)
            counts.update(title)
            counts.update(body)
            counts.update(words)
            syllables += len(title) + len(body)
        counts.pop(F.WORD_SEP, None)
        counts.pop(F.LINE, None)
        table = F.code_table(counts)
        pairs = _Pairs(table, len(self.docs))
        docs = self.docs
        for i, d in enumerate(docs):  # in place: a segment's plain and coded records are never all held at once
            docs[i] = F.encode_record(*F.record_syllables(d), table)
            pairs.add(docs[i])
        self.coded = True
        return docs, table, syllables, pairs.postings()


class _Pairs:
    """The pairs of adjacent syllables of a file's records. Of the folded views: a pair PAIR_DF or more
    documents hold gets its own key (format.pair_key), exact; the others are hashed into the bigram
    buckets (format.bigram_bucket), a superset that the views then confirm. Of the word view (its
    syllables as typed, word breaks and the title's end ignored, as Companion.words_holding reads it): a
    pair with diacritics that EXACT_PAIR_DF or more documents hold gets its own key (format.exact_pair_key);
    the others are confirmed in the views.

    A pair is its syllables' ranks in the code table, so a pair's documents are found with numpy, CHUNK
    documents at a time, as one sorted uint64 each (pair high, document low): about 1 s of a 9,000-article
    segment's 6 s write for the folded pairs (bench/builder_bench.py), where the workers' hashed sets of
    each article's pairs had cost the main process 0.7 s of `add` to stream. A merge finds the pairs the
    same way (no file's pairs are carried over: a pair rare in each of two files can be frequent in their
    merge)."""

    CHUNK = 2048

    def __init__(self, table: dict[bytes, bytes], ndocs: int):
        names = [s for s, c in table.items() if c not in (F.WORD_SEP, F.LINE)]  # in code order
        self.codes = [c.decode("utf-8") for s, c in table.items() if c not in (F.WORD_SEP, F.LINE)]
        self.hashes = np.array([F.syllable_hash(s.decode("utf-8")) for s in names], dtype=np.uint64)
        self.plain = np.array([s.isascii() for s in names], dtype=bool)  # no diacritics
        self.width = max(1, len(names))
        self.docbits = max(1, ndocs.bit_length())
        if 2 * (self.width - 1).bit_length() + self.docbits > 64:
            raise ValueError("a companion's pairs and documents must fit 64 bits (see _Pairs)")
        self.views = bytearray()  # the folded views of the current chunk's documents, as UTF-32 code points ...
        self.lengths = array("I")  # ... and the length of each view (a title, a body)
        self.words = bytearray()  # the same of the word views (their word breaks and the title's end too) ...
        self.word_lengths = array("I")  # ... one per document
        self.ndocs = 0
        self.first = 0  # the first document of the current chunk
        self.found: list[np.ndarray] = []  # per chunk: its distinct (folded pair, document), sorted
        self.found_exact: list[np.ndarray] = []  # the same of the word views' pairs with diacritics

    def add(self, record: bytes) -> None:
        """The next document's coded record (format.encode_record): a pair across the end of the title is
        no phrase of the folded views; the word view reads across it. Its codes are read as UTF-32 (C
        loops): a syllable's code point is its rank, nearly (`_ranks`)."""
        title, body, words, _ = record.split(F.VIEW_SEP, 3)
        for view in (title, body):
            utf32 = view.decode("utf-8").encode("utf-32-le")
            self.views += utf32
            self.lengths.append(len(utf32) >> 2)
        utf32 = words.decode("utf-8").encode("utf-32-le")
        self.words += utf32
        self.word_lengths.append(len(utf32) >> 2)
        self.ndocs += 1
        if self.ndocs - self.first >= self.CHUNK:
            self._flush()

    def _chunk_pairs(self, utf32: bytearray, lengths: array, views_per_doc: int):
        """(first rank, second rank, document) of each adjacent pair of syllables inside a view of the
        chunk; in a word view, the syllables on either side of a break are adjacent."""
        cp = np.frombuffer(utf32, dtype=np.uint32)
        view = np.repeat(np.arange(len(lengths), dtype=np.uint64), np.frombuffer(lengths, dtype=np.uint32))
        if views_per_doc == 1:
            keep = cp >= F.FIRST_CODE  # not WORD_SEP nor LINE
            cp, view = cp[keep], view[keep]
        # format.code_rank: code points past the surrogates are 0x800 further on.
        ranks = cp - np.uint32(F.FIRST_CODE) - np.where(cp >= 0xD800, np.uint32(0x800), np.uint32(0))
        inside = view[1:] == view[:-1]
        a, b = ranks[:-1][inside], ranks[1:][inside]
        doc = view[:-1][inside] // np.uint64(views_per_doc) + np.uint64(self.first)
        return a, b, doc

    def _flush(self) -> None:
        width, bits = np.uint64(self.width), np.uint64(self.docbits)
        if len(self.lengths):
            a, b, doc = self._chunk_pairs(self.views, self.lengths, 2)
            self.found.append(distinct((a.astype(np.uint64) * width + b) << bits | doc))
        if len(self.word_lengths):
            a, b, doc = self._chunk_pairs(self.words, self.word_lengths, 1)
            accented = ~(self.plain[a] & self.plain[b])
            a, b, doc = a[accented], b[accented], doc[accented]
            self.found_exact.append(distinct((a.astype(np.uint64) * width + b) << bits | doc))
        self.views, self.lengths, self.words, self.word_lengths = bytearray(), array("I"), bytearray(), array("I")
        self.first = self.ndocs

    def _grouped(self, found: list[np.ndarray]):
        """The chunks' (pair, document) sorted together, as the distinct pairs' runs: each document's pair,
        the start and the length of each pair's run, and the documents (ascending within a run)."""
        found = np.concatenate(found) if found else np.zeros(0, dtype=np.uint64)
        found.sort(kind="stable")  # a merge of the sorted chunks (timsort finds the runs): 8x a quicksort
        pair = found >> np.uint64(self.docbits)
        docs = (found & np.uint64((1 << self.docbits) - 1)).astype(np.uint32)
        del found
        starts = np.flatnonzero(np.concatenate(([True], pair[1:] != pair[:-1]))) if len(pair) else np.zeros(0, int)
        df = np.diff(np.append(starts, len(pair))).astype(int)
        return pair, starts, df, docs

    def _keyed(self, out: dict, key, pair, starts, df, docs, frequent) -> None:
        codes, width = self.codes, self.width
        for s, n, p in zip(starts[frequent].tolist(), df[frequent].tolist(), pair[starts[frequent]].tolist()):
            out[key(codes[p // width] + codes[p % width])] = docs[s : s + n]

    def postings(self) -> dict:
        """key -> its documents (ascending uint32): the frequent pairs' keys, exact and folded, then the
        bigram buckets'."""
        self._flush()
        out: dict = {}
        pair, starts, df, docs = self._grouped(self.found_exact)
        self.found_exact = []
        self._keyed(out, F.exact_pair_key, pair, starts, df, docs, df >= F.EXACT_PAIR_DF)
        pair, starts, df, docs = self._grouped(self.found)
        self.found = []
        frequent = df >= F.PAIR_DF
        self._keyed(out, F.pair_key, pair, starts, df, docs, frequent)
        rare = ~np.repeat(frequent, df)
        pair, docs = pair[rare], docs[rare]
        if len(pair):
            w = np.uint64(self.width)
            bucket = F.bigram_bucket(self.hashes[pair // w], self.hashes[pair % w])
            keyed = distinct(bucket << np.uint64(32) | docs.astype(np.uint64))
            bucket = (keyed >> np.uint64(32)).astype(np.int64)
            docs = (keyed & np.uint64(0xFFFFFFFF)).astype(np.uint32)
            starts = np.flatnonzero(np.concatenate(([True], bucket[1:] != bucket[:-1])))
            ends = np.append(starts[1:], len(bucket))
            for s, e, b in zip(starts.tolist(), ends.tolist(), bucket[starts].tolist()):
                out[F.bigram_key(b)] = docs[s:e]
        return out
