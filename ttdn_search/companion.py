"""The companion file of a Whoosh segment: bitmaps and arrays for matching, facets and the re-ranker.

Whoosh keeps the documents, the pyvi word view, the folded view and the tags; every segment it writes
also gets `<segment>.ttdn` beside its `.seg`, written by the same commit (see indexer.TtdnWriter):

- postings of the folded syllables of title+body (`f`), of the title alone (`t`), of every facet value
  (`F<name>\\x1f<value>`; `A<name>` for any value of it), of the month of publication (`MYYYY-MM`) and of hashed pairs of adjacent
  folded syllables (`b<bucket>`, see `bigrams`), keyed by the segment's own document numbers. A key held by more than 1/32 of the documents is stored as a bitmap, a rarer one as
  an array of document numbers;
- the document frequency of every word of the word view (`w<word>`, no postings): the query segments
  itself by the index's own vocabulary, and the did-you-mean vocabulary is read from them;
- each document's word view (pyvi's segmentation, lower case, the title on the first line), which the
  re-ranker reads for phrase, exact-diacritic and word evidence without unpickling stored fields;
- each document's date as YYYYMMDD.

Why: Whoosh's matchers walk postings one document at a time in Python; for a query of common syllables
over 100k articles that is hundreds of milliseconds. A bitmap is a Python int, so AND, OR, counting and
facet counts run in C (a few microseconds per key). The file is opened with mmap and read by hash lookup,
so opening costs nothing however large the index is. Whoosh deletes the file with its segment (the name
matches its segment pattern), and a search over a segment without one says to rebuild.
"""

from __future__ import annotations

import bisect
import json
import mmap
import re
import struct
import zlib
from array import array
from collections import Counter
from pathlib import Path

from ttdn_search.normalize import fold

MAGIC = b"TTDNC4\n\x00"
EXT = "ttdn"
_HEAD = struct.Struct("<8sIIQQQQQ")  # magic, ndocs, nbuckets, buckets, docoffs, dates, keylist, keylist_len
_ENTRY = struct.Struct("<HBIQI")  # key length, kind, df, data offset, data length
_BITMAP, _ARRAY, _COUNT = 1, 0, 2  # _COUNT: a document frequency alone, no postings
DENSE = 32  # a key in more than 1/DENSE of the documents is stored as a bitmap
BIGRAM_BITS = 16  # adjacent folded syllable pairs are hashed into 2**BIGRAM_BITS buckets

# Bit positions of every byte value, and the non-zero bytes of a bitmap.
_BITS = tuple(tuple(j for j in range(8) if v >> j & 1) for v in range(256))
_NONZERO = re.compile(rb"[^\x00]")


# ---------------------------------------------------------------------------------------------
# Bitmaps: a Python int, bit n set when document n is in the set.


def from_ids(ids, nbits: int) -> int:
    buf = bytearray((nbits + 7) >> 3)
    for i in ids:
        buf[i >> 3] |= 1 << (i & 7)
    return int.from_bytes(buf, "little")


def members(x: int) -> list[int]:
    """Document numbers in a bitmap, ascending."""
    if not x:
        return []
    b = x.to_bytes((x.bit_length() + 7) >> 3, "little")
    out: list[int] = []
    ext = out.extend
    for m in _NONZERO.finditer(b):
        i = m.start()
        base = i << 3
        ext([base + j for j in _BITS[b[i]]])
    return out


def full(n: int) -> int:
    return (1 << n) - 1


class _FoldTable(dict):
    """str.translate table: one lower-case character -> its folded form; '_' (pyvi's joiner) -> space."""

    def __missing__(self, code):
        ch = chr(code)
        f = fold(ch)
        value = f if len(f) == 1 else ch
        self[code] = value
        return value


FOLD_TABLE = _FoldTable({ord("_"): " "})


def fold_keys(keys: list[str]) -> str:
    """Folded syllable keys, space-separated: the one folding both the index and queries use."""
    return " ".join(keys).translate(FOLD_TABLE)


