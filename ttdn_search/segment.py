"""Vietnamese word segmentation: pyvi's own CRF model run through python-crfsuite, same output, cheaper.

`tokenize(text)` returns exactly what `pyvi.ViTokenizer.tokenize(text)` returns (pyvi 0.1.1), and
`word_spans(text)` gives the character offsets of each word in the original text.

Why not call pyvi: its module imports scikit-learn and scipy through sklearn_crfsuite (0.8 s, ~300 MB),
builds one dict of 15 features per syllable, and joins its output by repeated string concatenation
(quadratic in the input length). The model itself is a plain CRFsuite file pickled inside a
sklearn_crfsuite.CRF object: we unpickle it with stubs, write it once to a cache file, and give the
tagger, in pyvi's order, only the attributes the model knows and only those whose value is not 0.

Whole inputs, never split: pyvi tags the whole string as one CRF sequence ("\n" is a syllable), and so do
we, in time linear in its length. Splitting changes the output: on 1,000 news-20k articles, tagging each
paragraph alone changed the words of 11 of 4,661 paragraphs (10 articles), and tagging each sentence alone
changed 74 of 15,578 sentences, because features look two syllables across the cut and Viterbi is global.
Repeated inputs (bylines, boilerplate, quotes) are served from a cache keyed by the exact input string.
"""

from __future__ import annotations

import os
import re
import string
import unicodedata
from array import array
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the model loader imports it when first needed: import stays cheap for searches
    from pathlib import Path

__all__ = ["tokenize", "word_spans", "segment_many", "backend"]

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


class _Stub:
    """Stands in for every class named in the pickle: keeps the state it is given, runs no code."""

    def __init__(self, *args, **kwargs):
        self.args = args

    def __setstate__(self, state):
        self.__dict__.update(state if isinstance(state, dict) else {"state": state})


# Only these names occur in pyvi3.pkl; anything else means the file is not what we expect.
_STUBBED = {
    ("sklearn_crfsuite.estimator", "CRF"),
    ("sklearn_crfsuite._fileresource", "FileResource"),
    ("pycrfsuite._logparser", "TrainLogParser"),
    ("numpy.core.multiarray", "scalar"),  # hyper-parameters c1, c2: unused at tagging time
    ("numpy", "dtype"),
}


