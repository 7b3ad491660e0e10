"""The groups of copies after an index run, from the groups before it and what the run changed.

Finding every group again (groups.find_labels) reads every signature and joins every band of the whole
index: seconds at a million articles, for a run that added a hundred. The groups depend on the set of
live articles only (copies.py), and a run changes them only through the runs of equal band values that
an added or a deleted article belonged to (its candidate pairs, and in a long run the chain and star the
others are linked by). So:

1. the documents in such a run (`touched`: every live document sharing a band value with an added or a
   deleted one), with every document of a group that held one of them or a deleted document before,
   form a set that is a union of the new groups: nothing outside it gained or lost a candidate pair, and
   the groups outside it are the old ones;
2. the groups within that set are found from the whole runs of the band values it holds
   (copies.labels_of with `within`), which test the same pairs the whole computation does.

The result is the whole computation's, group for group (tests/test_regroup.py compares them after
random runs of adds, updates, deletions and merges). It needs the run before's groups in the numbering
of the index now: copies.bin records the segments and live documents it was found for; a segment kept
since keeps its documents' numbers within it, and a segment merged by this run is described by the
writer (groups.Merged, from whoosh_store.TtdnWriter: which documents went where, and the signatures of the ones it
dropped). Anything else (a segment gone without such a record, a copies.bin of an earlier version) and
the groups are found again from scratch.
"""

from __future__ import annotations

import numpy as np

from ttdn_search.engine import copies as C
from ttdn_search.engine import format as F
from ttdn_search.engine.groups import Merged, Stored, live_array, signatures
from ttdn_search.engine.segments import Segments


def regroup(view: Segments, old: Stored | None, merged: Merged | None = None) -> np.ndarray | None:
    """Each document's group (as groups.find_labels gives it) from the groups before this run, or None
    when the groups before cannot be placed in the index as it is now."""
    if old is None or not view.ndocs:
        return None
    merged = merged or Merged()
    where = _old_to_new(view, old, merged)
    if where is None:
        return None
    sigs, ties, rows = signatures(view)
    old_live = live_array(old.live, sum(old.segment_sizes))
    lost = np.flatnonzero(old_live & (where < 0))
    lost_sigs = [merged.dropped.get(_old_place(old, d)) for d in lost.tolist()]
    if any(sig is None for sig in lost_sigs):
        return None
    lost_sigs = np.frombuffer(b"".join(lost_sigs), dtype=np.uint8).reshape(len(lost_sigs), F.SIG_BYTES)
    old_label = np.frombuffer(old.groups.labels, dtype=np.int32).astype(np.int64)
    return relabel(sigs, ties, rows, where, old_live, old_label, lost_sigs)


def relabel(sigs: np.ndarray, ties: np.ndarray, rows: np.ndarray, where: np.ndarray, old_live: np.ndarray,
            old_label: np.ndarray, lost_sigs: np.ndarray) -> np.ndarray:
    """The labels `copies.labels_of(sigs, rows, keys=ties)` gives, from the labels before (`old_label`,
    one per old document) and what changed: `where` each old document's number now (-1: gone with its
    signature, `lost_sigs` holds those of the ones `old_live`), `old_live` which old documents took part
    if they had a signature."""
    n = len(sigs)
    now = np.zeros(n, dtype=bool)
    now[rows] = True
    kept = where >= 0
    was = np.zeros(n, dtype=bool)  # taking part before (live, with a signature), in today's numbering
    was[where[old_live & kept]] = True
    was &= sigs.any(axis=1)
    added = now & ~was
    gone = was & ~now
    changed_sigs = np.concatenate((sigs[added | gone], lost_sigs))
    changed_sigs = changed_sigs[changed_sigs.any(axis=1)]

    label = np.full(n, -1, dtype=np.int64)
    label[where[kept]] = old_label[kept]
    if not len(changed_sigs):
        label[~now] = -1
        return label
    # 1. Every live document in a run of equal band values with an added or deleted one, and the groups
    # any of those (or a deleted document) held.
    bands = C.band_columns(sigs, rows)
    changed_bands = C.band_columns(changed_sigs, np.arange(len(changed_sigs)))
    touched = np.zeros(len(rows), dtype=bool)
    table = np.zeros(1 << 24, dtype=bool)
    for b in range(C.BANDS):
        touched |= C.holding(bands[b], C.distinct(changed_bands[b]), table)
    within = np.zeros(n, dtype=bool)
    within[rows[touched]] = True
    # (A deleted document's group is among them: whatever it was joined to shared a band value with it.)
    hit = C.distinct(label[within])
    hit = hit[hit >= 0]
    if len(hit):
        in_hit = np.zeros(int(label.max()) + 2, dtype=bool)  # the last entry, for label -1, stays False
        in_hit[hit] = True
        within |= in_hit[label]
    # 2. The groups within, from the whole runs of their band values; the rest keep their old groups.
    fresh = C.labels_of(sigs, rows, keys=ties, within=within, bands=bands)
    label[within | ~now] = -1
    top = label.max() + 1
    label[within] = np.where(fresh[within] >= 0, fresh[within] + top, -1)
    return label


def _old_place(old: Stored, d: int) -> tuple[str, int]:
    """(segment id, number within it) of a document in the old numbering."""
    offset = 0
    for sid, size in zip(old.segment_ids, old.segment_sizes):
        if d < offset + size:
            return sid, d - offset
        offset += size
    raise IndexError(d)


def _old_to_new(view: Segments, old: Stored, merged: Merged) -> np.ndarray | None:
    """Each old document's number now (-1: deleted and dropped by a merge), or None when a segment of
    the old index is gone without a record of where its documents went."""
    now = {sid: (offset, comp.ndocs) for sid, (comp, offset) in zip(view.segment_ids, view.parts)}
    into: dict[str, tuple[int, np.ndarray]] = {}  # merged-away segment -> (its new start, kept numbers)
    for new_sid, sources in merged.into.items():
        if new_sid not in now:
            return None
        start = now[new_sid][0]
        for sid, kept in sources:
            into[sid] = (start, np.asarray(kept, dtype=np.int64))
            start += len(kept)
    where = np.full(sum(old.segment_sizes), -1, dtype=np.int64)
    offset = 0
    for sid, size in zip(old.segment_ids, old.segment_sizes):
        if sid in now and now[sid][1] == size and sid not in into:
            where[offset : offset + size] = np.arange(now[sid][0], now[sid][0] + size)
        elif sid in into:
            start, kept = into[sid]
            if len(kept) and kept.max() >= size:
                return None
            where[offset + kept] = start + np.arange(len(kept))
        else:
            return None
        offset += size
    return where
