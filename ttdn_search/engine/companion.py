"""One companion file: `Companion` reads it (memory-mapped, by hash lookup); builder.py writes it.

A companion holds what matching, facets and ranking need of one Whoosh segment's documents: postings of
folded syllables, title syllables, facet values, months and hashed syllable pairs; the document frequency
of every pyvi word; and per document its record (folded and word views, facet values)
and date. The layout, byte by byte, is FORMAT.md; every key and record part is built in format.py.

Why: Whoosh's matchers walk postings one document at a time in Python; for a query of common syllables
over 100k articles that is hundreds of milliseconds. A bitmap is a Python int, so AND, OR, counting and
facet counts run in C (a few microseconds per key). The file is opened with mmap and read by hash lookup,
so opening costs nothing however large the index is.
"""

from __future__ import annotations

import json
import mmap
import struct
import zlib
from array import array
from pathlib import Path

from ttdn_search.engine import format as F
from ttdn_search.engine.bitmaps import from_ids, full, members
from ttdn_search.errors import CompanionMissing, SchemaMismatch

ENTRY_CACHE = 4096  # key entries each open file remembers (Companion._entry)


def _rebuild_hint(path: Path, what: str) -> str:
    folder = path.parent
    return (f"Chỉ mục '{folder}': tệp đi kèm {path.name} {what}. "
            f"Hãy lập lại chỉ mục: ttdn index ĐƯỜNG_DẪN --rebuild --index {folder}")


