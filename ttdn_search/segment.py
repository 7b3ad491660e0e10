"""Vietnamese word segmentation: pyvi's own CRF model, tagged with CRFsuite's arithmetic, same output, cheaper.

`tokenize(text)` returns exactly what `pyvi.ViTokenizer.tokenize(text)` returns (pyvi 0.1.1), and
`word_spans(text)` gives the character offsets of each word in the original text.

Why not call pyvi: its module imports scikit-learn and scipy through sklearn_crfsuite (0.8 s, ~300 MB),
builds one dict of 15 features per syllable, and joins its output by repeated string concatenation
(quadratic in the input length). The model itself is a plain CRFsuite file pickled inside a
sklearn_crfsuite.CRF object (crf_model.py reads it, and its weights); we build, in pyvi's order, only the
attributes the model knows and only those whose value is not 0, and sum their weights and run Viterbi as
CRFsuite does (`_Model`), without the cost of handing every attribute name to its C++ tagger.

Whole inputs, never split: pyvi tags the whole string as one CRF sequence ("\n" is a syllable), and so do
we, in time linear in its length. Splitting changes the output: on 1,000 news-20k articles, tagging each
paragraph alone changed the words of 11 of 4,661 paragraphs (10 articles), and tagging each sentence alone
changed 74 of 15,578 sentences, because features look two syllables across the cut and Viterbi is global.
Repeated inputs (bylines, boilerplate, quotes) are served from a cache keyed by the exact input string.
"""

from __future__ import annotations

import re
import string
import unicodedata
from array import array
from collections.abc import Iterable
from functools import lru_cache

__all__ = ["tokenize", "segmented", "word_spans", "segment_many", "backend"]

# pyvi's sylabelize pattern, alternative by alternative and in the same order (first match wins); its
# groups are made non-capturing, which changes what findall returns, not what matches.
_SYLLABLE_RE = re.compile(
    "|".join(
        [
            r"[A-ZĐ]+\.", r"Tp\.", r"Mr\.", r"Mrs\.", r"Ms\.", r"Dr\.", r"ThS\.",  # abbreviations: "TP." "Mr."
            "==>", "->", r"\.\.\.", ">>", "\n",  # specials: arrows, ellipsis, newline (a syllable of its own)
            r"\w+://[^\s]+",  # web: "https://vnexpress.net/a"
            r"(?:[a-zA-Z0-9_.+-]+@(?:[a-zA-Z0-9-]+\.)+[a-zA-Z0-9-]+)",  # email: "ban.doc@vnexpress.net"
            r"\d+(?:[\.,_]\d+)+",  # digit groups: "1.500" "3,14"
            r"[^\w\s]",  # one punctuation character
            r"\w+",  # a syllable
        ]
    ),
    re.UNICODE,
)
# No alternative matches whitespace except "\n" (alone), and none looks around, so the syllables of a text
# are those of each run of non-space characters, and of each newline, in turn. A run of letters only
# (str.isalpha, a subset of \w) can match nothing but \w+, so it is one syllable: the common case, done
# here without the 17-way alternation, which is most of pyvi's syllabification cost.
_RUN_RE = re.compile(r"\S+|\n")
_runs: dict[str, list[str]] = {}


def _syllables(nfc: str) -> list[str]:
    """pyvi's sylabelize(nfc)[1]: the syllables of an NFC text."""
    out: list[str] = []
    for run in _RUN_RE.findall(nfc):
        if run.isalpha():
            out.append(run)
        else:
            sylls = _runs.get(run)
            if sylls is None:
                if len(_runs) > 50_000:
                    _runs.clear()
                sylls = _runs[run] = _SYLLABLE_RE.findall(run)
            out.extend(sylls)
    return out


_PUNCT = string.punctuation


_NONE: frozenset = frozenset()
_EMPTY: dict = {}
# The n-gram attributes that follow a neighbour's attributes, by (bigram?, trigram?).
_LEFT_FLAGS = {(b, t): tuple(n for n, on in ((b"-1:word.bi_gram()", b), (b"-2:word.tri_gram()", t)) if on)
               for b in (False, True) for t in (False, True)}
_RIGHT_FLAGS = {(b, t): tuple(n for n, on in ((b"+1:word.bi_gram()", b), (b"+2:word.tri_gram()", t)) if on)
                for b in (False, True) for t in (False, True)}


