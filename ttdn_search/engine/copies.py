"""Copies: articles that are the same text republished (one press release on several portals, small edits,
other boilerplate) form one group.

Method (chosen on news-20k, bench/copies_eval.py and BENCHMARKS.md "Copies"): an article's folded
syllables (title then body, as the index folds them) cut into overlapping shingles of SHINGLE syllables;
a MinHash signature of NPERM values over the shingle set, cut into BANDS bands of ROWS values, each band
hashed to a u32 and kept in the companion (since format 7). Two articles that share a band are a candidate pair;
a candidate pair is a pair of copies when the Jaccard resemblance of the two shingle sets, estimated from
the signatures (the share of equal values, corrected for chance agreement), is at least THRESHOLD. Groups are the connected components of
the pairs among the live articles, so they depend on the set of articles only, never on the order or the
runs that indexed them. The same text under two ids has the same shingles, hence every band, hence
resemblance 1: always one group.
"""

from __future__ import annotations

import numpy as np

from ttdn_search.engine import format

SHINGLE = 5  # syllables per shingle
NPERM = 128  # MinHash values per article, one byte each (b-bit MinHash, b = 8)
ROWS = 4  # values per LSH band: a band is 4 bytes, read as a u32
BANDS = NPERM // ROWS
THRESHOLD = 0.6  # estimated Jaccard resemblance of the shingle sets (BENCHMARKS.md "Copies": why 0.6)

