"""The index's groups of copies (engine/copies.py): found at the end of every index run (from the run
before's and what the run changed, engine/regroup.py, else from every companion's signatures), kept in
copies.bin for the generation they belong to, and read by searches.

copies.bin is derived data, like vocab.bin: a file that is missing, damaged or of another generation (a
run killed between its commit and this file) is ignored, and the searcher finds the groups from the
companions itself until the next run writes them.

copies.bin (little-endian): magic `TTDNCPY2`; generation (u64); documents, groups, members, length of the
segment list, segments (u32 each); the segment ids ("\n"-joined UTF-8); each segment's documents, deleted
ones included (u32 per segment); where each group starts in the member list (u32 per group, and one for
the end); the members, group by group, each group ascending (u32); each document's group (i32, -1:
none); the documents with copies as a bitmap (one bit per document); the live documents the groups were
found for, as a bitmap; the CRC-32 of everything before it (u32). Everything a search needs is read as
arrays, nothing is parsed document by document: 21 ms at the 1M corpus's shape, where copies.json took
714 ms (bench/groups_count.py). The segments and live documents let the next run start from these
groups (engine/regroup.py); a `TTDNCPY1` file (an earlier version, without them) is found again.
"""

from __future__ import annotations

import struct
import sys
import zlib
from array import array
from dataclasses import dataclass, field
from pathlib import Path

from ttdn_search.engine import format as F
from ttdn_search.engine.bitmaps import from_ids, members
from ttdn_search.engine.segments import Segments

COPIES_FILE = "copies.bin"
OLD_COPIES_FILE = "copies.json"  # written by earlier versions; removed when copies.bin is written
_MAGIC = b"TTDNCPY2"
_HEAD = struct.Struct("<8sQ5I")


def signatures(view: Segments):
    """(signatures (ndocs, SIG_BYTES) u8, tie keys u32, the rows that take part: live documents with a
    signature, ascending) of every document of an index; a deleted document's signature is there too (its
    segment's companion keeps it until a merge drops the document)."""
    import numpy as np

    sigs = np.zeros((view.ndocs, F.SIG_BYTES), dtype=np.uint8)
    ties = np.zeros(view.ndocs, dtype=np.uint32)  # each document's own order within a band (copies.band_pairs)
    for comp, offset in view.parts:
        if comp.ndocs:
            sigs[offset : offset + comp.ndocs] = np.frombuffer(comp.all_signatures(), dtype=np.uint8).reshape(
                comp.ndocs, F.SIG_BYTES)
            ties[offset : offset + comp.ndocs] = np.frombuffer(comp.ties, dtype=np.uint32)
    rows = np.flatnonzero(live_array(view.live, view.ndocs) & sigs.any(axis=1))
    return sigs, ties, rows


def live_array(live: int, ndocs: int):
    """A bitmap (int) as a bool array of ndocs."""
    import numpy as np

    nbytes = (ndocs + 7) >> 3
    return np.unpackbits(np.frombuffer(live.to_bytes(nbytes, "little"), dtype=np.uint8),
                         bitorder="little")[:ndocs].astype(bool)


def find_labels(view: Segments):
    """Each document's group among the live documents of an index (int64 per document, -1: none)."""
    import numpy as np

    from ttdn_search.engine import copies as C

    if not view.ndocs:
        return np.zeros(0, dtype=np.int64)
    sigs, ties, rows = signatures(view)
    return C.labels_of(sigs, rows, keys=ties)


def find_groups(view: Segments) -> list[list[int]]:
    """The groups of copies among the live documents of an index (document numbers, ascending)."""
    return [list(g) for g in Groups.from_labels(find_labels(view)).members]


def write_groups(index_dir: Path, generation: int, view: Segments, g: "Groups") -> None:
    """copies.bin for this generation (written to a temporary name, then renamed into place), with the
    segments and live documents it was found for (regroup.py starts the next run's groups from them)."""
    nbytes = (view.ndocs + 7) >> 3
    segs = "\n".join(view.segment_ids).encode("utf-8")
    sizes = array("I", [comp.ndocs for comp, _ in view.parts])
    body = b"".join([_HEAD.pack(_MAGIC, generation, view.ndocs, len(g), len(g.order), len(segs), len(sizes)), segs,
                     _le(sizes), _le(g.starts), _le(g.order), _le(g.labels), g.dup.to_bytes(nbytes, "little"),
                     view.live.to_bytes(nbytes, "little")])
    folder = Path(index_dir)
    tmp = folder / (COPIES_FILE + ".tmp")
    tmp.write_bytes(body + zlib.crc32(body).to_bytes(4, "little"))
    tmp.replace(folder / COPIES_FILE)
    (folder / OLD_COPIES_FILE).unlink(missing_ok=True)


def _le(a: array) -> bytes:
    if sys.byteorder == "little":
        return a.tobytes()
    b = array(a.typecode, a)
    b.byteswap()
    return b.tobytes()