class _SyllableHash(dict):
    """crc32 of a folded syllable, remembered: a process meets the same few ten thousand syllables."""

    def __missing__(self, syllable: str) -> int:
        h = self[syllable] = zlib.crc32(syllable.encode("utf-8"))
        return h


_HASH = _SyllableHash()
_BUCKETS = (1 << BIGRAM_BITS) - 1


def bigrams(folded: list[str]) -> set[int]:
    """The buckets of every pair of adjacent folded syllables.

    A phrase can only be in a document holding all its pairs, so ANDing the pairs' buckets finds the few
    documents worth testing for it (a bucket shared by other pairs only adds candidates, never loses
    one). Hashing keeps the keys to 65,536 per segment, whatever the vocabulary; the hash is crc32, the
    same in every process and on every machine."""
    if len(folded) < 2:
        return set()
    h = _HASH
    hs = [h[k] for k in folded]
    return {((a * 0x9E3779B1) >> 16 ^ b) & _BUCKETS for a, b in zip(hs, hs[1:])}


def bigram_key(bucket: int) -> str:
    return f"b{bucket:04x}"


def doc_keys(title_folded: str, body_folded: str, date: str, facets: dict[str, list[str]]) -> tuple[list[str], set[int], bytes]:
    """Every companion key of one document, its bigram buckets and its body's syllable counts (see
    `term_counts`), computed in the indexing workers."""
    title_tokens = title_folded.split()
    body_tokens = body_folded.split()
    title = set(title_tokens)
    keys = ["f" + k for k in title.union(body_tokens)]
    keys.extend("t" + k for k in title)
    for name, values in facets.items():
        keys.extend(f"F{name}\x1f{v}" for v in values)
        if values:
            keys.append("A" + name)  # the documents with any value of the facet
    if len(date) >= 7:
        keys.append("M" + date[:7])
    # Title and body apart: a pair across the end of the title is no phrase of the article.
    return keys, bigrams(title_tokens) | bigrams(body_tokens), term_counts(body_tokens)


def term_counts(tokens: list[str]) -> bytes:
    """How often each folded syllable occurs in the body: the crc32 of each distinct syllable, ascending
    (uint32), then each one's count (a byte, at most 255). The ranker's BM25 looks a query syllable up
    by bisection instead of counting it in the body text, which is most of the cost of scoring."""
    h = _HASH
    counts = sorted((h[k], n) for k, n in Counter(tokens).items())
    return array("I", [k for k, _ in counts]).tobytes() + bytes(min(n, 255) for _, n in counts)


def syllable_hash(syllable: str) -> int:
    return _HASH[syllable]


def pack_views(title_folded: str, body_folded: str, words: str, facets: dict[str, list[str]],
               counts: bytes = b"") -> bytes:
    """What the re-ranker and the facet counter read of a document: the body's syllable counts (see
    `term_counts`) after their length (uint32), then, NUL-separated, the folded syllables of the title
    and of the body, each padded with spaces so " a b " finds a phrase at either end; the exact word view
    (pyvi's words joined by "_", title line first); its facet values ("name\x1fvalue", separated by
    \x1e)."""
    facet_keys = "\x1e".join(f"{name}\x1f{v}" for name, values in facets.items() for v in values)
    return struct.pack("<I", len(counts)) + counts + b"\x00".join(
        (f" {title_folded} ".encode("utf-8"), f" {body_folded} ".encode("utf-8"), f" {words} ".encode("utf-8"),
         facet_keys.encode("utf-8"))
    )


def date_int(date: str) -> int:
    try:
        return int(date[:10].replace("-", "")) if date else 0
    except ValueError:
        return 0


# ---------------------------------------------------------------------------------------------
# Writing