class _Model:
    """pyvi's CRF model as weights, pyvi's n-gram sets, and per-syllable scores memoised across calls.

    Tagging is CRFsuite's own arithmetic done here: the state score of a syllable for each label is the
    sum, in item order, of the weights of its attributes (crf1dt_state_score: starting from 0.0, each
    attribute's weight added in turn), and Viterbi takes the first label of a tie (crf1dc_viterbi). The
    same doubles added in the same order give the same scores, bit for bit, so the same labels; only the
    sum of a syllable's own attributes, which come first, is added once and kept. The CRFsuite tagger
    (python-crfsuite) is kept beside it: `items` and `tagger` tag the same way, for tests to compare.
    """

    def __init__(self):
        import pycrfsuite

        from ttdn_search.crf_model import cached_model, pyvi_dir, read_ngrams, weights

        d = pyvi_dir()

        # open_inmemory: the bytes are checked already, and CRFsuite reads them in place, so keep them.
        self.model = cached_model(d / "models" / "pyvi3.pkl")
        self.tagger = pycrfsuite.Tagger()
        self.tagger.open_inmemory(self.model)
        labels, self.state, ((t00, t01), (t10, t11)) = weights(self.model)
        if labels != [b"B_W", b"I_W"] or set(self.tagger.labels()) != {"B_W", "I_W"}:
            raise ValueError(f"unexpected labels {labels}")
        self.trans = (t00, t01, t10, t11)
        self.bi, self.tri = read_ngrams(d / "models" / "words.txt")
        self.memo: dict[str, tuple] = {}
        # Attribute tuples are shared between syllables: most rare syllables (names, numbers) have the
        # same few, which keeps a memo entry near 300 bytes.
        self.shared: dict[tuple, tuple] = {}

    def _attrs(self, *names: str) -> tuple[bytes, ...]:
        # Exactly what CRFsuite would keep: it looks names up as C strings, so a NUL ends the name
        # (the syllable "\0" really does hit the model's "word.lower():" attribute).
        keep = tuple(b for b in (n.encode("utf-8").split(b"\0", 1)[0] for n in names) if b in self.state)
        return self.shared.setdefault(keep, keep)

    def _syllable(self, w: str) -> tuple:
        # Attributes of one syllable as itself, as left neighbour, as right neighbour, in pyvi's order.
        # pyvi's boolean features are attributes of weight 1.0 (True) or 0.0 (False); a 0.0 attribute adds
        # exactly 0 to every score, so leaving it out changes nothing.
        low = w.lower()
        up, title, digit = w.isupper(), w.istitle(), w.isdigit()
        own = self._attrs("bias", "word.lower():" + low, *(
            name for name, on in (("word.isupper()", up), ("word.istitle()", title), ("word.isdigit()", digit)) if on
        ))
        left = self._attrs("-1:word.lower():" + low, *(
            name for name, on in (("-1:word.istitle()", title), ("-1:word.isupper()", up)) if on
        ))
        right = self._attrs("+1:word.lower():" + low, *(
            name for name, on in (("+1:word.istitle()", title), ("+1:word.isupper()", up)) if on
        ))
        # As a neighbour, followed by its n-gram flags: variant [bigram + 2 * trigram].
        share = self.shared.setdefault

        def variants(base: tuple, flags: dict) -> tuple:
            vs = tuple(share(v, v) for v in (base + flags[b, t] for t in (False, True) for b in (False, True)))
            return share(vs, vs)

        lefts, rights = variants(left, _LEFT_FLAGS), variants(right, _RIGHT_FLAGS)
        # Scores: the own attributes' sums (B, I), each added from 0.0 in order; a neighbour variant's
        # weights as they are to be added after them, in order.
        state = self.state
        b = i = 0.0
        for name in own:
            wb, wi = state[name]
            b += wb
            i += wi
        weights = self._weights
        entry = (low, own, lefts, rights, self.bi.get(low, _NONE), self.tri.get(low, _EMPTY),
                 b, i, tuple(weights(v) for v in lefts), tuple(weights(v) for v in rights))
        if len(self.memo) > 100_000:  # names and numbers are open-ended; keep the memo bounded
            self.memo.clear()
        self.memo[w] = entry
        return entry

    def _weights(self, names: tuple) -> tuple:
        state = self.state
        ws = tuple(state[n] for n in names)
        return self.shared.setdefault(("w",) + ws, ws)

    def _info(self, sylls: list[str]) -> tuple[list, list[int], list[int]]:
        memo = self.memo
        info = [memo.get(w) or self._syllable(w) for w in sylls]
        lows = [e[0] for e in info]
        # left[i]: the variant of syllable i-1 as left neighbour of i, [bigram(i-1, i) + 2 * trigram(i-2..i)];
        # right[i]: the variant of syllable i+1 as right neighbour of i (its bigram, the trigram i..i+2).
        big = [False] + [b in e[4] for e, b in zip(info, lows[1:])]
        tri = [False, False] + [c in e[5].get(b, _NONE) for e, b, c in zip(info, lows[1:], lows[2:])]
        left = [0] + [b + 2 * t for b, t in zip(big[1:], tri[1:])]
        right = [b + 2 * t for b, t in zip(big[1:], tri[2:] + [False])] + [0]
        return info, left, right

    def items(self, sylls: list[str]) -> list[tuple[bytes, ...]]:
        """pyvi's word2features for every syllable, as lists of CRFsuite attribute names (for `tagger`)."""
        info, left, right = self._info(sylls)
        n = len(info)
        return [e[1] + (info[k - 1][2][left[k]] if k else ()) + (info[k + 1][3][right[k]] if k + 1 < n else ())
                for k, e in enumerate(info)]

    def labels(self, sylls: list[str]) -> list[str]:
        """CRFsuite's Viterbi labels for pyvi's features of `sylls` (what `tagger.tag(items(sylls))` gives)."""
        info, left, right = self._info(sylls)
        n = len(info)
        t00, t01, t10, t11 = self.trans
        back: list[int] = []  # per position: bit 0 the best previous label for B, bit 1 for I
        c0 = c1 = 0.0
        for k, e in enumerate(info):
            s0, s1 = e[6], e[7]
            if k:
                for w0, w1 in info[k - 1][8][left[k]]:
                    s0 += w0
                    s1 += w1
            if k + 1 < n:
                for w0, w1 in info[k + 1][9][right[k]]:
                    s0 += w0
                    s1 += w1
            if k:
                # To B from B or I, to I from B or I: the first of equal scores wins, as in CRFsuite.
                x, y = c0 + t00, c1 + t10
                u, v = c0 + t01, c1 + t11
                back.append((y > x) | ((v > u) << 1))
                c0 = (y if y > x else x) + s0
                c1 = (v if v > u else u) + s1
            else:
                c0, c1 = s0, s1
        label = 1 if c1 > c0 else 0
        out = [label] * n
        for k in range(n - 1, 0, -1):
            label = (back[k - 1] >> label) & 1
            out[k - 1] = label
        return [_LABELS[x] for x in out]