def _from_le(typecode: str, data: bytes) -> array:
    a = array(typecode)
    a.frombytes(data)
    if sys.byteorder != "little":
        a.byteswap()
    return a


@dataclass
class Merged:
    """What the merges of one run did (whoosh_store.TtdnWriter): for each segment they wrote, the
    documents it holds in order as (merged segment id, its document numbers kept); and the signatures of
    the documents of the merged segments that were deleted, which the merge dropped."""

    into: dict[str, list[tuple[str, list[int]]]] = field(default_factory=dict)
    dropped: dict[tuple[str, int], bytes] = field(default_factory=dict)


@dataclass
class Stored:
    """What copies.bin holds: the groups of one generation, and the index they were found in."""

    generation: int
    segment_ids: list[str]
    segment_sizes: list[int]  # documents of each segment, deleted ones included
    live: int
    groups: "Groups"

    def holds(self, generation: int, view: Segments) -> bool:
        """Whether these are the groups of this generation of the index."""
        return (self.generation == generation and self.segment_ids == list(view.segment_ids)
                and self.segment_sizes == [comp.ndocs for comp, _ in view.parts] and self.live == view.live)


def read_stored(index_dir: Path) -> Stored | None:
    """copies.bin as written, of whatever generation; None when missing or damaged."""
    try:
        data = (Path(index_dir) / COPIES_FILE).read_bytes()
        magic, gen, ndocs, ngroups, nmembers, nsegbytes, nsegs = _HEAD.unpack_from(data, 0)
    except (OSError, struct.error):
        return None
    nbytes = (ndocs + 7) >> 3
    at = [_HEAD.size]
    for size in (nsegbytes, 4 * nsegs, 4 * (ngroups + 1), 4 * nmembers, 4 * ndocs, nbytes, nbytes):
        at.append(at[-1] + size)
    if (magic != _MAGIC or len(data) != at[-1] + 4
            or zlib.crc32(memoryview(data)[: at[-1]]) != int.from_bytes(data[at[-1] :], "little")):
        return None
    try:
        ids = data[at[0] : at[1]].decode("utf-8").split("\n") if nsegbytes else []
    except UnicodeDecodeError:
        return None
    sizes = _from_le("I", data[at[1] : at[2]]).tolist()
    starts, order = _from_le("I", data[at[2] : at[3]]), _from_le("I", data[at[3] : at[4]])
    labels = _from_le("i", data[at[4] : at[5]])
    # The checksum says the file is as written; these say it was written for an index of this shape.
    if len(ids) != len(sizes) or sum(sizes) != ndocs or starts[0] != 0 or starts[-1] != nmembers:
        return None
    groups = Groups.from_arrays(starts, order, labels, int.from_bytes(data[at[5] : at[6]], "little"))
    return Stored(gen, ids, sizes, int.from_bytes(data[at[6] : at[7]], "little"), groups)


def read_groups(index_dir: Path, generation: int, view: Segments) -> "Groups | None":
    """The groups copies.bin holds for this generation of the index, or None (missing, damaged, stale)."""
    stored = read_stored(index_dir)
    return stored.groups if stored is not None and stored.holds(generation, view) else None


def load_groups(index_dir: Path, generation: int, view: Segments) -> "Groups":
    """The groups of an open index: copies.bin when it is of this generation, else found from the
    companions (a run killed before writing it; the next run writes it)."""
    found = read_groups(index_dir, generation, view)
    return Groups.from_labels(find_labels(view)) if found is None else found


class _GroupOf:
    """Document -> its group, as a read-only mapping over the per-document array (-1: no group)."""

    def __init__(self, labels: array):
        self.labels = labels

    def get(self, d: int, default=None):
        g = self.labels[d] if 0 <= d < len(self.labels) else -1
        return default if g < 0 else g

    def __getitem__(self, d: int) -> int:
        g = self.get(d)
        if g is None:
            raise KeyError(d)
        return g


class _Members:
    """Group -> its documents (ascending), as a read-only sequence over the member arrays."""

    def __init__(self, starts: array, order: array):
        self.starts, self.order = starts, order

    def __len__(self) -> int:
        return len(self.starts) - 1

    def __getitem__(self, g: int) -> list[int]:
        if not 0 <= g < len(self):
            raise IndexError(g)
        return self.order[self.starts[g] : self.starts[g + 1]].tolist()

    def __iter__(self):
        return (self[g] for g in range(len(self)))


