"""Which matching documents to score, and their scores.

Candidates are all matches, or when more than RERANK_DEPTH match, those holding every adjacent pair of a
run of the query (likely phrase holders), then the others; within each, those with the most query
syllables in the title. Each is scored by BM25 over the folded syllables (title counted twice), relative
to the best candidate, plus phrase evidence (the longest run of the query's syllables in the title and
in the body), exact-diacritic evidence and, for short queries, whole-word evidence (pyvi's words).
"""

from __future__ import annotations

import math

from ttdn_search.engine import format as F
from ttdn_search.engine.bitmaps import at_least, count_planes, highest, members
from ttdn_search.engine.segments import Segments

# An article holding a run of the query whole (its syllables together, in order) ranks above every one
# that does not, whatever the rest of its score (at most about 4): first those holding it with the typed
# diacritics, then in the title before in the body.
W_HOLDS_EXACT = 20.0
W_HOLDS_TITLE = 10.0
W_HOLDS_BODY = 5.0
W_EXACT = 0.6
W_WORDS = 0.5
W_PHRASE_TITLE = 1.0
W_PHRASE_BODY = 1.0
RERANK_DEPTH = 50
BM25_K1, BM25_B = 1.2, 0.75


# A pattern no view holds: what a syllable no document of a segment holds is looked for as (views hold
# no NUL).
NEVER = b"\x00"


class Ranker:
    """Scores candidate documents from their companion records."""

    def __init__(self, view: Segments, runs: list, restore=None):
        """`restore`: folded syllables -> their likeliest accented spelling (the suggester's), so that of
        the articles holding an accent-free run, those holding it as it is usually written come first."""
        self.view = view
        self.runs = [r for r in runs if r.folded]
        n = max(view.ndocs, 1)
        self.avgdl = view.avg_syllables or 1.0
        terms = dict.fromkeys(k for r in self.runs for k in r.folded)
        self.terms = [(k, self._idf(view.df(F.folded_key(k)), n)) for k in terms]
        # Each run as syllables; `_coded` writes them in each segment's codes.
        self.phrases = []
        for r in self.runs:
            exact = list(dict.fromkeys(r.keys)) if r.accented else []
            typed = None
            if len(r.keys) > 1:
                if r.accented:
                    typed = list(r.keys)
                elif restore is not None:
                    typed = list(restore(r.folded))
            self.phrases.append((r.folded, exact, list(dict.fromkeys(r.words)), typed))
        self._parts: dict[int, tuple] = {}

    def _coded(self, comp) -> tuple[list, list]:
        """The terms and phrases in this companion's codes (format.code_char), once per segment."""
        got = self._parts.get(id(comp))
        if got is not None:
            return got
        code, pattern = comp.code, comp.pattern
        terms = [(c, idf) for k, idf in self.terms if (c := code(k)) is not None]
        phrases = []
        for folded, exact, words, typed in self.phrases:
            pats = [pattern(folded[i : i + 2]) or NEVER for i in range(len(folded) - 1)]
            singles = [code(k) or NEVER for k in folded]
            exact_codes = [code(k) or NEVER for k in exact]
            word_pats = []
            for w in words:
                c = pattern([s for s in w.split("_") if s])
                word_pats.append(F.word_pattern(c) if c else NEVER)
            typed_pat = (pattern(typed) or NEVER) if typed is not None else None
            phrases.append((len(folded), pattern(folded) or NEVER, pats, singles, exact_codes, word_pats, typed_pat))
        got = self._parts[id(comp)] = (terms, phrases)
        return got

    @staticmethod
    def _idf(df: int, n: int) -> float:
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    @staticmethod
    def _longest(found: list[bool], singles_found: bool) -> int:
        best = cur = 0
        for f in found:
            cur = cur + 1 if f else 0
            best = max(best, cur)
        return best + 1 if best else (1 if singles_found else 0)

    def score(self, docnums: list[int]) -> list[tuple[float, int]]:
        """(score, document) of each, best first (ties by document number)."""
        locate = self.view.locate
        k1, b, avgdl = BM25_K1, BM25_B, self.avgdl
        raw = []
        for d in docnums:
            comp, local = locate(d)
            terms, phrases = self._coded(comp)
            title, body, words = comp.views(local)
            # A view is its syllables' codes: its length in syllables is its length in characters.
            dl = len(title.decode("utf-8")) + len(body.decode("utf-8"))
            norm = k1 * (1 - b + b * dl / avgdl)
            bm = 0.0
            for c, idf in terms:
                tf = body.count(c) + 2 * title.count(c)
                if tf:
                    bm += idf * tf * (k1 + 1) / (tf + norm)
            raw.append((bm, self._bonus(phrases, title, body, words), d))
        top = max((bm for bm, _, _ in raw), default=0.0) or 1.0
        out = [(bm / top + bonus, d) for bm, bonus, d in raw]
        tie = self.view.tie
        out.sort(key=lambda t: (-t[0], tie(t[1])))
        return out

    def _bonus(self, phrases: list, title: bytes, body: bytes, words: bytes) -> float:
        """Phrase, exact-diacritic and word evidence of one document (`phrases` in its segment's codes)."""
        bonus = 0.0
        syllables = None
        for n, whole, pats, singles, exact, wordpats, typed in phrases:
            if n > 1:
                # The whole run found is the longest run there is (and the common case for the best).
                in_title, in_body = whole in title, whole in body
                if in_title:
                    bonus += W_PHRASE_TITLE + W_HOLDS_TITLE
                else:
                    bonus += W_PHRASE_TITLE * self._longest([p in title for p in pats], any(s in title for s in singles)) / n
                if in_body:
                    bonus += W_PHRASE_BODY + (0.0 if in_title else W_HOLDS_BODY)
                else:
                    bonus += W_PHRASE_BODY * self._longest([p in body for p in pats], True) / n
                if typed is not None and (in_title or in_body):
                    if syllables is None:
                        syllables = F.syllable_view(words)
                    if typed in syllables:
                        bonus += W_HOLDS_EXACT
            if exact:
                if syllables is None:
                    syllables = F.syllable_view(words)
                bonus += W_EXACT * sum(k in syllables for k in exact) / len(exact)
            if wordpats:
                bonus += W_WORDS * sum(w in words for w in wordpats) / len(wordpats)
        return bonus


