"""Did you mean: accent restoration and spelling correction from the index's own vocabulary."""

from __future__ import annotations

from pathlib import Path

from ttdn_search.engine.format import folded_key
from ttdn_search.engine.vocab import build_vocab, longest_compounds, read_vocab
from ttdn_search.normalize import fold, has_diacritics

_LETTERS = "abcdefghijklmnopqrstuvwxyz"
MAX_SYLLABLE = 7


def edits(word: str) -> set[str]:
    """Every string one deletion, transposition, replacement or insertion away (folded letters)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out.update(a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1)
    out.update(a + c + b[1:] for a, b in splits if b for c in _LETTERS)
    out.update(a + c + b for a, b in splits for c in _LETTERS)
    out.discard(word)
    return out


def _marks(word: str) -> str:
    """The diacritics of a word, in order: what folding removes."""
    return "".join(a for a, b in zip(word, fold(word)) if a != b)


def _slips(word: str) -> set[str]:
    """One deletion or one swap of adjacent letters, the letters as typed (diacritics kept)."""
    out = {word[:i] + word[i + 1 :] for i in range(len(word))}
    out.update(word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1))
    out.discard(word)
    out.discard("")
    return out


class Suggester:
    """Suggests a better query: accents restored, unknown words corrected."""

    def __init__(self, view, index_dir: Path):
        self.view = view  # engine.segments.Segments: the words, should vocab.bin be missing
        self.index_dir = Path(index_dir)
        self._vocab: dict | None = None

    @property
    def vocab(self) -> dict:
        if self._vocab is None:
            self._vocab = read_vocab(self.index_dir) or build_vocab(self.view.iter_words())
        return self._vocab

    def _held(self, folded: str) -> bool:
        """True when some article holds the folded syllable (the vocabulary keeps only those of two)."""
        return self.view is not None and bool(self.view.df(folded_key(folded)))

    def restore_accents(self, folded_keys: list[str]) -> list[str]:
        words, syls = self.vocab["w"], self.vocab["s"]
        out: list[str] = []
        for i, n, hit in longest_compounds(folded_keys, words.get):
            if hit:
                out.extend(hit[0].split("_"))
            else:
                syl = syls.get(folded_keys[i])
                out.append(syl[0] if syl else folded_keys[i])
        return out

    def correct(self, folded_keys: list[str]) -> list[str]:
        """Unknown syllables replaced by the most frequent known one within one edit (else two)."""
        syls = self.vocab["s"]
        out = []
        for k in folded_keys:
            # A Vietnamese syllable has at most 7 letters ("nghieng"); longer strings are names, codes or
            # noise, and two edits of them would cost (52 * length)^2 look-ups each.
            if k in syls or not k.isalpha() or not k.isascii() or len(k) > MAX_SYLLABLE + 1 or self._held(k):
                out.append(k)
                continue
            near = [c for c in edits(k) if c in syls]
            if not near and 3 < len(k) <= MAX_SYLLABLE:
                near = [c2 for c in edits(k) for c2 in edits(c) if c2 in syls]
            out.append(max(near, key=lambda c: (syls[c][1], c)) if near else k)
        return out

    def correct_keys(self, keys: list[str], known) -> list[str]:
        """Syllable keys with each one the index does not hold as typed (`known(key)` is 0) replaced by
        the likeliest known one: first one deletion or swap of the typed letters, diacritics kept
        ("chỉnhj" -> "chỉnh", "ilền" -> "liền"); else the most frequent spelling of the nearest folded
        syllable (`correct`)."""
        out = []
        for k in keys:
            if not k.isalpha() or known(k) or len(k) > MAX_SYLLABLE + 2:
                out.append(k)
                continue
            near = [c for c in _slips(k) if known(c)]
            if near:  # the typed marks are meant: a slip that keeps them first ("tári" -> "trái", not "tri")
                marks = _marks(k)
                out.append(max(near, key=lambda c: (_marks(c) == marks, known(c), c)))
                continue
            f = fold(k)
            c = self.correct([f])[0]
            hit = self.vocab["s"].get(c) if c != f else None
            out.append(hit[0] if hit else k)
        return out

    def spelled(self, folded: list[str], docs: list[int]) -> str | None:
        """How the articles `docs` most often write a run of folded syllables ("vo van thuong" ->
        "võ văn thưởng"): the spelling read from their own words, None when none holds the run."""
        seen = self.view.spellings(docs, folded)
        return max(seen, key=lambda s: (seen[s], s)) if seen else None

    def suggest(self, aq, total: int) -> str | None:
        """A better spelling of an analysed query (query.AnalysedQuery), None when there is none.

        Only the words are respelled, each run and phrase on its own: quotes, AND/OR/NOT, "-", brackets
        and field:value stay as typed ("hue OR da nang" -> "huế OR đà nẵng", never "huế or ..."). `total`
        is how many articles hold the query as typed; a query typed with diacritics that some hold gets
        no suggestion."""
        from ttdn_search.query import lex_words

        if has_diacritics(aq.normalized) and total:
            return None
        parts = lex_words(aq.query)
        if not any(kind in ("words", "phrase") for kind, _ in parts):
            return None
        out, changed = [], False
        for kind, text in parts:
            if kind in ("words", "phrase"):
                better = self._respell(text, total)
                changed |= better is not None
                text = better or text
                out.append(f'"{text}"' if kind == "phrase" else text)
            else:
                out.append(text)
        if not changed:
            return None
        return "".join(out).strip()

    def _respell(self, text: str, total: int) -> str | None:
        """One run of words respelled: unknown syllables corrected (when few articles hold the query) and
        accents restored where none were typed; None when nothing changes."""
        from ttdn_search.analysis import iter_tokens
        from ttdn_search.normalize import normalize

        q = normalize(text)
        toks = [(kind, key) for kind, key, _, _ in iter_tokens(q)]
        if not toks or any(kind != "syl" for kind, _ in toks):
            return None
        fkeys = [fold(k) for _, k in toks]
        corrected = self.correct(fkeys) if total < 3 else fkeys
        if has_diacritics(q) and corrected == fkeys:
            return None
        restored = " ".join(self.restore_accents(corrected))
        if fold(restored) == fold(" ".join(k for _, k in toks)) and (has_diacritics(q) or not has_diacritics(restored)):
            return None
        return restored