class Builder:
    """Accumulates one new segment's companion, document by document, in Whoosh's document order."""

    def __init__(self):
        self.postings: dict[str, array] = {}
        self.pairs: list[array | None] = [None] * (1 << BIGRAM_BITS)  # bigram bucket -> documents
        self.words: Counter = Counter()  # word of the word view -> documents holding it
        self.docs: list[bytes] = []
        self.dates = array("I")

    def __len__(self) -> int:
        return len(self.docs)

    def add(self, keys: list[str], view: bytes, date: int, pairs=(), words=()) -> None:
        """One document: its keys, its views (see `pack_views`), its date, its bigram buckets and the
        distinct words of its word view."""
        self.words.update(words)
        n = len(self.docs)
        postings = self.postings
        for k in keys:
            a = postings.get(k)
            if a is None:
                postings[k] = array("I", (n,))
            else:
                a.append(n)
        buckets = self.pairs
        for b in pairs:
            a = buckets[b]
            if a is None:
                buckets[b] = array("I", (n,))
            else:
                a.append(n)
        self.docs.append(view)
        self.dates.append(date)

    def add_segment(self, old: "Companion", live: list[int] | None) -> None:
        """Append the documents of a merged segment: its live ones, in order, as Whoosh copies them."""
        base = len(self.docs)
        n = old.ndocs
        if live is None or len(live) == n:
            remap = None
            live = range(n)
        else:
            remap = {d: base + i for i, d in enumerate(live)}
        postings = self.postings
        for d in live:
            self.words.update(set(old.views(d)[2].decode("utf-8").split()))
        for key, ids in old.iter_postings():
            if remap is None:
                new = array("I", [base + d for d in ids]) if base else array("I", ids)
            else:
                new = array("I", [remap[d] for d in ids if d in remap])
            if not new:
                continue
            if key[0] == "b":  # a bigram bucket: kept with this run's buckets, in document order
                b = int(key[1:], 16)
                a = self.pairs[b]
                if a is None:
                    self.pairs[b] = new
                else:
                    a.extend(new)
                continue
            a = postings.get(key)
            if a is None:
                postings[key] = new
            else:
                a.extend(new)
        for d in live:
            self.docs.append(old.raw_doc(d))
            self.dates.append(old.dates[d])

    def write(self, path: Path) -> None:
        ndocs = len(self.docs)
        for b, ids in enumerate(self.pairs):
            if ids is not None:
                self.postings[bigram_key(b)] = ids
        self.pairs = [None] * (1 << BIGRAM_BITS)
        counts = {"w" + w: n for w, n in self.words.items()}
        keys = sorted([*self.postings, *counts])
        nb = max(1, len(keys))
        buckets: list[list[str]] = [[] for _ in range(nb)]
        for k in keys:
            buckets[zlib.crc32(k.encode("utf-8")) % nb].append(k)
        data = bytearray()
        entries = bytearray()
        bucket_offs = array("Q")
        nbytes = (ndocs + 7) >> 3
        for bucket in buckets:
            bucket_offs.append(len(entries))
            for k in bucket:
                kb = k.encode("utf-8")
                if k in counts:
                    entries += _ENTRY.pack(len(kb), _COUNT, counts[k], 0, 0) + kb
                    continue
                ids = self.postings[k]
                if len(ids) * DENSE > ndocs:
                    blob = from_ids(ids, ndocs).to_bytes(nbytes, "little")
                    kind = _BITMAP
                else:
                    blob = ids.tobytes()
                    kind = _ARRAY
                entries += _ENTRY.pack(len(kb), kind, len(ids), len(data), len(blob)) + kb
                data += blob
        bucket_offs.append(len(entries))
        # Layout: header | buckets | entries | data | docoffs | docs | dates | keylist
        keylist = json.dumps(
            {k: len(self.postings[k]) for k in keys if k[0] in "FM"}, ensure_ascii=False
        ).encode("utf-8")
        head = _HEAD.size
        buckets_at = head
        entries_at = buckets_at + bucket_offs.itemsize * len(bucket_offs)
        data_at = entries_at + len(entries)
        docoffs_at = data_at + len(data)
        doc_offs = array("Q")
        pos = 0
        for d in self.docs:
            doc_offs.append(pos)
            pos += len(d)
        doc_offs.append(pos)
        docs_at = docoffs_at + doc_offs.itemsize * len(doc_offs)
        dates_at = docs_at + pos
        keylist_at = dates_at + self.dates.itemsize * len(self.dates)
        # Bucket offsets are absolute; entries hold data offsets relative to the data block, which starts
        # where the last bucket ends.
        abs_buckets = array("Q", (entries_at + o for o in bucket_offs))
        header = _HEAD.pack(MAGIC, ndocs, nb, buckets_at, docoffs_at, dates_at, keylist_at, len(keylist))
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "wb") as f:
            f.write(header)
            f.write(abs_buckets.tobytes())
            f.write(entries)
            f.write(data)
            f.write(doc_offs.tobytes())
            for d in self.docs:
                f.write(d)
            f.write(self.dates.tobytes())
            f.write(keylist)
            f.flush()
        tmp.replace(path)


