"""The index's groups of copies (engine/copies.py): found from the companions' signatures at the end of
every index run, kept in copies.json for the generation they belong to, and read by searches.

copies.json is derived data, like vocab.json: a file that is missing, damaged or of another generation (a
run killed between its commit and this file) is ignored, and the searcher finds the groups from the
companions itself until the next run writes them.
"""

from __future__ import annotations

import json
from pathlib import Path

from ttdn_search.engine import format as F
from ttdn_search.engine.bitmaps import from_ids, members
from ttdn_search.engine.segments import Segments

COPIES_FILE = "copies.json"


def find_groups(view: Segments) -> list[list[int]]:
    """The groups of copies among the live documents of an index (document numbers, ascending)."""
    import numpy as np

    from ttdn_search.engine import copies as C

    if not view.ndocs:
        return []
    sigs = np.zeros((view.ndocs, F.SIG_BYTES), dtype=np.uint8)
    ties = np.zeros(view.ndocs, dtype=np.uint32)  # each document's own order within a band (copies.band_pairs)
    for comp, offset in view.parts:
        if comp.ndocs:
            sigs[offset : offset + comp.ndocs] = np.frombuffer(comp.all_signatures(), dtype=np.uint8).reshape(
                comp.ndocs, F.SIG_BYTES)
            ties[offset : offset + comp.ndocs] = np.frombuffer(comp.ties, dtype=np.uint32)
    nbytes = (view.ndocs + 7) >> 3
    live = np.unpackbits(np.frombuffer(view.live.to_bytes(nbytes, "little"), dtype=np.uint8),
                         bitorder="little")[: view.ndocs].astype(bool)
    rows = np.flatnonzero(live & sigs.any(axis=1))
    return C.groups_of(sigs, rows, keys=ties)


def write_groups(index_dir: Path, generation: int, view: Segments, groups: list[list[int]]) -> None:
    """copies.json for this generation (written to a temporary name, then renamed into place)."""
    doc = {"generation": generation, "segments": view.segment_ids, "ndocs": view.ndocs, "groups": groups}
    tmp = Path(index_dir) / (COPIES_FILE + ".tmp")
    tmp.write_text(json.dumps(doc, separators=(",", ":")), "utf-8")
    tmp.replace(Path(index_dir) / COPIES_FILE)


def read_groups(index_dir: Path, generation: int, view: Segments) -> list[list[int]] | None:
    """The groups copies.json holds for this generation of the index, or None (missing, damaged, stale)."""
    try:
        doc = json.loads((Path(index_dir) / COPIES_FILE).read_text("utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    if (not isinstance(doc, dict) or doc.get("generation") != generation or doc.get("segments") != view.segment_ids
            or doc.get("ndocs") != view.ndocs or not isinstance(doc.get("groups"), list)):
        return None
    groups = doc["groups"]
    n = view.ndocs
    for g in groups:
        if not (type(g) is list and len(g) > 1 and all(type(d) is int and 0 <= d < n for d in g)):
            return None
    return groups


def load_groups(index_dir: Path, generation: int, view: Segments) -> "Groups":
    """The groups of an open index: copies.json when it is of this generation, else found from the
    companions (a run killed before writing it; the next run writes it)."""
    found = read_groups(index_dir, generation, view)
    return Groups(find_groups(view) if found is None else found, view.live)


class Groups:
    """The groups of one open index: which group a document is in, and counting groups in a set."""

    def __init__(self, groups: list[list[int]], live: int):
        self.members: list[list[int]] = []
        self.group_of: dict[int, int] = {}
        lb = live.to_bytes((live.bit_length() + 7) >> 3, "little")  # a bit test without shifting a big int
        for g in groups:
            g = [d for d in g if d >> 3 < len(lb) and lb[d >> 3] >> (d & 7) & 1]
            if len(g) < 2:
                continue
            gid = len(self.members)
            self.members.append(g)
            for d in g:
                self.group_of[d] = gid
        size = max(self.group_of, default=-1) + 1
        self.dup = from_ids(sorted(self.group_of), size)  # every document with a copy
        self._labels = None  # document -> its group as an array, for counting large sets (made when needed)
        self._nbytes = (size + 7) >> 3

    def __len__(self) -> int:
        return len(self.members)

    # Below this many documents with copies in a set, counting its groups in Python is cheaper than numpy.
    SMALL = 256

    def count(self, bm: int) -> int:
        """How many groups the documents of bm belong to (a document without copies is a group of its own)."""
        in_groups = bm & self.dup
        if not in_groups:
            return bm.bit_count()
        alone = (bm & ~self.dup).bit_count()
        if in_groups.bit_count() < self.SMALL:
            group_of = self.group_of
            return alone + len({group_of[d] for d in members(in_groups)})
        import numpy as np  # only here: a one-off search of an index without copies never loads it

        if self._labels is None:
            self._labels = np.full(self._nbytes * 8, -1, dtype=np.int32)
            self._labels[np.fromiter(self.group_of.keys(), np.int64)] = np.fromiter(self.group_of.values(), np.int32)
        bits = np.unpackbits(np.frombuffer(in_groups.to_bytes(self._nbytes, "little"), dtype=np.uint8),
                             bitorder="little")
        labels = self._labels[np.flatnonzero(bits)]
        return alone + int(np.count_nonzero(np.bincount(labels, minlength=len(self.members))))

    def first_of_each(self, docnums: list[int]) -> list[int]:
        """Positions in docnums of the first document of each group (documents without copies all kept)."""
        seen: set[int] = set()
        keep = []
        group_of = self.group_of
        for i, d in enumerate(docnums):
            g = group_of.get(d)
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