class Companion:
    """One segment's companion file, memory-mapped.

    Every read goes through `_check`: the first read from a page of the file compares the page's crc32
    with the checksum block (format.page_checks), so damage anywhere is reported, with the advice to
    rebuild, before an answer is built on it. A page is checked once per open file."""

    def __init__(self, path: Path):
        self.path = Path(path)
        try:
            with open(self.path, "rb") as f:
                self._mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        except PermissionError as exc:  # rebuilding would not help: the file is there
            folder = self.path.parent
            raise CompanionMissing(
                f"Chỉ mục '{folder}': không có quyền đọc tệp đi kèm {self.path.name}. Hãy cấp quyền đọc cho "
                f"người dùng này (chẳng hạn: chmod -R u+rX {folder}), không cần lập lại chỉ mục.") from exc
        except (OSError, ValueError) as exc:  # ValueError: an empty file cannot be mapped
            raise CompanionMissing(_rebuild_hint(self.path, "bị thiếu hoặc không đọc được")) from exc
        mm = self._mm
        try:
            (magic, self.ndocs, self.nbuckets, self._buckets, self._docoffs, self._dates, kl_at, kl_len,
             self._names_len, self.syllables, self._checks_at) = F.HEAD.unpack_from(mm, 0)
        except struct.error as exc:
            self.close()
            raise CompanionMissing(_rebuild_hint(self.path, "bị cắt cụt")) from exc
        if magic != F.MAGIC:
            self.close()
            version = F.magic_version(magic)
            if version is None:
                raise CompanionMissing(_rebuild_hint(self.path, "không phải tệp đi kèm của ttdn-search"))
            raise SchemaMismatch(_rebuild_hint(
                self.path, f"có định dạng {version}, bản ttdn-search này đọc định dạng {F.FORMAT_VERSION}"))
        npages = (self._checks_at + F.PAGE - 1) >> F.PAGE_BITS
        if not 0 < self._checks_at <= len(mm) or self._checks_at + 4 * npages != len(mm):
            self.close()
            raise CompanionMissing(_rebuild_hint(self.path, "bị cắt cụt hoặc thừa dữ liệu"))
        self._crcs = array("I")
        self._crcs.frombytes(mm[self._checks_at :])
        self._ok = bytearray(npages)
        try:
            self._check(0, F.HEAD.size)  # before any offset of the header is trusted
            self._check(self._buckets + 8 * self.nbuckets, self._buckets + 8 * self.nbuckets + 8)
            self._data = struct.unpack_from("<Q", mm, self._buckets + 8 * self.nbuckets)[0]
            n = self.ndocs
            self._sigs_at = self._dates + 8 * n  # after the dates and the tie keys
            added_at = self._sigs_at + F.SIG_BYTES * n
            if added_at + 4 * n != kl_at:
                raise ValueError("the per-document blocks do not end where the key list starts")
            self._check(self._dates, self._sigs_at)
            self.dates = array("I")
            self.dates.frombytes(mm[self._dates : self._dates + 4 * n])
            self.ties = array("I")  # right after the dates (format.tie_key)
            self.ties.frombytes(mm[self._dates + 4 * n : self._sigs_at])
            self._check(added_at, added_at + 4 * n)
            self.added = array("I")  # when each document was indexed
            self.added.frombytes(mm[added_at : added_at + 4 * n])
            # The key list (facet values and months, with their counts) is parsed when first asked: a
            # search with facets.bin (engine/listed.py) never asks it (0.6 ms a segment).
            self._kl, self._keylist = (kl_at, kl_len), None
            self._names_at = kl_at + kl_len
            if self._names_at + self._names_len != self._checks_at:
                raise ValueError("the code table does not end where the checksums start")
            self._check(self._docoffs + 8 * self.ndocs, self._docoffs + 8 * self.ndocs + 8)
            if len(self.dates) != n or len(self.ties) != n or len(self.added) != n:
                raise ValueError("short dates block")
        except (struct.error, ValueError) as exc:  # ValueError: UnicodeDecodeError and JSONDecodeError too
            self.close()
            raise CompanionMissing(_rebuild_hint(self.path, "bị cắt cụt hoặc hỏng")) from exc
        except CompanionMissing:
            self.close()
            raise
        self.nbytes = (self.ndocs + 7) >> 3
        self._code = F.array_code(self.ndocs)  # of the ARRAY postings
        self.everything = full(self.ndocs)
        self._months: dict[str, int] | None = None
        self._offs: array | None = None
        self._entries: dict[str, tuple | None] = {}  # key -> its entry (_entry), at most ENTRY_CACHE
        self._codes: dict[str, bytes | None] = {}  # syllable -> its code in this file (None: in no view)
        self._table: list[str] | None = None  # the code table (syllables by rank)
        self._names: tuple[dict[int, str], dict[int, str]] | None = None  # format.decoders
        self._folds: dict[str, str] = {}  # code -> its syllable folded (the suggester's spellings) ...
        self._by_fold: dict[str, set[str]] = {}  # ... and back

    @property
    def keylist(self) -> dict[str, int]:
        """Each facet value's and month's key in this file -> its documents (format.listed)."""
        if self._keylist is None:
            at, n = self._kl
            self._check(at, at + n)
            try:
                keylist = json.loads(self._mm[at : at + n].decode("utf-8"))
                if not isinstance(keylist, dict):
                    raise ValueError("not a key list")
            except ValueError as exc:  # UnicodeDecodeError and JSONDecodeError too
                raise CompanionMissing(_rebuild_hint(self.path, "bị hỏng")) from exc
            self._keylist = keylist
        return self._keylist

    def verify(self) -> None:
        """Check every page of the file (raises CompanionMissing on the first damaged one)."""
        self._check(0, self._checks_at)

    def _check(self, start: int, end: int) -> None:
        """Verify, once each, the pages holding bytes [start, end) before they are read."""
        if end <= start:
            return
        if start < 0 or end > self._checks_at:
            raise CompanionMissing(_rebuild_hint(self.path, f"bị hỏng (vị trí {start}-{end} nằm ngoài tệp)"))
        ok = self._ok
        first, last = start >> F.PAGE_BITS, ((end - 1) >> F.PAGE_BITS) + 1
        if ok.find(0, first, last) < 0:  # every page checked already (the common case): one C scan
            return
        for page in range(first, last):
            if not ok[page]:
                lo = page << F.PAGE_BITS
                if zlib.crc32(self._mm[lo : min(lo + F.PAGE, self._checks_at)]) != self._crcs[page]:
                    raise CompanionMissing(_rebuild_hint(
                        self.path, f"bị hỏng (sai mã kiểm tra ở các byte {lo}-{min(lo + F.PAGE, self._checks_at)})"))
                ok[page] = 1

    def close(self) -> None:
        try:
            self._mm.close()
        except (BufferError, ValueError):
            pass

    def _entry(self, key: str):
        """(kind, df, offset, length, code) of a key, None when absent; remembered (ENTRY_CACHE per file: one
        query looks a key up at every level it tries, and the suggester the same keys again)."""
        cache = self._entries
        if key in cache:
            return cache[key]
        if len(cache) >= ENTRY_CACHE:
            cache.clear()
        kb = key.encode("utf-8")
        mm = self._mm
        at = self._buckets + 8 * F.bucket_of(kb, self.nbuckets)
        self._check(at, at + 16)
        pos, end = struct.unpack_from("<QQ", mm, at)
        self._check(pos, end)
        e = None
        while pos < end and e is None:
            klen, kind, df, off, length, code = F.ENTRY.unpack_from(mm, pos)
            kpos = pos + F.ENTRY.size
            if mm[kpos : kpos + klen] == kb:
                e = kind, df, off, length, code
            pos = kpos + klen
        cache[key] = e
        return e

    def code(self, syllable: str) -> bytes | None:
        """The syllable's code in this file's views (format.code_char, UTF-8), None when no view holds it."""
        codes = self._codes
        if syllable in codes:
            return codes[syllable]
        e = self._entry(F.code_key(syllable))
        c = codes[syllable] = chr(e[4]).encode("utf-8") if e is not None and e[4] else None
        return c

    def pattern(self, syllables: list[str]) -> bytes | None:
        """A run of syllables as this file's views write it (their codes, one after the other), None when
        one of them is in no view of this file (then no document of it holds the run)."""
        out = []
        for s in syllables:
            c = self.code(s)
            if c is None:
                return None
            out.append(c)
        return b"".join(out)

    def _syllables(self) -> list[str]:
        """The code table: syllables by rank (read once per open file, by merges and the suggester)."""
        if self._table is None:
            self._check(self._names_at, self._checks_at)
            raw = self._mm[self._names_at : self._checks_at].decode("utf-8")
            self._table = raw.split("\n") if raw else []
        return self._table

    def _decoders(self) -> tuple[dict[int, str], dict[int, str]]:
        """format.decoders of the code table (built once per open file)."""
        if self._names is None:
            self._names = F.decoders(self._syllables())
        return self._names

    def spellings(self, docnums: list[int], folded: list[str]) -> dict[str, int]:
        """How the word views of `docnums` write a run of folded syllables (engine/spellings.py)."""
        from ttdn_search.engine.spellings import spellings

        return spellings(self, docnums, folded)

    def texts(self, docnum: int) -> tuple[str, str, str]:
        """(folded title, folded body, word view) of a document as text: syllables space-separated, the word
        view as pyvi's words (format.decode_words)."""
        title, body, words = self.views(docnum)
        spaced, joined = self._decoders()
        return F.decode_view(title, spaced), F.decode_view(body, spaced), F.decode_words(words, joined)

    def month_bitmaps(self) -> dict[str, int]:
        """YYYY-MM -> this segment's documents dated in that month, read once per open file (a timeline
        ANDs every month with the matches: 300 lookups per query otherwise)."""
        if self._months is None:
            self._months = {k[1:]: self.bitmap(k) for k in self.keylist if F.is_month_key(k)}
        return self._months

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
        if entries and entries[0][0] == F.ARRAY:
            # The rarest key is a short list: test its documents against the others one by one, and
            # make a bitmap only of what is left (no bitmap of every array).
            ids = self._ids(entries[0])
            if within is not None:
                ids = [d for d in ids if within >> d & 1]
            for e in entries[1:]:
                if not ids:
                    return 0
                if e[0] == F.BITMAP:
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
        kind, df, off, length, _ = entry
        start = self._data + off
        self._check(start, start + length)
        ids = array(self._code)
        ids.frombytes(self._mm[start : start + length])
        return ids

    def _bitmap(self, entry) -> int:
        kind, df, off, length, _ = entry
        start = self._data + off
        self._check(start, start + length)
        raw = self._mm[start : start + length]
        if kind == F.BITMAP:
            return int.from_bytes(raw, "little")
        ids = array(self._code)
        ids.frombytes(raw)
        return from_ids(ids, self.ndocs)

    def _iter_entries(self):
        mm = self._mm
        self._check(self._buckets, self._buckets + 8)
        pos = struct.unpack_from("<Q", mm, self._buckets)[0]
        end = self._data
        self._check(pos, end)
        while pos < end:
            klen, kind, df, off, length, code = F.ENTRY.unpack_from(mm, pos)
            kpos = pos + F.ENTRY.size
            yield mm[kpos : kpos + klen].decode("utf-8"), (kind, df, off, length, code)
            pos = kpos + klen

    def iter_postings(self):
        """(key, document numbers) of every key with postings, for merging."""
        for key, (kind, df, off, length, _) in self._iter_entries():
            if kind in (F.COUNT, F.CODE):
                continue
            start = self._data + off
            self._check(start, start + length)
            raw = self._mm[start : start + length]
            if kind == F.BITMAP:
                ids = members(int.from_bytes(raw, "little"))
            else:
                ids = array(self._code)
                ids.frombytes(raw)
            yield key, ids

    def iter_words(self):
        """(word, document frequency) of every word of this segment's word views."""
        for key, (kind, df, _, _, _) in self._iter_entries():
            if kind == F.COUNT:
                yield key[1:], df

    def raw_signature(self, docnum: int) -> bytes:
        """The document's copy signature (engine/copies.py), as stored."""
        at = self._sigs_at + F.SIG_BYTES * docnum
        self._check(at, at + F.SIG_BYTES)
        return self._mm[at : at + F.SIG_BYTES]

    def all_signatures(self) -> bytes:
        """Every document's copy signature, in document order (SIG_BYTES each): what copies are found from."""
        end = self._sigs_at + F.SIG_BYTES * self.ndocs
        self._check(self._sigs_at, end)
        return self._mm[self._sigs_at : end]

    def _record(self, docnum: int) -> tuple[int, int]:
        """Where a document's record starts and where it ends."""
        at = self._docoffs + 8 * docnum
        self._check(at, at + 16)
        s, e = struct.unpack_from("<QQ", self._mm, at)
        base = self._docoffs + 8 * (self.ndocs + 1)
        self._check(base + s, base + e)
        return base + s, base + e

    def views(self, docnum: int) -> tuple[bytes, bytes, bytes]:
        """(folded title, folded body, exact word view) of a document, coded (`format.encode_record`)."""
        start, end = self._record(docnum)
        mm = self._mm
        find = mm.find
        sep = F.VIEW_SEP
        i = find(sep, start, end)
        j = find(sep, i + 1, end)
        k = find(sep, j + 1, end)
        return mm[start:i], mm[i + 1 : j], mm[j + 1 : k]

    def holding(self, docnums: list[int], pattern: bytes) -> list[int]:
        """The documents of `docnums` (ascending) whose folded title or body holds the pattern (coded:
        `pattern`), searched
        in place, no copy; one call per segment (a verification visits tens of thousands of records at a
        million articles)."""
        find = self._mm.find
        sep = F.VIEW_SEP
        return [d for d, s, e in self._located(docnums) if find(pattern, s, find(sep, find(sep, s, e) + 1, e)) >= 0]

    def words_holding(self, docnums: list[int], patterns: list[bytes]) -> list[int]:
        """The documents of `docnums` (ascending) whose word view, as syllables (format.syllable_view), holds
        every pattern (coded: `pattern`): what typed diacritics require. Searched in place, no copy: a run
        of codes as one word first (a plain find), then with word breaks between its syllables (`format.apart`)."""
        mm = self._mm
        find = mm.find
        sep = F.VIEW_SEP
        out = []
        for d, s, e in self._located(docnums):
            j = find(sep, find(sep, s, e) + 1, e) + 1
            k = find(sep, j, e)
            for p in patterns:
                if find(p, j, k) < 0:  # not as one word: with breaks between its syllables, if it has two
                    apart = F.apart(p)
                    if isinstance(apart, tuple):
                        if find(apart[0], j, k) < 0 and find(apart[1], j, k) < 0:
                            break
                    elif apart is None or apart.search(mm, j, k) is None:
                        break
            else:
                out.append(d)
        return out

    def _located(self, docnums):
        """(document, record start, record end) of each document, its record's pages checked: the record
        offsets read once per open file, and the full check only for a page not yet checked."""
        offs = self._offsets()
        base = self._docoffs + 8 * (self.ndocs + 1)
        ok, check = self._ok, self._check
        bits = F.PAGE_BITS
        for d in docnums:
            s = base + offs[d]
            e = base + offs[d + 1]
            if ok.find(0, s >> bits, ((e - 1) >> bits) + 1) >= 0:
                check(s, e)
            yield d, s, e

    def _offsets(self) -> array:
        """The doc offsets block (relative to the docs block), read and checked once per open file."""
        if self._offs is None:
            end = self._docoffs + 8 * (self.ndocs + 1)
            self._check(self._docoffs, end)
            offs = array("Q")
            offs.frombytes(self._mm[self._docoffs : end])
            self._offs = offs
        return self._offs

    def facet_keys(self, docnum: int) -> bytes:
        """The document's facet values: b"name\\x1fvalue" items separated by FACET_SEP."""
        start, end = self._record(docnum)
        return self._mm[self._mm.rfind(F.VIEW_SEP, start, end) + 1 : end]
