"""The index's own vocabulary: its words (pyvi's compounds) and the accented spelling of every folded
syllable and word, as the companions count them; vocab.bin keeps it for query word splitting and the
did-you-mean.

vocab.bin (little-endian): magic `TTDNVOC1`; the number of compounds and of syllables (u32 each); the
byte length of four UTF-8 blocks (u64 each: compound keys, compound spellings, syllable keys, syllable
spellings, each "\n"-joined, in one order); the document frequencies (u32 per compound, then per
syllable); the four blocks; the CRC-32 of everything before it (u32). A search reads it with C-level
splits and one dict per part (news-20k's 44,000 entries: 38-47 ms, where vocab.json, its JSON predecessor,
took 53-119 ms).
"""

from __future__ import annotations

import struct
import zlib
from array import array
from pathlib import Path
from typing import Callable, TypeVar

from ttdn_search.normalize import fold

VOCAB_FILE = "vocab.bin"
OLD_VOCAB_FILE = "vocab.json"  # written by earlier versions; removed when vocab.bin is written
_MAGIC = b"TTDNVOC1"
_HEAD = struct.Struct("<8s2I4Q")
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


def read_vocab(index_dir: Path) -> dict | None:
    """The vocabulary vocab.bin keeps ({"w": compounds, "s": syllables}, folded key -> (spelling, df)), or
    None when it is missing or damaged (derived data: the caller builds the vocabulary from the
    companions instead, and the next index run writes it anew)."""
    try:
        data = (Path(index_dir) / VOCAB_FILE).read_bytes()
    except OSError:
        return None
    try:
        magic, nw, ns, *sizes = _HEAD.unpack_from(data, 0)
        counts_at = _HEAD.size
        blocks_at = counts_at + 4 * (nw + ns)
        end = blocks_at + sum(sizes)
        if magic != _MAGIC or end + 4 != len(data) or zlib.crc32(data[:end]) != int.from_bytes(data[end:], "little"):
            return None
        dfs = array("I")
        dfs.frombytes(data[counts_at:blocks_at])
        parts, pos = [], blocks_at
        for size in sizes:
            block = data[pos : pos + size].decode("utf-8")
            pos += size
            parts.append(block.split("\n") if block else [])
    except (struct.error, ValueError):
        return None
    wkeys, wtexts, skeys, stexts = parts
    if not (len(wkeys) == len(wtexts) == nw and len(skeys) == len(stexts) == ns):
        return None
    return {"w": dict(zip(wkeys, zip(wtexts, dfs[:nw]))), "s": dict(zip(skeys, zip(stexts, dfs[nw:])))}


def _encode(vocab: dict) -> bytes:
    blocks, dfs, counts = [], array("I"), []
    for part in ("w", "s"):
        # A word of the word view holds no whitespace (segment_words splits on it): "\n" separates.
        entries = [(k, t, df) for k, (t, df) in vocab[part].items() if "\n" not in k and "\n" not in t]
        counts.append(len(entries))
        blocks.append("\n".join(k for k, _, _ in entries).encode("utf-8"))
        blocks.append("\n".join(t for _, t, _ in entries).encode("utf-8"))
        dfs.extend(min(df, 0xFFFFFFFF) for _, _, df in entries)
    body = _HEAD.pack(_MAGIC, *counts, *(len(b) for b in blocks)) + dfs.tobytes() + b"".join(blocks)
    return body + zlib.crc32(body).to_bytes(4, "little")


def write_vocab(index_dir: Path, everything, new_segments: list | None = None) -> None:
    """Write vocab.bin from the whole index (`everything`: an iterable of (word, df) pairs), or, given
    the companions of the segments a run added, update the existing file with their words only (a run
    that adds 100 articles to 100,000 reads 100 articles' words, not the whole vocabulary)."""
    vocab = read_vocab(index_dir) if new_segments is not None else None
    if vocab is None:
        vocab = build_vocab(everything)
    else:
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