def _keys(runs) -> list[str]:
    return list(dict.fromkeys(k for r in runs for k in r.folded))


def candidates(view: Segments, matched: int, runs: list, depth: int) -> list[int]:
    """The documents of `matched` worth scoring: all of them when at most `depth`, else about `depth`:
    the articles that may hold a run of the query as a phrase (they hold all its adjacent pairs) first,
    then the others; within each, those with the most query syllables in the title."""
    if matched.bit_count() <= depth:
        return members(matched)
    likely = phrase_candidates(view, matched, runs)
    cands = title_candidates(view, likely, runs, depth) if likely else []
    if len(cands) < depth:
        cands += title_candidates(view, matched & ~likely, runs, depth - len(cands))
    return cands


def title_candidates(view: Segments, bm: int, runs: list, depth: int) -> list[int]:
    """About `depth` of the documents in bm: those with the most query syllables in the title first."""
    if bm.bit_count() <= depth:
        return members(bm)
    keys = _keys(runs)
    planes = count_planes(view.bitmap(F.title_key(k)) & bm for k in keys)
    chosen = 0
    for c in range(len(keys), 0, -1):
        tier = at_least(planes, c, bm) & ~chosen
        room = depth - chosen.bit_count()
        if tier.bit_count() >= room:
            return members(chosen) + highest(tier, room)
        chosen |= tier
    return members(chosen) + highest(bm & ~chosen, depth - chosen.bit_count())


def phrase_candidates(view: Segments, bm: int, runs: list) -> int:
    """The documents of bm holding every adjacent pair of syllables of some run of the query: all that
    hold a run as a phrase, and (pairs are hashed) a few that do not, which the ranker tells apart."""
    out = 0
    for r in runs:
        if len(r.folded) > 1:
            out |= view.phrase_candidates(r.folded, bm)
    return out


def most_words(view: Segments, runs: list, allowed: int) -> int:
    """For a query nothing matches in full: the documents of `allowed` holding the most of its syllables
    (folded), all those with the largest number of them that any holds. A filter narrowing `allowed`
    keeps that number whenever it keeps any of those documents, so facet counts of this set are the
    totals their filters give."""
    keys = _keys(runs)
    keys.sort(key=lambda k: view.df(F.folded_key(k)))
    keys = keys[:24]
    planes = count_planes(view.bitmap(F.folded_key(k)) & allowed for k in keys)
    for c in range(len(keys), 0, -1):
        tier = at_least(planes, c, allowed)
        if tier:
            return tier
    return 0
