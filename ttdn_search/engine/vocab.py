"""The index's own vocabulary: its words (pyvi's compounds) and the accented spelling of every folded
syllable and word, as the companions count them; vocab.json keeps it for the did-you-mean."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, TypeVar

from ttdn_search.normalize import fold

VOCAB_FILE = "vocab.json"
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
    several segments). A compound's syllables count towards each syllable's frequency."""
    word_df: dict[str, int] = {}
    for text, df in words:
        word_df[text] = word_df.get(text, 0) + df
    compounds: dict[str, list] = {}
    syllable_df: dict[str, int] = {}
    for text, df in word_df.items():
        if not any(c.isalpha() for c in text):
            continue
        for syl in text.split("_"):
            syllable_df[syl] = syllable_df.get(syl, 0) + df
        if df < min_df or "_" not in text:
            continue
        f = fold(text)
        cur = compounds.get(f)
        if cur is None or df > cur[1]:
            compounds[f] = [text, df]
    syllables: dict[str, list] = {}
    for text, df in syllable_df.items():
        if df < min_df:
            continue
        f = fold(text)
        cur = syllables.get(f)
        if cur is None or df > cur[1]:
            syllables[f] = [text, df]
    return {"w": compounds, "s": syllables}


def read_vocab(index_dir: Path) -> dict | None:
    """The vocabulary vocab.json keeps, or None when it is missing or not what `build_vocab` writes (a
    damaged file is derived data: the caller builds the vocabulary from the companions instead, and the
    next index run writes it anew)."""
    try:
        vocab = json.loads((Path(index_dir) / VOCAB_FILE).read_text("utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(vocab, dict) or not all(isinstance(vocab.get(k), dict) for k in ("w", "s")):
        return None
    for part in (vocab["w"], vocab["s"]):
        for entry in part.values():
            if not (type(entry) is list and len(entry) == 2 and type(entry[0]) is str and type(entry[1]) is int):
                return None
    return vocab


def write_vocab(index_dir: Path, everything, new_segments: list | None = None) -> None:
    """Write vocab.json from the whole index (`everything`: an iterable of (word, df) pairs), or, given
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
                        old[f] = [text, df]
                    elif cur[0] == text:
                        cur[1] += df
                    elif df > cur[1]:
                        old[f] = [text, df]
    tmp = Path(index_dir) / (VOCAB_FILE + ".tmp")
    tmp.write_text(json.dumps(vocab, ensure_ascii=False, separators=(",", ":")), "utf-8")
    tmp.replace(Path(index_dir) / VOCAB_FILE)
