"""facets.bin: the documents of every facet value, of every facet (any value) and of every month across the
whole index, so that a search reads each such set once instead of once per segment.

A result page counts every shown value of every facet and the timeline's months: on an index of 100
segments (a million articles) that was 25,600 companion lookups and page checks, 1.5 s of a one-off
search of 2.2 s. The sets are the same ints `Segments.bitmap` joins from the companions (deleted documents
included, as there), written at the end of every index run for its generation.

It is derived data, like vocab.bin and copies.bin: a file that is missing, damaged or of another
generation or segment list is not used, and the companions answer (`Segments` falls back to them).

facets.bin (little-endian): magic `TTDNFAC1`; generation, documents, length of the table (u64 each); the
table's CRC-32 (u32); the table (UTF-8 JSON: "segments", [segment id, documents] of each segment in the
index's order; "keys", key -> [documents, chunks], each chunk [first document, end, documents, offset
in the data, length, CRC-32], covering whole segments); the data: each chunk a zlib-compressed bitmap
(the int's little-endian bytes) shifted by its first document. A run copies the chunks of the segments
it kept first (all of them when it only added segments) and reads the rest from the companions
(`write_listed`); a key of more than MAX_CHUNKS chunks has them joined.
"""

from __future__ import annotations

import json
import mmap
import struct
import zlib
from pathlib import Path

from ttdn_search.engine import format as F
from ttdn_search.engine.bitmaps import join
from ttdn_search.engine.merging import DEFAULT_BATCH

FACETS_FILE = "facets.bin"
_MAGIC = b"TTDNFAC1"
_HEAD = struct.Struct("<8sQQQI")
MAX_CHUNKS = 8


def wide_key(key: str) -> bool:
    """A key facets.bin holds: a facet value (F), a facet's any-value key (A) or a month (M)."""
    return key[0] in "FAM"


def _keys_of(parts) -> list[str]:
    """Every facet value, facet and month the companions name, sorted."""
    keys: set[str] = set()
    for comp, _ in parts:
        for key in comp.keylist:
            if F.is_facet_key(key):
                keys.add(key)
                keys.add(F.any_key(F.split_facet_key(key)[0]))
            elif F.is_month_key(key):
                keys.add(key)
    return sorted(keys)


class Listed:
    """facets.bin as written (see the module's docstring), memory-mapped; sets read once and kept."""

    def __init__(self, path: Path):
        with open(path, "rb") as f:
            self._mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        try:
            magic, self.generation, self.ndocs, tlen, tcrc = _HEAD.unpack_from(self._mm, 0)
            raw = self._mm[_HEAD.size : _HEAD.size + tlen]
            if magic != _MAGIC or len(raw) != tlen or zlib.crc32(raw) != tcrc:
                raise ValueError("not a facets.bin of this version, or damaged")
            table = json.loads(raw.decode("utf-8"))
            self.segments = [(str(sid), int(n)) for sid, n in table["segments"]]
            self.keys: dict[str, list] = table["keys"]
            for df, chunks in self.keys.values():  # the shape every read below relies on
                if not isinstance(df, int) or not all(len(c) == 6 for c in chunks):
                    raise ValueError("facets.bin: an entry of another shape")
        except BaseException:
            self.close()
            raise
        self._data = _HEAD.size + tlen
        self._sets: dict[str, int] = {}
        self._months = sorted((k[1:] for k in self.keys if F.is_month_key(k)), reverse=True)

    def close(self) -> None:
        self._mm.close()

    def holds(self, generation: int, segments: list[tuple[str, int]]) -> bool:
        """Whether this file was written for this generation of the index, with these segments."""
        return self.generation == generation and self.segments == segments

    def df(self, key: str) -> int:
        entry = self.keys.get(key)
        return entry[0] if entry else 0

    def bitmap(self, key: str) -> int:
        bm = self._sets.get(key)
        if bm is None:
            entry = self.keys.get(key)
            bm = self._sets[key] = join([(start, self._chunk(off, n, crc))
                                         for start, _, _, off, n, crc in entry[1]]) if entry else 0
        return bm

    def raw_chunks(self, key: str) -> list[tuple[int, int, int, bytes]]:
        """A key's chunks as (first document, end, documents, compressed bytes), checked, for the next
        write to copy."""
        out = []
        for start, end, docs, off, n, crc in self.keys[key][1]:
            data = self._mm[self._data + off : self._data + off + n]
            if len(data) != n or zlib.crc32(data) != crc:
                raise ValueError(f"facets.bin: chunk of {key!r} damaged")
            out.append((start, end, docs, data))
        return out

    def _chunk(self, off: int, n: int, crc: int) -> int:
        data = self._mm[self._data + off : self._data + off + n]
        if len(data) != n or zlib.crc32(data) != crc:
            raise ValueError("facets.bin: a chunk is damaged")
        return int.from_bytes(zlib.decompress(data), "little")

    def facet_dfs(self) -> dict[str, dict[str, int]]:
        """facet name -> value -> documents (deleted ones included), as Segments counts them."""
        values: dict[str, dict[str, int]] = {}
        for key, (df, _) in self.keys.items():
            if F.is_facet_key(key):
                name, value = F.split_facet_key(key)
                values.setdefault(name, {})[value] = df
        return values

    def months(self) -> list[str]:
        """Every month (YYYY-MM) with a document, newest first."""
        return self._months


