"""The index's own vocabulary: its words (pyvi's compounds) and the accented spelling of every folded
syllable and word, as the companions count them; vocab.bin keeps it for query word splitting and the
did-you-mean.

vocab.bin (little-endian): magic `TTDNVOC2`; the number of compounds and of syllables (u32 each); the
byte length of their two blocks (u64 each); the document frequencies (u32 per compound, then per
syllable); the offsets of the entries in their block (u32, one more than the entries: compounds, then
syllables); the two blocks, each the entries `key\ttext` (UTF-8) sorted by key; the CRC-32 of everything
before it (u32). A search checks the file and looks its few keys up by bisection, where building the
dicts of news-20k's 44,000 entries took 38-47 ms and the 100k corpus's 70-90 ms for a one-off search;
a part asked often (the did-you-mean tries thousands of edits) becomes a dict. `TTDNVOC1` (blocks of
keys and of spellings in one order, read into dicts) is still read; an index run writes the new form.
"""

from __future__ import annotations

import struct
import zlib
from array import array
from collections.abc import Mapping
from pathlib import Path
from typing import Callable, TypeVar

from ttdn_search.normalize import fold

VOCAB_FILE = "vocab.bin"
OLD_VOCAB_FILE = "vocab.json"  # written by earlier versions; removed when vocab.bin is written
_MAGIC = b"TTDNVOC2"
_HEAD = struct.Struct("<8s2I2Q")
_MAGIC_1 = b"TTDNVOC1"
_HEAD_1 = struct.Struct("<8s2I4Q")
MIN_DF = 2
# The longest compound looked up, in syllables ("ủy_ban_nhân_dân" is four).
COMPOUND_SIZES = (4, 3, 2)

T = TypeVar("T")


def longest_compounds(keys: list[str], known: Callable[[str], T | None]) -> list[tuple[int, int, T | None]]:
    """Cut syllable keys into the longest compounds `known` knows, left to right (greedy): (start,
    length, what `known` said) for each piece; a syllable no compound starts with is (start, 1, None).
    The one compound lookup of the query's words and of accent restoration."""
    out: list[tuple[int, int, T | None]] = []
    i = 0
    while i < len(keys):
        for n in COMPOUND_SIZES:
            if i + n <= len(keys):
                hit = known("_".join(keys[i : i + n]))
                if hit:
                    out.append((i, n, hit))
                    i += n
                    break
        else:
            out.append((i, 1, None))
            i += 1
    return out


def build_vocab(words, min_df: int = MIN_DF) -> dict:
    """Most frequent accented spelling of every folded word and syllable, from (word, document
    frequency) pairs of the word view (engine.segments.Segments.iter_words; a word may recur, from
    several segments). A compound's syllables count towards each syllable's frequency. Of spellings
    equally frequent, the first in code-point order: the words come in the order of the companions' key
    tables, which any change to a file's keys reorders (the same articles then gave another "nilông")."""
    word_df: dict[str, int] = {}
    for text, df in words:
        word_df[text] = word_df.get(text, 0) + df
    compounds: dict[str, list] = {}
    syllable_df: dict[str, int] = {}
    for text, df in sorted(word_df.items()):
        if not any(c.isalpha() for c in text):
            continue
        for syl in text.split("_"):
            syllable_df[syl] = syllable_df.get(syl, 0) + df
        if df < min_df or "_" not in text:
            continue
        f = fold(text)
        cur = compounds.get(f)
        if cur is None or df > cur[1]:
            compounds[f] = (text, df)
    syllables: dict[str, list] = {}
    for text, df in sorted(syllable_df.items()):
        if df < min_df:
            continue
        f = fold(text)
        cur = syllables.get(f)
        if cur is None or df > cur[1]:
            syllables[f] = (text, df)
    return {"w": compounds, "s": syllables}


class SortedPart(Mapping):
    """One part of vocab.bin: folded key -> (spelling, df), found by bisection in the file's sorted
    entries; after DICT_AFTER lookups, a dict of them all."""

    DICT_AFTER = 2000

    def __init__(self, block: bytes, offsets: array, dfs: array):
        self._block, self._offsets, self._dfs = block, offsets, dfs
        self._dict: dict | None = None
        self._asked = 0

    def _line(self, i: int) -> bytes:
        return self._block[self._offsets[i] : self._offsets[i + 1]]

    def _find(self, key: str):
        if self._dict is None:
            self._asked += 1
            if self._asked <= self.DICT_AFTER:
                kb = key.encode("utf-8", "surrogatepass") + b"\t"
                lo, hi = 0, len(self._dfs)
                while lo < hi:
                    mid = (lo + hi) >> 1
                    if self._line(mid) < kb:
                        lo = mid + 1
                    else:
                        hi = mid
                if lo < len(self._dfs):
                    line = self._line(lo)
                    if line.startswith(kb):
                        return line[len(kb) :].decode("utf-8"), self._dfs[lo]
                return None
            self._as_dict()
        return self._dict.get(key)

    def _as_dict(self) -> dict:
        if self._dict is None:
            lines = [self._line(i).decode("utf-8").split("\t", 1) for i in range(len(self._dfs))]
            self._dict = {k: (t, df) for (k, t), df in zip(lines, self._dfs)}
        return self._dict

    def items(self):
        """Every (key, (spelling, df)), from the dict of them all (Mapping's would look each key up)."""
        return self._as_dict().items()

    def get(self, key, default=None):
        hit = self._find(key) if isinstance(key, str) else None
        return default if hit is None else hit

    def __getitem__(self, key):
        hit = self.get(key)
        if hit is None:
            raise KeyError(key)
        return hit

    def __contains__(self, key) -> bool:
        return self.get(key) is not None

    def __len__(self) -> int:
        return len(self._dfs)

    def __iter__(self):
        return iter(self._as_dict())


