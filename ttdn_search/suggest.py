"""Did you mean: accent restoration and spelling correction from the index's own vocabulary."""

from __future__ import annotations

import json
from pathlib import Path

from ttdn_search.analysis import iter_tokens
from ttdn_search.normalize import fold, has_diacritics, normalize

VOCAB_FILE = "vocab.json"
MIN_DF = 2


def build_vocab(words, min_df: int = MIN_DF) -> dict:
    """Most frequent accented spelling of every folded word and syllable, from (word, document
    frequency) pairs of the word view (companion.Segments.iter_words; a word may recur, from several
    segments). A compound's syllables count towards each syllable's frequency."""
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


def write_vocab(index_dir: Path, everything, new_segments: list | None = None) -> None:
    """Write vocab.json from the whole index (`everything`: an iterable of (word, df) pairs), or, given
    the companions of the segments a run added, update the existing file with their words only (a run
    that adds 100 articles to 100,000 reads 100 articles' words, not the whole vocabulary)."""
    vocab = None
    if new_segments is not None:
        try:
            vocab = json.loads((index_dir / VOCAB_FILE).read_text("utf-8"))
        except (OSError, ValueError):
            vocab = None
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
    tmp = index_dir / (VOCAB_FILE + ".tmp")
    tmp.write_text(json.dumps(vocab, ensure_ascii=False, separators=(",", ":")), "utf-8")
    tmp.replace(index_dir / VOCAB_FILE)


_LETTERS = "abcdefghijklmnopqrstuvwxyz"
MAX_SYLLABLE = 7


def _edits(word: str) -> set[str]:
    """Every string one deletion, transposition, replacement or insertion away (folded letters)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out.update(a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1)
    out.update(a + c + b[1:] for a, b in splits if b for c in _LETTERS)
    out.update(a + c + b for a, b in splits for c in _LETTERS)
    out.discard(word)
    return out


class Suggester:
    """Suggests a better query: accents restored, unknown words corrected."""

    def __init__(self, view, index_dir: Path):
        self.view = view  # companion.Segments: the words, should vocab.json be missing
        self.index_dir = Path(index_dir)
        self._vocab: dict | None = None

    @property
    def vocab(self) -> dict:
        if self._vocab is None:
            try:
                self._vocab = json.loads((self.index_dir / VOCAB_FILE).read_text("utf-8"))
            except (OSError, ValueError):
                self._vocab = build_vocab(self.view.iter_words())
        return self._vocab

    def restore_accents(self, folded_keys: list[str]) -> list[str]:
        words, syls = self.vocab["w"], self.vocab["s"]
        out: list[str] = []
        i = 0
        while i < len(folded_keys):
            for n in (4, 3, 2):
                if i + n <= len(folded_keys):
                    hit = words.get("_".join(folded_keys[i : i + n]))
                    if hit:
                        out.extend(hit[0].split("_"))
                        i += n
                        break
            else:
                hit = syls.get(folded_keys[i])
                out.append(hit[0] if hit else folded_keys[i])
                i += 1
        return out

    def correct(self, folded_keys: list[str]) -> list[str]:
        """Unknown syllables replaced by the most frequent known one within one edit (else two)."""
        syls = self.vocab["s"]
        out = []
        for k in folded_keys:
            # A Vietnamese syllable has at most 7 letters ("nghieng"); longer strings are names, codes or
            # noise, and two edits of them would cost (52 * length)^2 look-ups each.
            if k in syls or not k.isalpha() or not k.isascii() or len(k) > MAX_SYLLABLE + 1:
                out.append(k)
                continue
            near = [c for c in _edits(k) if c in syls]
            if not near and 3 < len(k) <= MAX_SYLLABLE:
                near = [c2 for c in _edits(k) for c2 in _edits(c) if c2 in syls]
            out.append(max(near, key=lambda c: (syls[c][1], c)) if near else k)
        return out

    def suggest(self, query: str, total: int) -> str | None:
        q = normalize(query)
        toks = [(kind, key) for kind, key, _, _ in iter_tokens(q)]
        if not toks or any(kind != "syl" for kind, _ in toks):
            return None
        fkeys = [fold(k) for _, k in toks]
        corrected = self.correct(fkeys) if total < 3 else fkeys
        if not has_diacritics(q):
            restored = self.restore_accents(corrected)
        elif corrected != fkeys:
            restored = self.restore_accents(corrected)
        else:
            return None
        text = " ".join(restored)
        if fold(text) == fold(" ".join(k for _, k in toks)) and (has_diacritics(q) or not has_diacritics(text)):
            return None
        return text