_LABELS = ("B_W", "I_W")


class _Stock:
    """Fallback: stock pyvi, used only when pyvi's pickle is not what `_Model` expects."""

    def __init__(self):
        from pyvi import ViTokenizer

        self.vt = ViTokenizer.ViTokenizer

    def labels(self, sylls: list[str]) -> list[str]:
        return self.vt.model.predict([self.vt.sent2features(sylls, False)])[0]


_engine = None


def _get_engine():
    global _engine
    if _engine is None:
        try:
            _engine = _Model()
        except Exception as e:  # any surprise in the pickle or the cache: stay correct, just slower
            import logging

            logging.getLogger(__name__).warning("falling back to stock pyvi: %s: %s", type(e).__name__, e)
            _engine = _Stock()
    return _engine


def backend() -> str:
    """Which engine segments: "crfsuite" (pyvi's model, run directly) or "pyvi" (the stock fallback)."""
    return "crfsuite" if isinstance(_get_engine(), _Model) else "pyvi"


def _labels(sylls: list[str]) -> list[str]:
    eng = _get_engine()
    return eng.labels(sylls)


class Segmented:
    """pyvi's output for one text (`out`), the text's NFC form, and the (start, end) offsets into it of each
    word of `out` in turn, flat (`flat`, "\n" words included; computed when first asked for: the indexer's
    word view needs them only for the rare word of several syllables that holds punctuation)."""

    __slots__ = ("out", "nfc", "_sylls", "_joined", "_flat")

    def __init__(self, out: str, nfc: str, sylls: list[str], joined: set[int]):
        # joined: the syllables that continue the word before them
        self.out, self.nfc, self._sylls, self._joined, self._flat = out, nfc, sylls, joined, None

    @property
    def flat(self) -> array:
        if self._flat is None:
            # Between two syllables there is only whitespace other than "\n" (a newline is a syllable),
            # and no syllable starts with such whitespace, so the next syllable is the next find() hit.
            sylls, joined = self._sylls, self._joined
            starts = [i for i in range(len(sylls)) if i not in joined]
            spans: list[int] = []
            add, find, pos = spans.append, self.nfc.find, 0
            for a, b in zip(starts, starts[1:] + [len(sylls)]):
                w = sylls[a]
                start = find(w, pos)
                pos = start + len(w)
                for k in range(a + 1, b):
                    w = sylls[k]
                    pos = find(w, pos) + len(w)
                add(start)
                add(pos)
            self._flat = array("l", spans)
        return self._flat