def read_vocab(index_dir: Path) -> dict | None:
    """The vocabulary vocab.bin keeps ({"w": compounds, "s": syllables}, folded key -> (spelling, df),
    mappings), or None when it is missing or damaged (derived data: the caller builds the vocabulary from
    the companions instead, and the next index run writes it anew)."""
    try:
        data = (Path(index_dir) / VOCAB_FILE).read_bytes()
    except OSError:
        return None
    try:
        if data[:8] == _MAGIC_1:
            return _read_1(data)
        magic, nw, ns, wsize, ssize = _HEAD.unpack_from(data, 0)
        dfs_at = _HEAD.size
        offs_at = dfs_at + 4 * (nw + ns)
        blocks_at = offs_at + 4 * (nw + ns + 2)
        end = blocks_at + wsize + ssize
        if magic != _MAGIC or end + 4 != len(data) or zlib.crc32(data[:end]) != int.from_bytes(data[end:], "little"):
            return None
        dfs, offs = array("I"), array("I")
        dfs.frombytes(data[dfs_at:offs_at])
        offs.frombytes(data[offs_at:blocks_at])
    except (struct.error, ValueError):
        return None
    woffs, soffs = offs[: nw + 1], offs[nw + 1 :]
    if woffs[0] != 0 or woffs[-1] != wsize or soffs[0] != 0 or soffs[-1] != ssize:
        return None
    return {"w": SortedPart(data[blocks_at : blocks_at + wsize], woffs, dfs[:nw]),
            "s": SortedPart(data[blocks_at + wsize : end], soffs, dfs[nw:])}


def _read_1(data: bytes) -> dict | None:
    """vocab.bin as versions before TTDNVOC2 wrote it."""
    magic, nw, ns, *sizes = _HEAD_1.unpack_from(data, 0)
    counts_at = _HEAD_1.size
    blocks_at = counts_at + 4 * (nw + ns)
    end = blocks_at + sum(sizes)
    if end + 4 != len(data) or zlib.crc32(data[:end]) != int.from_bytes(data[end:], "little"):
        return None
    dfs = array("I")
    dfs.frombytes(data[counts_at:blocks_at])
    parts, pos = [], blocks_at
    for size in sizes:
        block = data[pos : pos + size].decode("utf-8")
        pos += size
        parts.append(block.split("\n") if block else [])
    wkeys, wtexts, skeys, stexts = parts
    if not (len(wkeys) == len(wtexts) == nw and len(skeys) == len(stexts) == ns):
        return None
    return {"w": dict(zip(wkeys, zip(wtexts, dfs[:nw]))), "s": dict(zip(skeys, zip(stexts, dfs[nw:])))}


def _encode(vocab: dict) -> bytes:
    blocks, dfs, offsets, counts = [], array("I"), array("I"), []
    for part in ("w", "s"):
        # A word of the word view holds no whitespace (segment_words splits on it): "\t" separates.
        # Sorted as the bytes a lookup compares (a key is the prefix of its line up to the tab).
        entries = sorted((f"{k}\t{t}".encode("utf-8"), df) for k, (t, df) in vocab[part].items()
                         if not any(c in k + t for c in "\t\n"))
        counts.append(len(entries))
        lines = [line for line, _ in entries]
        pos = 0
        offsets.append(0)
        for line in lines:
            pos += len(line)
            offsets.append(pos)
        blocks.append(b"".join(lines))
        dfs.extend(min(df, 0xFFFFFFFF) for _, df in entries)
    body = (_HEAD.pack(_MAGIC, *counts, *(len(b) for b in blocks)) + dfs.tobytes() + offsets.tobytes()
            + b"".join(blocks))
    return body + zlib.crc32(body).to_bytes(4, "little")


def write_vocab(index_dir: Path, everything, new_segments: list | None = None) -> None:
    """Write vocab.bin from the whole index (`everything`: an iterable of (word, df) pairs), or, given
    the companions of the segments a run added, update the existing file with their words only (a run
    that adds 100 articles to 100,000 reads 100 articles' words, not the whole vocabulary)."""
    vocab = read_vocab(index_dir) if new_segments is not None else None
    if vocab is None:
        vocab = build_vocab(everything)
    else:
        vocab = {part: dict(vocab[part].items()) for part in ("w", "s")}
        for seg in new_segments:
            part = build_vocab(seg.iter_words(), min_df=1)
            for key in ("w", "s"):
                old = vocab.setdefault(key, {})
                for f, (text, df) in part[key].items():
                    cur = old.get(f)
                    if cur is None:
                        old[f] = (text, df)
                    elif cur[0] == text:
                        old[f] = (text, cur[1] + df)
                    elif df > cur[1]:
                        old[f] = (text, df)
    folder = Path(index_dir)
    tmp = folder / (VOCAB_FILE + ".tmp")
    tmp.write_bytes(_encode(vocab))
    tmp.replace(folder / VOCAB_FILE)
    (folder / OLD_VOCAB_FILE).unlink(missing_ok=True)