# ---------------------------------------------------------------------------------------------
# Reading


class Companion:
    """One segment's companion file, memory-mapped."""

    def __init__(self, path: Path):
        self.path = Path(path)
        with open(self.path, "rb") as f:
            self._mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        mm = self._mm
        magic, self.ndocs, self.nbuckets, self._buckets, self._docoffs, self._dates, kl_at, kl_len = (
            _HEAD.unpack_from(mm, 0)
        )
        if magic != MAGIC:
            raise ValueError(f"not a ttdn companion file: {self.path}")
        self._data = struct.unpack_from("<Q", mm, self._buckets + 8 * self.nbuckets)[0]
        self.nbytes = (self.ndocs + 7) >> 3
        self.everything = full(self.ndocs)
        self.dates = array("I")
        self.dates.frombytes(mm[self._dates : self._dates + 4 * self.ndocs])
        self.keylist: dict[str, int] = json.loads(mm[kl_at : kl_at + kl_len].decode("utf-8"))
        self.doc_bytes = struct.unpack_from("<Q", mm, self._docoffs + 8 * self.ndocs)[0] if self.ndocs else 0

    def close(self) -> None:
        try:
            self._mm.close()
        except (BufferError, ValueError):
            pass

    def _entry(self, key: str):
        kb = key.encode("utf-8")
        mm = self._mm
        b = zlib.crc32(kb) % self.nbuckets
        pos, end = struct.unpack_from("<QQ", mm, self._buckets + 8 * b)
        while pos < end:
            klen, kind, df, off, length = _ENTRY.unpack_from(mm, pos)
            kpos = pos + _ENTRY.size
            if mm[kpos : kpos + klen] == kb:
                return kind, df, off, length
            pos = kpos + klen
        return None

    def df(self, key: str) -> int:
        e = self._entry(key)
        return e[1] if e else 0

    def bitmap(self, key: str) -> int:
        e = self._entry(key)
        return 0 if e is None else self._bitmap(e)

    def all_of(self, keys: list[str], within: int | None = None) -> int:
        """Documents of this segment holding every key (and in `within`, when given), rarest key first."""
        entries = []
        for k in keys:
            e = self._entry(k)
            if e is None:
                return 0
            entries.append(e)
        entries.sort(key=lambda e: e[1])
        if entries and entries[0][0] == _ARRAY:
            # The rarest key is a short list: test its documents against the others one by one, and
            # make a bitmap only of what is left (no bitmap of every array).
            ids = self._ids(entries[0])
            if within is not None:
                ids = [d for d in ids if within >> d & 1]
            for e in entries[1:]:
                if not ids:
                    return 0
                if e[0] == _BITMAP:
                    bm = self._bitmap(e)
                    ids = [d for d in ids if bm >> d & 1]
                else:
                    other = set(self._ids(e))
                    ids = [d for d in ids if d in other]
            return from_ids(ids, self.ndocs)
        out = within
        for e in entries:
            out = self._bitmap(e) if out is None else out & self._bitmap(e)
            if not out:
                return 0
        return self.everything if out is None else out

    def _ids(self, entry) -> array:
        """The document numbers of an array entry."""
        kind, df, off, length = entry
        start = self._data + off
        ids = array("I")
        ids.frombytes(self._mm[start : start + length])
        return ids

    def _bitmap(self, entry) -> int:
        kind, df, off, length = entry
        start = self._data + off
        raw = self._mm[start : start + length]
        if kind == _BITMAP:
            return int.from_bytes(raw, "little")
        ids = array("I")
        ids.frombytes(raw)
        return from_ids(ids, self.ndocs)

    def _iter_entries(self):
        mm = self._mm
        pos = struct.unpack_from("<Q", mm, self._buckets)[0]
        end = self._data
        while pos < end:
            klen, kind, df, off, length = _ENTRY.unpack_from(mm, pos)
            kpos = pos + _ENTRY.size
            yield mm[kpos : kpos + klen].decode("utf-8"), (kind, df, off, length)
            pos = kpos + klen

    def iter_postings(self):
        """(key, document numbers) of every key with postings, for merging."""
        for key, (kind, df, off, length) in self._iter_entries():
            if kind == _COUNT:
                continue
            start = self._data + off
            raw = self._mm[start : start + length]
            if kind == _BITMAP:
                ids = members(int.from_bytes(raw, "little"))
            else:
                ids = array("I")
                ids.frombytes(raw)
            yield key, ids

    def iter_words(self):
        """(word, document frequency) of every word of this segment's word views."""
        for key, (kind, df, _, _) in self._iter_entries():
            if kind == _COUNT:
                yield key[1:], df

    def raw_doc(self, docnum: int) -> bytes:
        s, e = struct.unpack_from("<QQ", self._mm, self._docoffs + 8 * docnum)
        base = self._docoffs + 8 * (self.ndocs + 1)
        return self._mm[base + s : base + e]

    def _record(self, docnum: int) -> tuple[int, int, int]:
        """Where a document's record starts, where its text views start, and where it ends."""
        s, e = struct.unpack_from("<QQ", self._mm, self._docoffs + 8 * docnum)
        base = self._docoffs + 8 * (self.ndocs + 1)
        counts = struct.unpack_from("<I", self._mm, base + s)[0]
        return base + s, base + s + 4 + counts, base + e

    def term_counts(self, docnum: int) -> tuple[array, bytes]:
        """(syllable hashes ascending, their counts) of the document's body (see `term_counts`)."""
        s, start, _ = self._record(docnum)
        n = (start - s - 4) // 5
        hashes = array("I")
        hashes.frombytes(self._mm[s + 4 : s + 4 + 4 * n])
        return hashes, self._mm[s + 4 + 4 * n : start]

    def views(self, docnum: int) -> tuple[bytes, bytes, bytes]:
        """(folded title, folded body, exact word view) of a document, as `pack_views` stored them."""
        _, start, end = self._record(docnum)
        mm = self._mm
        find = mm.find
        i = find(b"\x00", start, end)
        j = find(b"\x00", i + 1, end)
        k = find(b"\x00", j + 1, end)
        return mm[start:i], mm[i + 1 : j], mm[j + 1 : k]

    def contains_folded(self, docnum: int, pattern: bytes) -> bool:
        """True when the document's folded title or body holds the pattern (searched in place, no copy)."""
        _, start, end = self._record(docnum)
        find = self._mm.find
        end = find(b"\x00", find(b"\x00", start, end) + 1, end)  # after the body
        return find(pattern, start, end) >= 0

    def facet_keys(self, docnum: int) -> bytes:
        """The document's facet values: b"name\x1fvalue" items separated by \x1e."""
        _, start, end = self._record(docnum)
        return self._mm[self._mm.rfind(b"\x00", start, end) + 1 : end]


