"""A parsed, analysed query tree -> the bitmap of the documents it matches, at a given strictness.

Unquoted words are matched at one of three levels, strictest first (`Searcher.search` widens while a
level finds nothing):

- EXACT: a syllable typed with diacritics matches that syllable (case and tone-mark placement aside,
  through its exact key); one typed without them matches any accented form (its folded key), unless it
  belongs to a word typed with diacritics ("tin" of "thông tin"); and the syllables of each
  multi-syllable word of the query (cut by the index's own vocabulary) stand together in the title or
  the body.
- FOLDED: the same words together, diacritics ignored.
- LOOSE: every syllable anywhere in the title or body, diacritics ignored.

Every level is an AND of bitmaps, so the total and the facets are exact; words are then verified: the
postings of their adjacent pairs narrow the matches (exact ones for a frequent pair, which a two-syllable
word then needs no more, typed diacritics included), and each one left is searched for the word in place.
A quoted phrase is the same at every level: its syllables together, in order, and its typed diacritics
present.
"""

from __future__ import annotations

from typing import Callable

from ttdn_search import query as P
from ttdn_search.engine import format as F
from ttdn_search.engine.segments import Segments
from ttdn_search.engine.vocab import longest_compounds

EXACT, FOLDED, LOOSE = "exact", "folded", "loose"
LEVELS = (EXACT, FOLDED, LOOSE)
# Queries of at most this many syllables also rank by whole words (pyvi's compounds).
SHORT_QUERY = 4
# A compound of the query must be a word of at least this many articles to be required whole.
MIN_WORD_DF = 2


class Evaluator:
    """Evaluates a query tree on the companions at one level; collects the runs it met, in order, for the
    ranker, the keys to highlight, and whether typed diacritics or words narrowed anything (when neither
    did, a wider level would find the same)."""

    def __init__(self, view: Segments, level: str = EXACT,
                 folded_words: Callable[[str], object] | None = None):
        self.view = view
        self.level = level
        self.folded_words = folded_words  # folded compound -> truthy when the index knows it (vocab.bin)
        self.exact: set[str] = set()
        self.folded: set[str] = set()
        self.runs: list[P.Run] = []
        self.by_accents = False
        self.by_words = False

    def eval(self, node) -> int | None:
        """Bitmap of the documents a query node matches (deleted ones included), None for no words."""
        if node is None:
            return None
        if isinstance(node, (P.Text, P.Phrase)):
            return self.text(node.run)
        if isinstance(node, P.And):
            pos = [self.eval(n) for n in node.items if not isinstance(n, P.Not)]
            neg = [self.eval(n.node) for n in node.items if isinstance(n, P.Not)]
            pos = [b for b in pos if b is not None]
            out = self.view.everything if not pos else pos[0]
            for b in pos[1:]:
                out &= b
            for b in neg:
                if b is not None:
                    out &= ~b
            return out
        if isinstance(node, P.Or):
            subs = [b for b in (self.eval(n) for n in node.items) if b is not None]
            if not subs:
                return None
            out = 0
            for b in subs:
                out |= b
            return out
        if isinstance(node, P.Not):
            inner = self.eval(node.node)
            return self.view.everything & ~inner if inner is not None else None
        return None

    def known_words(self, keys: list[str]) -> list[str]:
        """Words of the query by the index's own vocabulary (longest known compound first, no pyvi)."""
        df = self.view.df
        return ["_".join(keys[i : i + n]) for i, n, hit in longest_compounds(keys, lambda w: df(F.word_key(w))) if hit]

    def word_spans(self, run: P.Run) -> list[tuple[int, int]]:
        """(start, length) of each group of syllables of a run that must stand together: its
        multi-syllable words (typed with diacritics throughout, by the index's exact words; otherwise by
        its folded vocabulary, so "nguyen phu trong" is one word, as "Nguyễn Phú Trọng" is), and each run
        of two or more syllables that no known word joins ("viện lúc", "năm 2020"): together they are
        what was typed, apart they are any two common syllables."""
        if all(F.has_exact_key(k) for k in run.keys):
            df = self.view.df
            pieces = longest_compounds(run.keys, lambda w: df(F.word_key(w)) >= MIN_WORD_DF)
        elif self.folded_words is not None:
            pieces = longest_compounds(run.folded, self.folded_words)
        else:
            pieces = [(i, 1, None) for i in range(len(run.keys))]
        spans: list[tuple[int, int]] = []
        single: list[int] = []
        for i, n, hit in pieces + [(len(run.keys), 0, True)]:
            if not hit or n == 1:
                single.append(i)
                continue
            if len(single) > 1:
                spans.append((single[0], len(single)))
            single = []
            if n > 1:
                spans.append((i, n))
        return sorted(spans)

    def text(self, run: P.Run) -> int | None:
        if not run.keys:
            return None
        run.words = self.known_words(run.keys) if run.accented and len(run.keys) <= SHORT_QUERY else []
        self.runs.append(run)
        if run.phrase:
            self.folded.update(run.folded)
            if run.accented:
                self.exact.update(run.keys)
            out = self.view.all_of([F.folded_key(k) for k in dict.fromkeys(run.folded)])
            if len(run.folded) > 1 and out:
                out = self._verify_phrase(out, run)
            return out
        strict = self.level == EXACT
        typed = [strict and F.has_exact_key(k) for k in run.keys]
        for k, f, t in zip(run.keys, run.folded, typed):
            if t:
                self.exact.add(k)
            else:
                self.folded.add(f)
        self.by_accents |= any(typed)
        keys = [F.exact_key(k) if t else F.folded_key(f) for k, f, t in zip(run.keys, run.folded, typed)]
        out = self.view.all_of(list(dict.fromkeys(keys)))
        if self.level == LOOSE or not out:
            return out
        for i, n in self.word_spans(run):
            self.by_words = True
            # A word typed with diacritics is typed as meant, its toneless syllables too ("thông tin" is
            # not "thống tín"); a word typed without any matches every accented form.
            out = self._verify_word(out, run.keys[i : i + n], run.folded[i : i + n], any(typed[i : i + n]))
            if not out:
                break
        return out

    def _verify_word(self, bm: int, keys: list[str], folded: list[str], exact: bool) -> int:
        """The documents of bm holding the word's syllables together: folded, searched in place; then,
        for a word typed with diacritics (`exact`), as typed (only the folded holders' word views are
        read, not every candidate's)."""
        holders = self.view.holders(folded, bm)
        return self.view.words_holding(holders, [keys]) if exact and holders else holders

    def _verify_phrase(self, bm: int, run: P.Run) -> int:
        holders = self.view.holders(run.folded, bm)
        if run.accented and holders:
            holders = self.view.words_holding(holders, [[k] for k in dict.fromkeys(run.keys)])
        return holders