def read_listed(index_dir: Path, generation: int, segments: list[tuple[str, int]]) -> Listed | None:
    """facets.bin when it was written for this generation and these segments, else None."""
    listed = _any_listed(index_dir)
    if listed is not None and not listed.holds(generation, segments):
        listed.close()
        return None
    return listed


def _any_listed(index_dir: Path) -> Listed | None:
    """facets.bin as written, of whatever generation; None when missing or damaged."""
    try:
        return Listed(Path(index_dir) / FACETS_FILE)
    except (OSError, ValueError, KeyError, TypeError, struct.error):
        return None


def _compressed(bm: int) -> bytes:
    return zlib.compress(bm.to_bytes((bm.bit_length() + 7) >> 3, "little"), 1)


def _joined(chunks: list[tuple[int, int, int, bytes]]) -> tuple[int, int, int, bytes]:
    """Chunks as one (their sets joined, compressed again)."""
    bm = join([(start, int.from_bytes(zlib.decompress(data), "little")) for start, _, _, data in chunks])
    return chunks[0][0], chunks[-1][1], sum(c[2] for c in chunks), _compressed(bm >> chunks[0][0])


def write_listed(index_dir: Path, generation: int, view) -> None:
    """facets.bin for this generation of the index (`view`: its Segments, read from the companions).

    Every chunk covers whole segments. The chunks of the file before that end within the segments this
    generation kept first in the same order (a run that only added segments keeps all of them; a merge
    of the small segments at the end, all those before them) are copied; the documents after them are
    read from their companions, as two chunks split where the leading full segments end (those a merge
    never takes: engine/merging.py), so that the next merge of small segments copies the first."""
    segments = [(sid, comp.ndocs) for sid, comp in view.companions()]
    starts = [offset for _, offset in view.parts] + [view.ndocs]
    stable = 0  # where the leading run of full segments ends
    for (_, n), start in zip(segments, starts):
        if n < DEFAULT_BATCH:
            break
        stable = start + n
    chunks: dict[str, list[tuple[int, int, int, bytes]]] = {}  # key -> (start, end, documents, data)
    old = _any_listed(index_dir)
    rebuild = 0  # the chunks of the file before end here; the documents after it come from the companions
    if old is not None:
        try:
            same = 0
            while same < min(len(segments), len(old.segments)) and segments[same] == old.segments[same]:
                same += 1
            rebuild = starts[same]
            while True:  # no copied chunk may end after it, nor one be cut
                lower = min((c[0] for _, cs in old.keys.values() for c in cs if c[0] < rebuild < c[1]), default=rebuild)
                if lower == rebuild:
                    break
                rebuild = lower
            for key in old.keys:
                kept = [c for c in old.raw_chunks(key) if c[1] <= rebuild]
                if kept:
                    chunks[key] = kept
        except ValueError:  # a damaged chunk: everything from the companions
            chunks, rebuild = {}, 0
        finally:
            old.close()
    tail = [(comp, offset) for comp, offset in view.parts if offset >= rebuild]
    for lo, hi in ((rebuild, max(rebuild, stable)), (max(rebuild, stable), view.ndocs)):
        parts = [(comp, offset) for comp, offset in tail if lo <= offset < hi]
        for key in _keys_of(parts):
            bm = join([(offset - lo, comp.bitmap(key)) for comp, offset in parts])
            if bm:
                chunks.setdefault(key, []).append((lo, hi, bm.bit_count(), _compressed(bm)))
    for key, cs in chunks.items():
        if len(cs) > MAX_CHUNKS:  # join those within the full segments, then, if still too many, all
            first = [c for c in cs if c[1] <= stable]
            cs = ([_joined(first)] if len(first) > 1 else first) + [c for c in cs if c[1] > stable]
            chunks[key] = [_joined(cs)] if len(cs) > MAX_CHUNKS else cs
    table: dict[str, list] = {}
    blobs: list[bytes] = []
    at = 0
    for key in sorted(chunks):
        entry = []
        for lo, hi, n, data in chunks[key]:
            entry.append([lo, hi, n, at, len(data), zlib.crc32(data)])
            blobs.append(data)
            at += len(data)
        table[key] = [sum(c[2] for c in chunks[key]), entry]
    raw = json.dumps({"segments": segments, "keys": table}, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    folder = Path(index_dir)
    tmp = folder / (FACETS_FILE + ".tmp")
    with open(tmp, "wb") as f:
        f.write(_HEAD.pack(_MAGIC, generation, view.ndocs, len(raw), zlib.crc32(raw)))
        f.write(raw)
        for data in blobs:
            f.write(data)
    tmp.replace(folder / FACETS_FILE)