def _segment(text: str) -> Segmented:
    """pyvi's output for `text`, its NFC form, and where each word is (`Segmented`)."""
    nfc = unicodedata.normalize("NFC", text)
    sylls = _syllables(nfc)
    if not sylls:
        return Segmented(text, nfc, [], set())  # pyvi returns its input untouched when it finds no syllable
    labels = _labels(sylls)
    n = len(sylls)
    # pyvi's join rule verbatim, including `in` as a substring test on string.punctuation.
    joined = {
        i
        for i in [i for i, label in enumerate(labels) if label == "I_W" and i]
        if (cur := sylls[i]) not in _PUNCT
        and (prev := sylls[i - 1]) not in _PUNCT
        and not cur[0].isdigit()
        and not prev[0].isdigit()
        and not (cur[0].istitle() and not prev[0].istitle())
    }
    # Syllables of a word are joined by "_", words by " ", whatever separated them in the text: the
    # syllables interleaved with their separators, joined once.
    if joined:
        seps = [" "] * (n - 1)
        for i in joined:
            seps[i - 1] = "_"
        parts = [""] * (2 * n - 1)
        parts[::2] = sylls
        parts[1::2] = seps
        out = "".join(parts)
    else:
        out = " ".join(sylls)
    return Segmented(out, nfc, sylls, joined)


# Repeated paragraphs (bylines, boilerplate, quotes) are tagged once. Only short texts are kept: they are
# the ones that repeat, and a cache of whole articles would cost far more memory than it saves time.
_CACHED_CHARS = 1000
_cached_segment = lru_cache(maxsize=4096)(_segment)


def _lookup(text: str) -> Segmented:
    return _cached_segment(text) if len(text) <= _CACHED_CHARS else _segment(text)


def tokenize(text: str) -> str:
    """Segment `text` into words joined by "_", exactly as `pyvi.ViTokenizer.tokenize(text)` does."""
    return _lookup(text).out


def segmented(text: str) -> Segmented:
    """`tokenize(text)` (`.out`), the NFC form of `text` (`.nfc`) and the flat (start, end) offsets into
    that NFC form of each word of the tokenized string in turn (`.flat`): for callers that walk the words."""
    return _lookup(text)


def word_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of each word of `text`, into `text` itself (not its NFC form).

    A word is what `tokenize` joins with "_". pyvi also treats each newline as a word of its own; those
    are left out here, as a caller building tokens or highlights has no use for them.
    """
    seg = _lookup(text)
    nfc = seg.nfc
    it = iter(seg.flat)
    spans = [(s, e) for s, e in zip(it, it) if e - s > 1 or nfc[s] != "\n"]
    if nfc is text or nfc == text:
        return spans
    to_orig = _nfc_offsets(text, nfc)
    return [(to_orig[s], to_orig[e]) for s, e in spans]


def segment_many(texts: Iterable[str]) -> list[list[tuple[int, int]]]:
    """`word_spans` of each text; repeated texts in the batch are tagged once (see `_cached_segment`)."""
    return [word_spans(t) for t in texts]


def _nfc_offsets(text: str, nfc: str) -> list[int]:
    """For each offset into `nfc` (0..len), the matching offset into `text`; only for non-NFC input."""
    # Cut `text` before every starter (combining class 0). NFC reorders and composes combining marks
    # with their starter, so normally NFC(text) is the concatenation of the pieces' NFC forms; a few
    # scripts compose starter with starter (Hangul jamo), which the check below catches, and then the
    # text is mapped as one piece.
    cuts = [i for i, c in enumerate(text) if not unicodedata.combining(c)]
    if not cuts or cuts[0]:
        cuts.insert(0, 0)
    pieces = [text[a:b] for a, b in zip(cuts, cuts[1:] + [len(text)])]
    norms = [unicodedata.normalize("NFC", piece) for piece in pieces]
    if "".join(norms) != nfc:
        pieces, norms = [text], [nfc]
    out: list[int] = []
    pos = 0
    for piece, norm in zip(pieces, norms):
        if norm == piece:
            out.extend(range(pos, pos + len(piece)))
        else:
            # An offset inside a changed piece maps to the shortest prefix of the piece that normalises to
            # the same text, so a composed character takes all its combining marks.
            prefixes = [unicodedata.normalize("NFC", piece[:k]) for k in range(len(piece) + 1)]
            for j in range(len(norm)):
                out.append(pos + next((k for k, pre in enumerate(prefixes) if pre == norm[:j]), 0))
        pos += len(piece)
    out.append(pos)
    return out