def companion_path(storage_folder: str | Path, segment) -> Path:
    return Path(storage_folder) / f"{segment.segment_id()}.{EXT}"


def count_planes(bitmaps) -> list[int]:
    """Bit-sliced counters: planes[j] holds bit j of how many of the bitmaps hold each document."""
    planes: list[int] = []
    for carry in bitmaps:
        j = 0
        while carry:
            if j == len(planes):
                planes.append(carry)
                break
            p = planes[j]
            planes[j] = p ^ carry
            carry = p & carry
            j += 1
    return planes


def at_least(planes: list[int], c: int, universe: int) -> int:
    """Documents whose bit-sliced counter (planes[j] holds bit j of every count) is at least c."""
    if c <= 0:
        return universe
    if c >= 1 << len(planes):
        return 0
    gt, eq = 0, universe
    for j in range(len(planes) - 1, -1, -1):
        p = planes[j]
        if c >> j & 1:
            eq &= p
        else:
            gt |= eq & p
            eq &= ~p
    return (gt | eq) & universe


def highest(x: int, k: int) -> list[int]:
    """The k highest document numbers in a bitmap (all of them when it holds fewer), ascending."""
    if k <= 0 or not x:
        return []
    lo, hi = 0, x.bit_length()
    while lo < hi:  # the largest shift that keeps at least k documents
        mid = (lo + hi + 1) >> 1
        if (x >> mid).bit_count() >= k:
            lo = mid
        else:
            hi = mid - 1
    return [d + lo for d in members(x >> lo)][-k:]