class Groups:
    """The groups of one open index: which group a document is in, and counting groups in a set."""

    def __init__(self, groups: list[list[int]], live: int, ndocs: int | None = None):
        """Groups from lists of document numbers; members no longer live are left out (and groups left
        with one). `ndocs`: the index's documents (default: up to the last live one)."""
        lb = live.to_bytes((live.bit_length() + 7) >> 3, "little")  # a bit test without shifting a big int
        kept = []
        for g in groups:
            g = [d for d in g if d >> 3 < len(lb) and lb[d >> 3] >> (d & 7) & 1]
            if len(g) > 1:
                kept.append(sorted(g))
        n = max(ndocs or 0, live.bit_length(), max((g[-1] + 1 for g in kept), default=0))
        starts, order, labels = array("I", [0]), array("I"), array("i", [-1]) * n
        for gid, g in enumerate(kept):
            order.extend(g)
            starts.append(len(order))
            for d in g:
                labels[d] = gid
        self._set(starts, order, labels, from_ids(order, n) if order else 0)

    @classmethod
    def from_labels(cls, labels) -> "Groups":
        """Groups from a label per document (numpy ints, -1: none; any numbering): numbered by their first
        member, members ascending, as the constructor numbers them; labels held by one document dropped."""
        import numpy as np

        labels = np.asarray(labels, dtype=np.int64)
        n = len(labels)
        docs = np.flatnonzero(labels >= 0)
        lab = labels[docs]
        if len(docs):
            _, lab, sizes = np.unique(lab, return_inverse=True, return_counts=True)
            keep = sizes[lab] > 1
            docs, lab = docs[keep], lab[keep]
        if not len(docs):
            return cls.from_arrays(array("I", [0]), array("I"), array("i", [-1]) * n, 0)
        # Each group's first member (docs ascending: its first occurrence), groups ranked by it.
        first = np.full(lab.max() + 1, n, dtype=np.int64)
        np.minimum.at(first, lab, docs)
        used = np.flatnonzero(first < n)
        rank = np.full(len(first), -1, dtype=np.int64)
        rank[used[np.argsort(first[used], kind="stable")]] = np.arange(len(used))
        gid = rank[lab]
        order = np.lexsort((docs, gid))
        out = np.full(n, -1, dtype=np.int32)
        out[docs] = gid
        starts = np.concatenate(([0], np.cumsum(np.bincount(gid, minlength=len(used))))).astype(np.uint32)
        bits = np.zeros(n, dtype=bool)
        bits[docs] = True
        dup = int.from_bytes(np.packbits(bits, bitorder="little").tobytes(), "little")
        return cls.from_arrays(array("I", starts.tobytes()), array("I", docs[order].astype(np.uint32).tobytes()),
                               array("i", out.tobytes()), dup)

    @classmethod
    def from_arrays(cls, starts: array, order: array, labels: array, dup: int) -> "Groups":
        self = cls.__new__(cls)
        self._set(starts, order, labels, dup)
        return self

    def _set(self, starts: array, order: array, labels: array, dup: int) -> None:
        self.starts, self.order, self.labels = starts, order, labels
        self.members = _Members(starts, order)
        self.group_of = _GroupOf(labels)
        self.dup = dup  # every document with a copy
        self._nbytes = (len(labels) + 7) >> 3

    def __len__(self) -> int:
        return len(self.starts) - 1

    # Below this many documents with copies in a set, counting its groups in Python is cheaper than numpy.
    SMALL = 256
    # Counting in Python costs about 0.2 us a document, numpy's import about 80 ms (75-95 ms, bytecode
    # cached): a process that has not imported numpy counts in Python until the documents it has counted
    # that way would have paid for the import, then imports it (a one-off search never does; a server or
    # a batch does within its first few large queries, at most twice the cost of knowing beforehand).
    NUMPY_AFTER = 400_000
    _counted_in_python = 0  # per process

    def _numpy_pays(self, n: int) -> bool:
        """True when n documents with copies are counted with numpy (see NUMPY_AFTER)."""
        if n < self.SMALL:
            return False
        if "numpy" in sys.modules or Groups._counted_in_python >= self.NUMPY_AFTER:
            return True
        Groups._counted_in_python += n
        return False

    def count(self, bm: int) -> int:
        """How many groups the documents of bm belong to (a document without copies is a group of its own)."""
        in_groups = bm & self.dup
        if not in_groups:
            return bm.bit_count()
        alone = (bm & ~self.dup).bit_count()
        if not self._numpy_pays(in_groups.bit_count()):
            return alone + len(set(map(self.labels.__getitem__, members(in_groups))))
        import numpy as np

        bits = np.unpackbits(np.frombuffer(in_groups.to_bytes(self._nbytes, "little"), dtype=np.uint8),
                             bitorder="little")[: len(self.labels)]
        labels = np.frombuffer(self.labels, dtype=np.int32)[np.flatnonzero(bits)]
        return alone + int(np.count_nonzero(np.bincount(labels, minlength=len(self))))

    def first_of_each(self, docnums: list[int]) -> list[int]:
        """Positions in docnums of the first document of each group (documents without copies all kept)."""
        seen: set[int] = set()
        keep = []
        get = self.group_of.get
        for i, d in enumerate(docnums):
            g = get(d)
            if g is not None:
                if g in seen:
                    continue
                seen.add(g)
            keep.append(i)
        return keep

    def copies_of(self, docnum: int) -> list[int]:
        """The other documents of the document's group (none when it has no copy)."""
        g = self.group_of.get(docnum)
        return [] if g is None else [d for d in self.members[g] if d != docnum]
