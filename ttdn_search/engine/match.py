"""A parsed, analysed query tree -> the bitmap of the documents it matches.

Every syllable of a run of words must occur in the folded view of the title or the body, so a run is an
AND of bitmaps and the total and the facets are exact. A quoted phrase is then verified: its bigram
buckets narrow the matches, and each one left is searched for the phrase in place (and, typed with
diacritics, for its exact syllables).
"""

from __future__ import annotations

from ttdn_search import query as P
from ttdn_search.engine import format as F
from ttdn_search.engine.bitmaps import from_ids
from ttdn_search.engine.segments import Segments
from ttdn_search.engine.vocab import longest_compounds

# Queries of at most this many syllables also rank by whole words (pyvi's compounds).
SHORT_QUERY = 4


class Evaluator:
    """Evaluates a query tree on the companions; collects the runs it met, in order, for the ranker,
    and the keys to highlight."""

    def __init__(self, view: Segments):
        self.view = view
        self.exact: set[str] = set()
        self.folded: set[str] = set()
        self.runs: list[P.Run] = []

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

    def text(self, run: P.Run) -> int | None:
        if not run.keys:
            return None
        self.folded.update(run.folded)
        if run.accented:
            self.exact.update(run.keys)
        run.words = self.known_words(run.keys) if run.accented and len(run.keys) <= SHORT_QUERY else []
        self.runs.append(run)
        out = self.view.all_of([F.folded_key(k) for k in dict.fromkeys(run.folded)])
        if run.phrase and len(run.folded) > 1 and out:
            out = self._verify_phrase(out, run)
        return out

    def _verify_phrase(self, bm: int, run: P.Run) -> int:
        view = self.view
        # The bigram buckets narrow the matches down; each one left is searched in place.
        holders = view.verified(view.phrase_candidates(run.folded, bm), F.phrase_pattern(run.folded))
        if run.accented:
            exact = padded_keys(run.keys)
            kept = []
            for d in holders:
                syllables = view.views(d)[2].translate(F.WORDS_AS_SYLLABLES)
                if all(k in syllables for k in exact):
                    kept.append(d)
            holders = kept
        return from_ids(holders, view.ndocs)


def padded_keys(keys) -> list[bytes]:
    """Distinct keys as they look inside a stored view."""
    return [F.padded(k) for k in dict.fromkeys(keys)]