class Segments:
    """The companions of every segment of an open Whoosh reader, as one space of document numbers."""

    def __init__(self, reader, folder: str | Path):
        from ttdn_search.errors import SchemaMismatch

        self.parts: list[tuple[Companion, int]] = []
        self.segment_ids: list[str] = []  # of each part
        self._starts: list[int] = []
        live = 0
        for segreader, offset in reader.leaf_readers():
            seg = segreader.segment()
            if seg is None or not segreader.doc_count_all():  # an index with no segment yet
                continue
            path = companion_path(folder, seg)
            try:
                comp = Companion(path)
            except (OSError, ValueError) as exc:
                self.close()
                raise SchemaMismatch(
                    f"Chỉ mục '{folder}' thiếu tệp đi kèm {path.name} (tạo bởi phiên bản khác hoặc bị hỏng). "
                    "Hãy xây lại: ttdn index ... --rebuild."
                ) from exc
            self.parts.append((comp, offset))
            self.segment_ids.append(seg.segment_id())
            self._starts.append(offset)
            seglive = full(comp.ndocs)
            if segreader.has_deletions():
                for d in seg.deleted_docs():
                    seglive &= ~(1 << d)
            live |= seglive << offset
        self.ndocs = reader.doc_count_all()
        self.live = live
        self.everything = full(self.ndocs)
        total_bytes = sum(c.doc_bytes for c, _ in self.parts)
        self.avg_doc_bytes = total_bytes / self.ndocs if self.ndocs else 0.0
        self._facets: dict[tuple[str, str], int] = {}
        self._values: dict[str, dict[str, int]] | None = None

    def close(self) -> None:
        for comp, _ in self.parts:
            comp.close()

    def _locate(self, docnum: int) -> tuple[Companion, int]:
        if len(self.parts) == 1:
            return self.parts[0][0], docnum
        i = bisect.bisect_right(self._starts, docnum) - 1
        comp, offset = self.parts[i]
        return comp, docnum - offset

    def bitmap(self, key: str) -> int:
        out = 0
        for comp, offset in self.parts:
            bm = comp.bitmap(key)
            if bm:
                out |= bm << offset
        return out

    def df(self, key: str) -> int:
        return sum(comp.df(key) for comp, _ in self.parts)

    def iter_words(self):
        """(word, document frequency) of each word, segment by segment (a word recurs across segments)."""
        for comp, _ in self.parts:
            yield from comp.iter_words()

    def all_of(self, keys: list[str], within: int | None = None) -> int:
        """Documents holding every key, and in `within` when given: segment by segment, rarest key first,
        stopping as soon as nothing is left (a segment with nothing of `within` is not read at all)."""
        if not keys:
            return self.everything if within is None else within
        out = 0
        for comp, offset in self.parts:
            part = None
            if within is not None:
                part = (within >> offset) & comp.everything
                if not part:
                    continue
            local = comp.all_of(keys, part)
            if local:
                out |= local << offset
        return out

    def facet(self, name: str, value: str) -> int:
        key = (name, value)
        bm = self._facets.get(key)
        if bm is None:
            bm = self._facets[key] = self.bitmap(f"F{name}\x1f{value}" if value is not None else "A" + name)
        return bm

    def facet_any(self, name: str) -> int:
        """The documents that have any value of a facet."""
        return self.facet(name, None)

    def facet_values(self, name: str) -> list[str]:
        """Every value of a facet, sorted."""
        return sorted(self._facet_dfs().get(name, {}))

    def facet_values_by_df(self, name: str) -> list[tuple[str, int]]:
        """(value, number of documents) of a facet, most frequent first (deleted documents included)."""
        return sorted(self._facet_dfs().get(name, {}).items(), key=lambda kv: (-kv[1], kv[0]))

    def _facet_dfs(self) -> dict[str, dict[str, int]]:
        if self._values is None:
            values: dict[str, dict[str, int]] = {}
            for comp, _ in self.parts:
                for key, df in comp.keylist.items():
                    if key[0] == "F":
                        fname, _, value = key[1:].partition("\x1f")
                        d = values.setdefault(fname, {})
                        d[value] = d.get(value, 0) + df
            self._values = values
        return self._values

    def _months(self) -> list[str]:
        return sorted({k[1:] for comp, _ in self.parts for k in comp.keylist if k[0] == "M"}, reverse=True)

    def date(self, docnum: int) -> int:
        comp, local = self._locate(docnum)
        return comp.dates[local]

    def date_range(self, lo: int, hi: int) -> int:
        """Documents dated from lo to hi (YYYYMMDD, inclusive)."""
        out = 0
        for month in self._months():
            ym = int(month.replace("-", ""))
            if ym * 100 + 31 < lo or ym * 100 + 1 > hi:
                continue
            bm = self.bitmap("M" + month)
            if lo <= ym * 100 + 1 and ym * 100 + 31 <= hi:
                out |= bm
            else:
                for d in members(bm):
                    if lo <= self.date(d) <= hi:
                        out |= 1 << d
        return out

    def newest(self, bm: int, want: int) -> list[int]:
        """The `want` newest documents of bm (undated ones last, in index order)."""
        out: list[int] = []
        dated = 0
        for month in self._months():
            if len(out) >= want:
                break
            sub = self.bitmap("M" + month)
            dated |= sub
            sub &= bm
            if sub:
                out.extend(sorted(members(sub), key=lambda d: (-self.date(d), d)))
        if len(out) < want:
            rest = bm
            for month in self._months():
                rest &= ~self.bitmap("M" + month)
            out.extend(members(rest)[: want - len(out)])
        return out[:want]

    def views(self, docnum: int) -> tuple[bytes, bytes, bytes]:
        comp, local = self._locate(docnum)
        return comp.views(local)

    def term_counts(self, docnum: int) -> tuple[array, bytes]:
        comp, local = self._locate(docnum)
        return comp.term_counts(local)

    def facet_keys(self, docnum: int) -> bytes:
        comp, local = self._locate(docnum)
        return comp.facet_keys(local)

    def contains_folded(self, docnum: int, pattern: bytes) -> bool:
        comp, local = self._locate(docnum)
        return comp.contains_folded(local, pattern)

    def phrase_candidates(self, folded: list[str], within: int) -> int:
        """Documents of `within` holding every adjacent pair of the syllables (hashed, so a superset of
        those holding them as a phrase): what `verified` then tests."""
        return self.all_of([bigram_key(b) for b in bigrams(folded)], within)

    def verified(self, maybe: int, pattern: bytes) -> list[int]:
        """The documents of `maybe` whose folded title or body holds the pattern, ascending."""
        contains = self.contains_folded
        return [d for d in members(maybe) if contains(d, pattern)]


def phrase_pattern(folded: list[str]) -> bytes:
    """What a phrase of folded syllables looks like in a stored folded view (padded with spaces)."""
    return f" {' '.join(folded)} ".encode("utf-8")