# A signature: NPERM one-byte values, then the number of shingles (u32).
assert NPERM + 4 == format.SIG_BYTES
_rng = np.random.default_rng(20261202)  # fixed: signatures are stored, every run must draw the same
_A = _rng.integers(1, 1 << 63, size=NPERM, dtype=np.uint64) * np.uint64(2) + np.uint64(1)  # odd multipliers
_B = _rng.integers(0, 1 << 63, size=NPERM, dtype=np.uint64)
_POS = _rng.integers(1, 1 << 63, size=SHINGLE, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
_SHIFT = np.uint64(56)
# Two different shingle sets' 8-bit values agree by chance one time in 256: corrected for in `estimate`.
_CHANCE = 1 / 256
SIG_BYTES = format.SIG_BYTES
# A short text (fewer shingles than this) shares a larger part of itself with any text on its subject; it
# is a copy only when nearly the same text.
MIN_SHINGLES = 50
SHORT_THRESHOLD = 0.9



def text_shingles(title_folded: str, body_folded: str) -> np.ndarray:
    """The shingle set an article's copies are compared on: its folded title's syllables, then its folded
    body's (the views `format.pack_views` stores, so the companion can recompute it)."""
    return shingles(format.syllable_hashes(title_folded.split() + body_folded.split()))


def mix64(x: np.ndarray) -> np.ndarray:
    """A 64-bit finaliser (splitmix64's), element-wise; wraps as unsigned arithmetic."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def distinct(values: np.ndarray) -> np.ndarray:
    """np.unique of a 1-D array, by a sort: numpy 2's np.unique hashes, 4-5x slower at every size here
    (64 against 16 us for one article's shingles, 3.4 against 0.2 s for a segment's 3 million pairs)."""
    values = np.sort(values)
    return values[np.concatenate(([True], values[1:] != values[:-1]))] if len(values) else values


def shingles(syllable_hashes) -> np.ndarray:
    """The distinct shingle hashes (u64) of a sequence of syllable hashes (u32, `format.syllable_hash`);
    a text shorter than a shingle is one shingle of all its syllables, an empty text none."""
    h = np.asarray(syllable_hashes, dtype=np.uint64)
    n = len(h)
    if n == 0:
        return np.zeros(0, dtype=np.uint64)
    k = min(SHINGLE, n)
    acc = np.zeros(n - k + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            acc = acc + h[j : n - k + 1 + j] * _POS[j]
        return distinct(mix64(acc))


def signature(sh: np.ndarray) -> bytes:
    """SIG_BYTES bytes: for each of NPERM hash functions (a x + b over 64 bits, a odd: a permutation), the
    lowest 8 bits of the least hash of a shingle (a b-bit MinHash signature), then the number of shingles
    (u32); all zero for an empty set (it has no copies)."""
    if not len(sh):
        return bytes(SIG_BYTES)
    with np.errstate(over="ignore"):
        sig = ((sh[:, None] * _A[None, :] + _B[None, :]).min(axis=0) & np.uint64(0xFF)).astype(np.uint8)
    return sig.tobytes() + min(len(sh), 0xFFFFFFFF).to_bytes(4, "little")


def estimate(sig_a: np.ndarray, sig_b: np.ndarray) -> np.ndarray:
    """Estimated Jaccard resemblance of pairs of signatures (rows of two (n, NPERM) u8 arrays: the
    signatures' MinHash part)."""
    agree = (sig_a == sig_b).sum(axis=1) / NPERM
    return np.clip((agree - _CHANCE) / (1 - _CHANCE), 0.0, 1.0)


# A run of more articles than this sharing a band is linked as a chain and a star, not pair by pair.
SMALL_RUN = 8


def candidate_pairs(sigs: np.ndarray, rows: np.ndarray | None = None, keys: np.ndarray | None = None) -> np.ndarray:
    """(k, 2) int64 pairs (i < j) of row numbers of an (n, SIG_BYTES) signature array that share a band;
    `rows`: the rows taking part (the live documents with a signature), every row when None; `keys`:
    see `band_pairs`."""
    rows, bands, own = _prepared(sigs, rows, keys)
    if rows is None:
        return np.zeros((0, 2), dtype=np.int64)
    out = [p for b in range(BANDS) if len(p := band_pairs(bands[b], rows, own))]
    return _unique_pairs(np.concatenate(out)) if out else np.zeros((0, 2), dtype=np.int64)


def band_columns(sigs: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The LSH bands of the rows' signatures, band by band: (BANDS, len(rows)) u32, each band contiguous."""
    return np.ascontiguousarray(np.ascontiguousarray(sigs[rows, :NPERM]).view(np.uint32).T)


def _prepared(sigs: np.ndarray, rows, keys, bands=None):
    if rows is None:
        rows = np.arange(len(sigs), dtype=np.int64)
    if len(rows) < 2:
        return None, None, None
    if bands is None:
        bands = band_columns(sigs, rows)
    own = np.asarray(keys)[rows] if keys is not None else rows
    return rows, bands, own


def _unique_pairs(pairs: np.ndarray) -> np.ndarray:
    pairs = np.sort(pairs, axis=1)
    width = np.int64(pairs.max()) + 1
    keyed = distinct(pairs[:, 0] * width + pairs[:, 1])  # one number per pair: a 1-D unique, not by rows
    return np.stack((keyed // width, keyed % width), axis=1)


def band_pairs(col: np.ndarray, rows: np.ndarray, own: np.ndarray) -> np.ndarray:
    """The candidate pairs (row numbers) of one band: the rows whose band values are equal.

    A run of equal band values links its members pair by pair when it is small; a longer run (one text
    republished many times) as a chain and a star from its first member, which joins the same group
    with a number of pairs linear in the run. The members of a run are in the order of `own` (one per
    row, something of the document's own, such as its tie key), so that which pairs a long run tests does
    not depend on the document numbers (they change with merges and with the order of the input)."""
    # By band value, then the documents' own keys (then their numbers: a stable sort of rows ascending).
    order = np.argsort(col.astype(np.uint64) << np.uint64(32) | own.astype(np.uint64), kind="stable")
    s = col[order]
    same = s[1:] == s[:-1]
    if not same.any():
        return np.zeros((0, 2), dtype=np.int64)
    ids = rows[order]
    out = []
    # Adjacent pairs within runs (the chain), and each member with its run's first (the star).
    run_start = np.concatenate(([0], np.flatnonzero(~same) + 1))
    lengths = np.diff(np.concatenate((run_start, [len(s)])))
    first = np.repeat(run_start, lengths)
    idx = np.flatnonzero(same) + 1
    out.append(np.stack((ids[idx - 1], ids[idx]), axis=1))
    star = idx[first[idx] != idx - 1]
    if len(star):
        out.append(np.stack((ids[first[star]], ids[star]), axis=1))
    # Small runs: every pair (the adjacent ones are the chain's), all runs of one length at once.
    for ln in range(3, SMALL_RUN + 1):
        starts = run_start[lengths == ln]
        if len(starts):
            m = ids[starts[:, None] + np.arange(ln)]
            ii, jj = np.triu_indices(ln, k=2)
            out.append(np.stack((m[:, ii].ravel(), m[:, jj].ravel()), axis=1))
    return np.concatenate(out)


def copy_pairs(sigs: np.ndarray, pairs: np.ndarray, threshold: float = THRESHOLD) -> np.ndarray:
    """Which candidate pairs are copies: estimated resemblance at least `threshold`, and at least
    SHORT_THRESHOLD when the shorter text has fewer than MIN_SHINGLES shingles."""
    a, b = sigs[pairs[:, 0]], sigs[pairs[:, 1]]
    est = estimate(a[:, :NPERM], b[:, :NPERM])
    shortest = np.minimum(shingle_counts(a), shingle_counts(b))
    return (est >= threshold) & ((shortest >= MIN_SHINGLES) | (est >= SHORT_THRESHOLD))


def shingle_counts(sigs: np.ndarray) -> np.ndarray:
    """The number of shingles each signature (a row) was made from."""
    return np.ascontiguousarray(sigs[:, NPERM:]).view(np.uint32)[:, 0]


def groups_of(sigs: np.ndarray, rows: np.ndarray, threshold: float = THRESHOLD,
              keys: np.ndarray | None = None) -> list[list[int]]:
    """The groups of copies among `rows` of a signature array: connected components of the candidate pairs
    whose estimated resemblance is at least `threshold`; each group its rows ascending, groups by their
    first row. Rows in no group are left out."""
    rows = np.arange(len(sigs), dtype=np.int64) if rows is None else np.asarray(rows, dtype=np.int64)
    label = labels_of(sigs, rows, threshold, keys)
    grouped = np.flatnonzero(label >= 0)
    order = np.lexsort((grouped, label[grouped]))
    by_label: dict[int, list[int]] = {}
    for node in grouped[order].tolist():
        by_label.setdefault(int(label[node]), []).append(node)
    return sorted(by_label.values())


def labels_of(sigs: np.ndarray, rows: np.ndarray, threshold: float = THRESHOLD,
              keys: np.ndarray | None = None, within: np.ndarray | None = None,
              bands: np.ndarray | None = None) -> np.ndarray:
    """Each row's group as a label (int64, one per row of `sigs`; -1: in no group, or not among `rows`):
    the groups of `groups_of`.

    `within` (a bool per row of `sigs`): label only these rows, which must be a union of the groups (and
    rows in none) that all of `rows` form; candidate pairs still come from the whole runs of equal band
    values among `rows`, so the labels are those of the whole computation, at the cost of the runs that
    touch `within` (regroup.py: an index run's new and deleted articles, with everything they touch).
    `bands`: `band_columns(sigs, rows)`, when the caller has it already."""
    label = np.full(len(sigs), -1, dtype=np.int64)
    rows, bands, own = _prepared(sigs, rows, keys, bands)
    if rows is None:
        return label
    if within is None:
        local = rows
        per_band = (band_pairs(bands[b], np.arange(len(rows)), own) for b in range(BANDS))
    else:
        inside = within[rows]
        local = rows[inside]
        place = np.full(len(rows), -1, dtype=np.int64)
        place[inside] = np.arange(len(local))
        table = np.zeros(1 << 24, dtype=bool)
        per_band = (_pairs_within(bands[b], inside, own, place, table) for b in range(BANDS))
    found = _components(sigs[local], per_band, threshold)
    label[local] = found
    return label


def _pairs_within(col: np.ndarray, inside: np.ndarray, own: np.ndarray, place: np.ndarray,
                  table: np.ndarray) -> np.ndarray:
    """One band's candidate pairs among the `inside` rows (as their `place`), from the whole runs of the
    band values that inside rows hold. `table`: 2**24 False bools, left as found."""
    values = distinct(col[inside])
    if not len(values):
        return np.zeros((0, 2), dtype=np.int64)
    run = np.flatnonzero(holding(col, values, table))
    pairs = band_pairs(col[run], run, own[run])
    if not len(pairs):
        return pairs
    pairs = place[pairs]
    return pairs[(pairs >= 0).all(axis=1)]


def holding(col: np.ndarray, values: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Which entries of a band column (u32) are among the values (sorted, distinct): a first cut on a table
    of the values' top 24 bits, the exact test on what passes it. `table`: 2**24 False bools, left as
    found (one table serves every band)."""
    out = np.zeros(len(col), dtype=bool)
    if not len(values):
        return out
    table[values >> 8] = True
    maybe = np.flatnonzero(table[col >> 8])
    table[values >> 8] = False
    at = np.searchsorted(values, col[maybe])
    out[maybe] = values[np.minimum(at, len(values) - 1)] == col[maybe]
    return out


def _components(sigs: np.ndarray, per_band, threshold: float) -> np.ndarray:
    """The label of each row of `sigs` (-1: no copy) from candidate pairs (row numbers), band by band.

    A pair whose rows are already joined (through this band or an earlier one) is not estimated again, so
    one text republished many times (identical in every band) costs one band's pairs, not 32 bands'
    worth; the components are the same as from every pair at once."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = len(sigs)
    label = np.arange(n)
    edges: list[np.ndarray] = []
    for pairs in per_band:
        if not len(pairs):
            continue
        pairs = pairs[label[pairs[:, 0]] != label[pairs[:, 1]]]
        if not len(pairs):
            continue
        pairs = _unique_pairs(pairs)
        accepted = pairs[copy_pairs(sigs, pairs, threshold)]
        if not len(accepted):
            continue
        edges.append(accepted)
        every = np.concatenate(edges)
        graph = coo_matrix((np.ones(len(every), dtype=np.int8), (every[:, 0], every[:, 1])), shape=(n, n))
        _, label = connected_components(graph, directed=False)
    if not edges:
        return np.full(n, -1, dtype=np.int64)
    label = label.astype(np.int64)
    label[np.bincount(label)[label] < 2] = -1
    return label


def resemblance(a: np.ndarray, b: np.ndarray) -> float:
    """Exact Jaccard resemblance of two distinct-shingle arrays (what `estimate` estimates)."""
    if not len(a) or not len(b):
        return 0.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter)