def _pyvi_dir() -> Path:
    import importlib.util
    from pathlib import Path

    # find_spec("pyvi") runs nothing; the submodule ViTokenizer would load scikit-learn.
    spec = importlib.util.find_spec("pyvi")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("pyvi is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def _cache_dir() -> Path:
    from pathlib import Path

    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "ttdn-search"


def _model_bytes(pkl: Path) -> bytes:
    """The CRFsuite model file that sklearn_crfsuite pickled inside pyvi's CRF object."""
    import codecs
    import pickle

    class Unpickler(pickle.Unpickler):
        def find_class(self, module, name):
            if (module, name) == ("_codecs", "encode"):
                return codecs.encode  # protocol-2 pickles spell bytes as codecs.encode(str, "latin1")
            if (module, name) in _STUBBED:
                return _Stub
            raise pickle.UnpicklingError(f"unexpected global {module}.{name} in pyvi model")

    with open(pkl, "rb") as f:
        crf = Unpickler(f).load()
    data = getattr(getattr(crf, "modelfile", None), "__dict__", {}).get("__FILE_RESOURCE_DATA__")
    # A CRFsuite file starts with its magic and its own length.
    if not isinstance(crf, _Stub) or not isinstance(data, bytes) or data[:4] != b"lCRF" or (
        int.from_bytes(data[4:8], "little") != len(data)
    ):
        raise ValueError("pyvi model pickle does not hold a CRFsuite model")
    return data


def _cached_model(pkl: Path) -> bytes:
    """pyvi's CRFsuite model, from our cache file, written there from the pickle on first use."""
    import hashlib
    import tempfile
    from pathlib import Path

    def digest(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()[:16]

    st = pkl.stat()
    key = f"pyvi3-{st.st_size}-{st.st_mtime_ns}-{digest(pkl.read_bytes())}"
    dirs = (_cache_dir(), Path(tempfile.gettempdir()) / f"ttdn-search-{os.getuid()}")
    # The file name ends with the model's own digest: CRFsuite crashes (not raises) on a damaged model,
    # so a file is used only if its bytes match.
    for path in (p for d in dirs if d.is_dir() for p in sorted(d.glob(f"{key}-*.crfsuite"))):
        try:
            data = path.read_bytes()
            if path.stem.endswith("-" + digest(data)):
                return data
            path.unlink()
        except OSError:
            continue
    data = _model_bytes(pkl)
    for directory in dirs:
        try:
            directory.mkdir(parents=True, exist_ok=True)
            tmp = directory / f"{key}.{os.getpid()}.tmp"
            tmp.write_bytes(data)
            os.replace(tmp, directory / f"{key}-{digest(data)}.crfsuite")  # atomic for concurrent workers
            break
        except OSError:
            continue  # not writable: next time we unpickle again, which is only slower
    return data


def _attribute_names(model: bytes) -> frozenset[bytes]:
    """Every attribute name in a CRFsuite model, read from its CQDB dictionary."""
    # CRFsuite silently drops attributes it does not know; knowing them lets us skip building those.
    import struct

    magic, _, _, _, _, _, num_attrs, _, _, off, _, _ = struct.unpack_from("<4s11I", model, 0)
    chunk, _, _, byteorder, count, bwd = struct.unpack_from("<4s5I", model, off)
    if magic != b"lCRF" or chunk != b"CQDB" or byteorder != 0x62445371 or count != num_attrs:
        raise ValueError("unexpected CRFsuite model layout")
    names = []
    for i, rec in enumerate(struct.unpack_from(f"<{count}I", model, off + bwd)):
        rid, size = struct.unpack_from("<2I", model, off + rec)
        if rid != i:
            raise ValueError("unexpected CRFsuite attribute dictionary")
        names.append(model[off + rec + 8 : off + rec + 7 + size])  # size counts the trailing NUL
    return frozenset(names)


def _read_ngrams(path: Path) -> tuple[dict, dict]:
    """pyvi's bigram and trigram sets, as first syllable -> seconds and first -> second -> thirds."""
    # pyvi: lines of words.txt with exactly two (three) space-separated parts are bigrams (trigrams), and
    # it tests `" ".join(syllables).lower() in bigrams`. Syllables hold no space, so that test is exactly
    # "the parts are the lowered syllables", which these nested tables answer without building a string.
    bi: dict[str, set] = {}
    tri: dict[str, dict[str, set]] = {}
    with open(path, "rb") as f:
        for token in f.read().decode("utf-8").split("\n"):
            parts = token.split(" ")
            if len(parts) == 2:
                bi.setdefault(parts[0], set()).add(parts[1])
            elif len(parts) == 3:
                tri.setdefault(parts[0], {}).setdefault(parts[1], set()).add(parts[2])
    return bi, tri


_NONE: frozenset = frozenset()
_EMPTY: dict = {}
# The n-gram attributes that follow a neighbour's attributes, by (bigram?, trigram?).
_LEFT_FLAGS = {(b, t): tuple(n for n, on in ((b"-1:word.bi_gram()", b), (b"-2:word.tri_gram()", t)) if on)
               for b in (False, True) for t in (False, True)}
_RIGHT_FLAGS = {(b, t): tuple(n for n, on in ((b"+1:word.bi_gram()", b), (b"+2:word.tri_gram()", t)) if on)
                for b in (False, True) for t in (False, True)}


class _Model:
    """The tagger, pyvi's n-gram sets, and per-syllable attributes memoised across calls."""

    def __init__(self):
        d = _pyvi_dir()
        import pycrfsuite

        # open_inmemory: the bytes are checked already, and CRFsuite reads them in place, so keep them.
        self.model = _cached_model(d / "models" / "pyvi3.pkl")
        self.tagger = pycrfsuite.Tagger()
        self.tagger.open_inmemory(self.model)
        if set(self.tagger.labels()) != {"B_W", "I_W"}:
            raise ValueError(f"unexpected labels {self.tagger.labels()}")
        self.known = _attribute_names(self.model)
        self.bi, self.tri = _read_ngrams(d / "models" / "words.txt")
        self.memo: dict[str, tuple] = {}
        # Attribute tuples are shared between syllables: most rare syllables (names, numbers) have the
        # same few, which keeps a memo entry near 300 bytes.
        self.shared: dict[tuple, tuple] = {}

    def _attrs(self, *names: str) -> tuple[bytes, ...]:
        # Exactly what CRFsuite would keep: it looks names up as C strings, so a NUL ends the name
        # (the syllable "\0" really does hit the model's "word.lower():" attribute).
        keep = tuple(b for b in (n.encode("utf-8").split(b"\0", 1)[0] for n in names) if b in self.known)
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
        entry = (low, own, lefts, rights, self.bi.get(low, _NONE), self.tri.get(low, _EMPTY))
        if len(self.memo) > 100_000:  # names and numbers are open-ended; keep the memo bounded
            self.memo.clear()
        self.memo[w] = entry
        return entry

    def items(self, sylls: list[str]) -> list[tuple[bytes, ...]]:
        """pyvi's word2features for every syllable, as lists of CRFsuite attribute names."""
        memo = self.memo
        info = [memo.get(w) or self._syllable(w) for w in sylls]
        lows = [e[0] for e in info]
        # big[i]: syllables i-1, i form a bigram; tri[i]: i-2, i-1, i a trigram (pyvi's lowered lookups).
        big = [False] + [b in e[4] for e, b in zip(info, lows[1:])]
        tri = [False, False] + [c in e[5].get(b, _NONE) for e, b, c in zip(info, lows[1:], lows[2:])]
        # Item i: own attributes, the left neighbour's, -1/-2 n-gram flags, the right neighbour's, +1/+2 flags.
        left = [()] + [e[2][b + 2 * t] for e, b, t in zip(info, big[1:], tri[1:])]
        right = [e[3][b + 2 * t] for e, b, t in zip(info[1:], big[1:], tri[2:] + [False])] + [()]
        return [e[1] + lf + rt for e, lf, rt in zip(info, left, right)]


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
    if isinstance(eng, _Model):
        return eng.tagger.tag(eng.items(sylls))
    return eng.labels(sylls)


def _segment(text: str) -> tuple[str, str, array]:
    """pyvi's output for `text`, its NFC form, and the (start, end) of each word in it, flat."""
    nfc = unicodedata.normalize("NFC", text)
    sylls = _syllables(nfc)
    if not sylls:
        return text, nfc, array("l")  # pyvi returns its input untouched when it finds no syllable
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
    starts = [i for i in range(n) if i not in joined] if joined else list(range(n))
    ends = starts[1:] + [n]
    # Syllables of a word are joined by "_", words by " ", whatever separated them in the text.
    out = " ".join(sylls[a] if b - a == 1 else "_".join(sylls[a:b]) for a, b in zip(starts, ends))
    # Offsets: between two syllables there is only whitespace other than "\n" (a newline is a syllable),
    # and no syllable starts with such whitespace, so the next syllable is the next find() hit.
    spans: list[int] = []
    add, find, pos = spans.append, nfc.find, 0
    for a, b in zip(starts, ends):
        w = sylls[a]
        start = find(w, pos)
        pos = start + len(w)
        for k in range(a + 1, b):
            w = sylls[k]
            pos = find(w, pos) + len(w)
        add(start)
        add(pos)
    return out, nfc, array("l", spans)


# Repeated paragraphs (bylines, boilerplate, quotes) are tagged once. Only short texts are kept: they are
# the ones that repeat, and a cache of whole articles would cost far more memory than it saves time.
_CACHED_CHARS = 1000
_cached_segment = lru_cache(maxsize=4096)(_segment)


def _lookup(text: str) -> tuple[str, str, array]:
    return _cached_segment(text) if len(text) <= _CACHED_CHARS else _segment(text)


def tokenize(text: str) -> str:
    """Segment `text` into words joined by "_", exactly as `pyvi.ViTokenizer.tokenize(text)` does."""
    return _lookup(text)[0]


def word_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of each word of `text`, into `text` itself (not its NFC form).

    A word is what `tokenize` joins with "_". pyvi also treats each newline as a word of its own; those
    are left out here, as a caller building tokens or highlights has no use for them.
    """
    _, nfc, flat = _lookup(text)
    it = iter(flat)
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
