"""Search the index: query understanding, filters, ranking, facets, highlights -> plain result dataclasses."""

from __future__ import annotations

import functools
import heapq
import math
import re
import time
from bisect import bisect_left
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ttdn_search import query as P
from ttdn_search.analysis import iter_tokens
from ttdn_search.companion import (
    Segments, at_least, count_planes, fold_keys, from_ids, highest, members, phrase_pattern, syllable_hash,
)
from ttdn_search.errors import BadQuery, shown
from ttdn_search.facets import FACET_NAMES
from ttdn_search.highlight import Matcher, snippet
from ttdn_search.indexer import default_index_dir, open_index, read_meta
from ttdn_search.normalize import fold, has_diacritics, normalize

# Ranking weights. Every query syllable must occur (folded) in the title or the body; candidates are
# scored by BM25 over the folded syllables (title counted twice), relative to the best candidate, plus
# phrase evidence (the longest run of the query's syllables in the title and in the body), exact-diacritic
# evidence and, for short queries, whole-word evidence (pyvi's words).
W_EXACT = 0.6
W_WORDS = 0.5
W_PHRASE_TITLE = 1.0
W_PHRASE_BODY = 1.0
RERANK_DEPTH = 50
SHORT_QUERY = 4
BM25_K1, BM25_B = 1.2, 0.75
# Facet counting costs, in microseconds (measured on news-20k and the 100k corpus, see `_facets`): reading
# one document's facet values, and ANDing and counting one value's bitmap (a fixed part and a part per
# indexed document).
SCAN_US = 1.7
AND_US, AND_US_PER_DOC = 0.3, 1 / 55_000


@dataclass
class FacetCount:
    value: str
    count: int


@dataclass
class DirectiveInfo:
    id: str
    type: str | None = None
    issuer: str | None = None
    date: str | None = None
    title: str | None = None


@dataclass
class Hit:
    id: str
    title: str
    date: str | None
    province: str | None
    provinces: list[str]
    years: list[int]
    directives: list[str]
    score: float
    snippet: str
    kind: list[str] = field(default_factory=list)
    url: str | None = None
    source: str | None = None
    title_html: str = ""


@dataclass
class Filters:
    """Filter values as the user gave them; repeated values of one facet are ORed, facets are ANDed."""

    province: list[str] = field(default_factory=list)
    year: list[str] = field(default_factory=list)
    directive: list[str] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    date_from: str | None = None
    date_to: str | None = None
    # Exact facet values, as facet links apply them: {"province": ["Nghệ An"], "province_new": [...]}.
    exact: dict[str, list[str]] = field(default_factory=dict)

    def is_empty(self) -> bool:
        return not (self.province or self.year or self.directive or self.kind or self.date_from
                    or self.date_to or any(self.exact.values()))

    def merged(self, more: dict[str, list[str]]) -> "Filters":
        f = Filters(list(self.province), list(self.year), list(self.directive), list(self.kind),
                    self.date_from, self.date_to, {k: list(v) for k, v in self.exact.items()})
        for name, values in more.items():
            if name == "from":
                f.date_from = values[-1]
            elif name == "to":
                f.date_to = values[-1]
            elif name == "province_new":
                f.exact.setdefault("province_new", []).extend(values)
            else:
                getattr(f, name).extend(values)
        return f

    def to_json(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v}


@dataclass
class SearchResult:
    query: str
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetCount]]
    took_ms: float
    offset: int = 0
    sort: str = "relevance"
    filters: dict = field(default_factory=dict)
    suggestion: str | None = None
    directives: list[DirectiveInfo] = field(default_factory=list)
    partial: int = 0

    def to_json(self) -> dict:
        out = {
            "query": self.query,
            "total": self.total,
            "partial": self.partial,
            "hits": [_hit_json(h) for h in self.hits],
            "facets": {k: [asdict(c) for c in v] for k, v in self.facets.items()},
            "took_ms": round(self.took_ms, 2),
            "offset": self.offset,
            "sort": self.sort,
            "filters": self.filters,
            "suggestion": self.suggestion,
        }
        if self.directives:
            out["directives"] = [asdict(d) for d in self.directives]
        return out


def _hit_json(h: Hit) -> dict:
    d = asdict(h)
    d.pop("title_html", None)
    return d


# ---------------------------------------------------------------------------------------------
# Filters -> Whoosh queries


_YEAR_RANGE = re.compile(r"^\s*((?:19|20)\d{2})\s*(?:-\s*((?:19|20)\d{2}))?\s*$")
_DATE = re.compile(r"^\s*((?:19|20)\d{2})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\s*$")


def parse_years(value: str) -> list[str]:
    m = _YEAR_RANGE.match(value)
    if not m:
        raise BadQuery(f"Năm không hợp lệ: {shown(value)}. Dùng dạng 2020 hoặc 2019-2021.")
    lo = int(m.group(1))
    hi = int(m.group(2) or lo)
    if hi < lo:
        lo, hi = hi, lo
    return [str(y) for y in range(lo, hi + 1)]


def parse_date(value: str, end: bool = False) -> str:
    m = _DATE.match(value)
    if not m:
        raise BadQuery(f"Ngày không hợp lệ: {shown(value)}. Dùng dạng 2024-01-31, 2024-01 hoặc 2024.")
    y, mo, d = m.group(1), m.group(2), m.group(3)
    if mo is None:
        return f"{y}-12-31" if end else f"{y}-01-01"
    if not 1 <= int(mo) <= 12:
        raise BadQuery(f"Tháng không hợp lệ trong {shown(value)}.")
    if d is None:
        return f"{y}-{int(mo):02d}-31" if end else f"{y}-{int(mo):02d}-01"
    if not 1 <= int(d) <= 31:
        raise BadQuery(f"Ngày không hợp lệ trong {shown(value)}.")
    return f"{y}-{int(mo):02d}-{int(d):02d}"


def resolve_province(name: str) -> list[tuple[str, str]]:
    """(field, value) pairs a province filter matches: the unit itself, and its merged old units."""
    from ttdn_search.extract.provinces import lookup, old_units

    prov = lookup(name)
    if prov is None:
        raise BadQuery(f"Không biết tỉnh/thành {shown(name)}. Thử tên đầy đủ, ví dụ 'Nghệ An' hoặc 'TP.HCM'.")
    canonical = prov if isinstance(prov, str) else prov.name
    pairs = [("province", canonical)]
    # A post-2025 unit also finds the articles of the old units merged into it.
    if old_units(canonical):
        pairs.append(("province_new", canonical))
    return pairs


def resolve_directives(value: str, known=()) -> list[str]:
    """Canonical ids for a directive as a user typed it; short forms also resolve against `known` ids."""
    from ttdn_search.extract.directives import resolve_query

    ids = resolve_query(value, known)
    if not ids:
        raise BadQuery(
            f"Không nhận ra số hiệu văn bản {shown(value)}. Viết đầy đủ, ví dụ 57-KL/TW, 72/2015/NĐ-CP hoặc 'Kết luận 57'."
        )
    return ids


def _kind_values(value: str) -> list[str]:
    from ttdn_search.extract.kinds import vocabulary

    found = [k for k in vocabulary() if fold(k) == fold(value.strip())]
    if not found:
        known = ", ".join(vocabulary())
        raise BadQuery(f"Không biết loại bài {shown(value)}. Các loại: {known}.")
    return found


def filter_bitmap(f: Filters, view: "Segments", known_directives=()) -> int | None:
    """The documents all filters allow, as a bitmap, or None when there are no filters."""
    parts: list[int] = []

    def any_of(pairs):
        bm = 0
        for name, value in pairs:
            bm |= view.facet(name, value)
        parts.append(bm)

    if f.province:
        any_of([pair for p in f.province for pair in resolve_province(p)])
    if f.year:
        any_of([("year", y) for v in f.year for y in parse_years(v)])
    if f.directive:
        any_of([("directive", d) for v in f.directive for d in resolve_directives(v, known_directives)])
    if f.kind:
        any_of([("kind", k) for v in f.kind for k in _kind_values(v)])
    for name, values in f.exact.items():
        if name not in FACET_NAMES:
            raise BadQuery(f"Không có nhóm lọc {shown(name)}.")
        if values:
            any_of([(name, v) for v in values])
    if f.date_from or f.date_to:
        lo = parse_date(f.date_from) if f.date_from else "0000-01-01"
        hi = parse_date(f.date_to, end=True) if f.date_to else "9999-12-31"
        parts.append(view.date_range(int(lo.replace("-", "")), int(hi.replace("-", ""))))
    if not parts:
        return None
    out = parts[0]
    for p in parts[1:]:
        out &= p
    return out


# ---------------------------------------------------------------------------------------------
# Text -> matching documents and ranking evidence
#
# Matching runs on the companion bitmaps: every query syllable must occur in the folded view of the
# title or the body, so a run of words is an AND of bitmaps and the total and the facets are exact.
# Ranking reads each candidate's stored views (folded title and body, exact word view) from the
# companion and scores BM25 plus phrase, exact-diacritic and word evidence (see `_Ranker`). When more
# than RERANK_DEPTH articles match, the candidates are those with the most query syllables in the title.


@dataclass
class _Run:
    """One run of query words, as the ranker sees it."""

    keys: list[str]
    folded: list[str]
    accented: bool
    words: list[str] = field(default_factory=list)


class _Evaluator:
    def __init__(self, view: "Segments", reader):
        self.view = view
        self.reader = reader
        self.exact: set[str] = set()
        self.folded: set[str] = set()
        self.runs: list[_Run] = []
        self.texts: list[_Run] = []

    def eval(self, node) -> int | None:
        """Bitmap of the documents a query node matches (deleted ones included), None for no words."""
        if node is None:
            return None
        if isinstance(node, (P.Text, P.Phrase)):
            return self.text(node.text, phrase=isinstance(node, P.Phrase))
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

    def _word_starts(self, keys: list[str]) -> list[str]:
        """Words of the query by the index's own vocabulary (longest known compound first, no pyvi)."""
        found: list[str] = []
        i = 0
        while i < len(keys):
            for n in (4, 3, 2):
                if i + n <= len(keys):
                    cand = "_".join(keys[i : i + n])
                    if self.view.df("w" + cand):
                        found.append(cand)
                        i += n
                        break
            else:
                i += 1
        return found

    def text(self, text: str, phrase: bool) -> int | None:
        keys = [key for _, key, _, _ in iter_tokens(normalize(text))]
        if not keys:
            return None
        fkeys = fold_keys(keys).split()  # the index's own folding (companion.fold_keys)
        accented = has_diacritics(text)
        self.folded.update(fkeys)
        if accented:
            self.exact.update(keys)
        short = len(keys) <= SHORT_QUERY
        run = _Run(keys, fkeys, accented, self._word_starts(keys) if accented and short else [])
        self.runs.append(run)
        self.texts.append(run)
        out = self.view.all_of(["f" + k for k in dict.fromkeys(fkeys)])
        if phrase and len(fkeys) > 1 and out:
            out = self._verify_phrase(out, run)
        return out

    def _verify_phrase(self, bm: int, run: _Run) -> int:
        view = self.view
        # The bigram buckets narrow the matches down; each one left is searched in place.
        holders = view.verified(view.phrase_candidates(run.folded, bm), phrase_pattern(run.folded))
        if run.accented:
            exact = _padded(run.keys)
            kept = []
            for d in holders:
                syllables = view.views(d)[2].translate(_SYLLABLES)
                if all(k in syllables for k in exact):
                    kept.append(d)
            holders = kept
        return from_ids(holders, view.ndocs)


# The exact word view with pyvi's joiners and the title's line break as spaces: " k " finds a syllable.
_SYLLABLES = bytes.maketrans(b"_\n", b"  ")
# ... with only the line break as a space: " w1_w2 " finds a whole word.
_WORDS = bytes.maketrans(b"\n", b" ")


def _padded(keys) -> list[bytes]:
    return [f" {k} ".encode("utf-8") for k in dict.fromkeys(keys)]


class _Ranker:
    """Scores candidate documents from their companion views."""

    def __init__(self, view: "Segments", runs: list[_Run]):
        self.view = view
        self.runs = [r for r in runs if r.folded]
        n = max(view.ndocs, 1)
        self.avgdl = view.avg_doc_bytes or 1.0
        terms = dict.fromkeys(k for r in self.runs for k in r.folded)
        self.terms = [(f" {k} ".encode("utf-8"), self._idf(view.df("f" + k), n), syllable_hash(k)) for k in terms]
        self.phrases = []
        for r in self.runs:
            pats = [f" {a} {b} ".encode("utf-8") for a, b in zip(r.folded, r.folded[1:])]
            singles = [f" {k} ".encode("utf-8") for k in r.folded]
            exact = _padded(r.keys) if r.accented else []
            self.phrases.append((len(r.folded), phrase_pattern(r.folded), pats, singles, exact, _padded(r.words)))

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
        views, term_counts = self.view.views, self.view.term_counts
        k1, b, avgdl = BM25_K1, BM25_B, self.avgdl
        raw = []
        for d in docnums:
            title, body, words = views(d)
            hashes, counts = term_counts(d)
            nterms = len(hashes)
            dl = len(title) + len(body)
            norm = k1 * (1 - b + b * dl / avgdl)
            bm = 0.0
            for pat, idf, h in self.terms:
                # The body's count from the stored counts (bisection), the short title's by counting.
                i = bisect_left(hashes, h)
                tf = (counts[i] if i < nterms and hashes[i] == h else 0) + 2 * title.count(pat)
                if tf:
                    bm += idf * tf * (k1 + 1) / (tf + norm)
            bonus = 0.0
            syllables = wordview = None
            for n, full, pats, singles, exact, wordpats in self.phrases:
                if n > 1:
                    # The whole run found is the longest run there is (and the common case for the best).
                    if full in title:
                        bonus += W_PHRASE_TITLE
                    else:
                        bonus += W_PHRASE_TITLE * self._longest([p in title for p in pats], any(s in title for s in singles)) / n
                    if full in body:
                        bonus += W_PHRASE_BODY
                    else:
                        bonus += W_PHRASE_BODY * self._longest([p in body for p in pats], True) / n
                if exact:
                    if syllables is None:
                        syllables = words.translate(_SYLLABLES)
                    bonus += W_EXACT * sum(k in syllables for k in exact) / len(exact)
                if wordpats:
                    if wordview is None:
                        wordview = words.translate(_WORDS)
                    bonus += W_WORDS * sum(w in wordview for w in wordpats) / len(wordpats)
            raw.append((bm, bonus, d))
        top = max((bm for bm, _, _ in raw), default=0.0) or 1.0
        out = [(bm / top + bonus, d) for bm, bonus, d in raw]
        out.sort(key=lambda t: (-t[0], t[1]))
        return out


def _title_candidates(view: "Segments", bm: int, runs: list[_Run], depth: int) -> list[int]:
    """About `depth` of the documents in bm: those with the most query syllables in the title first."""
    if bm.bit_count() <= depth:
        return members(bm)
    keys = list(dict.fromkeys(k for r in runs for k in r.folded))
    planes = count_planes(view.bitmap("t" + k) & bm for k in keys)
    chosen = 0
    for c in range(len(keys), 0, -1):
        tier = at_least(planes, c, bm) & ~chosen
        room = depth - chosen.bit_count()
        if tier.bit_count() >= room:
            return members(chosen) + highest(tier, room)
        chosen |= tier
    return members(chosen) + highest(bm & ~chosen, depth - chosen.bit_count())


def _phrase_candidates(view: "Segments", bm: int, runs: list[_Run]) -> int:
    """The documents of bm holding every adjacent pair of syllables of some run of the query: all that
    hold a run as a phrase, and (pairs are hashed) a few that do not, which the ranker tells apart."""
    out = 0
    for r in runs:
        if len(r.folded) > 1:
            out |= view.phrase_candidates(r.folded, bm)
    return out


def _most_words(view: "Segments", runs: list[_Run], allowed: int, depth: int) -> list[int]:
    """For a query nothing matches in full: the documents holding the most of its syllables."""
    keys = list(dict.fromkeys(k for r in runs for k in r.folded))
    keys.sort(key=lambda k: view.df("f" + k))
    keys = keys[:24]
    planes = count_planes(view.bitmap("f" + k) & allowed for k in keys)
    for c in range(len(keys), 0, -1):
        tier = at_least(planes, c, allowed)
        if tier.bit_count() >= min(depth, 10) or c == 1:
            return highest(tier, depth) if tier.bit_count() > depth else members(tier)
    return []


# ---------------------------------------------------------------------------------------------
# The searcher


_DIRECTIVE_QUERY = re.compile(
    r"^\s*(?:(?:số|so|no\.?)\s*)?\d{1,5}\s*[-/]\s*(?:(?:19|20)\d{2}\s*/\s*)?[^\W\d_]{1,8}.*$", re.IGNORECASE
)
_SHORT_REF_QUERY = re.compile(
    r"^\s*(kết luận|ket luan|nghị quyết|nghi quyet|chỉ thị|chi thi|quyết định|quyet dinh|nghị định|nghi dinh|"
    r"thông tư|thong tu|quy định|quy dinh|kế hoạch|ke hoach|hướng dẫn|huong dan|kl|nq|ct|qđ|qd|nđ|nd|tt|kh)"
    r"\s*(?:số|so)?\s*:?\s*\d{1,5}\b",
    re.IGNORECASE,
)


def looks_like_directive(q: str) -> bool:
    """True when the whole query is a document number in some spelling ("57-kl/tw", "Kết luận số 57")."""
    q = normalize(q).strip()
    if not q or len(q) > 60:
        return False
    return bool(_DIRECTIVE_QUERY.match(q) and re.search(r"\d", q)) or bool(_SHORT_REF_QUERY.match(q))


class _Reader:
    """What this module needs of a Whoosh searcher, on a bare reader: `whoosh.searching` and the query
    machinery it imports would cost every one-off search about 25 ms of imports for nothing."""

    def __init__(self, ix):
        self.ix = ix
        self._reader = ix.reader()

    def reader(self):
        return self._reader

    def stored_fields(self, docnum: int) -> dict:
        return self._reader.stored_fields(docnum)

    def all_stored_fields(self):
        return self._reader.all_stored_fields()

    def doc_count(self) -> int:
        return self._reader.doc_count()

    def document_number(self, id: str) -> int | None:
        reader = self._reader
        if not reader.doc_frequency("id", id):
            return None
        for d in reader.postings("id", id).all_ids():
            if not reader.is_deleted(d):
                return d
        return None

    def up_to_date(self) -> bool:
        return self.ix.latest_generation() == self._reader.generation()

    def refresh(self) -> "_Reader":
        return self if self.up_to_date() else _Reader(self.ix)

    def close(self) -> None:
        self._reader.close()


class Searcher:
    """An open index: call `search` as often as you like; close when done."""

    def __init__(self, index_dir: str | Path | None = None):
        self.index_dir = Path(index_dir) if index_dir is not None else default_index_dir()
        for attempt in range(5):
            self.ix = open_index(self.index_dir)
            try:
                self._searcher = _Reader(self.ix)
                self._view = Segments(self._searcher.reader(), self.ix.storage.folder)
                break
            except OSError:
                # An index run committing right now merged away a segment between reading the table of
                # contents and opening it: the next table of contents names the merged one.
                if attempt == 4:
                    raise
                time.sleep(0.05)
        self._suggester = None

    def close(self) -> None:
        self._view.close()
        self._searcher.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def refresh(self) -> None:
        """See what an index run committed since this searcher opened."""
        searcher = self._searcher.refresh()
        if searcher is not self._searcher:
            self._searcher.close()
            self._searcher = searcher
            self._view.close()
            self._view = Segments(searcher.reader(), self.ix.storage.folder)
        self._suggester = None

    @property
    def doc_count(self) -> int:
        return self._searcher.doc_count()

    # -- the main call ---------------------------------------------------------------------------

    def search(
        self,
        query: str = "",
        filters: Filters | None = None,
        limit: int = 10,
        offset: int = 0,
        sort: str = "relevance",
        facets: bool = True,
        facet_limit: int = 20,
        directive_lookup: bool = True,
    ) -> SearchResult:
        t0 = time.perf_counter()
        query = query or ""
        if sort not in ("relevance", "date"):
            raise BadQuery(f"Cách sắp xếp không hợp lệ: {shown(sort)}. Dùng relevance hoặc date.")
        if limit < 0 or offset < 0:
            raise BadQuery("--limit và --offset phải không âm.")
        parsed = P.parse_query(query)
        filters = (filters or Filters()).merged(parsed.filters)
        directives: list[DirectiveInfo] = []
        node = parsed.node
        if directive_lookup and node is not None and isinstance(node, (P.Text, P.Phrase)) and looks_like_directive(node.text):
            from ttdn_search.extract.directives import resolve_query

            ids = resolve_query(node.text, self.known_directives())
            if ids:
                directives = [directive_info(i) for i in ids]
                filters.directive.extend(ids)
                node = None
                if sort == "relevance":
                    sort = "date"
        view = self._view
        ev = _Evaluator(view, self._searcher.reader())
        matched = ev.eval(node)
        allowed = view.live
        fb = filter_bitmap(filters, view, self.known_directives() if filters.directive else ())
        if fb is not None:
            allowed &= fb
        if matched is None:
            # No words: list what the filters select (or everything), newest first.
            matched = allowed
            if sort == "relevance":
                sort = "date"
        else:
            matched &= allowed
        want = offset + limit
        total = matched.bit_count()
        runs = ev.runs
        docnums: list[int] = []
        scores: list[float] = []
        if want and sort == "date":
            docnums = view.newest(matched, want)
            scores = [0.0] * len(docnums)
        elif want and total:
            depth = max(want, RERANK_DEPTH)
            if total <= depth:
                cands = members(matched)
            else:
                # Too many to score: the articles that may hold a run of the query as a phrase (they hold
                # all its adjacent pairs) come first, then the others; within each, those with the most
                # query syllables in the title.
                likely = _phrase_candidates(view, matched, runs)
                cands = _title_candidates(view, likely, runs, depth) if likely else []
                if len(cands) < depth:
                    cands += _title_candidates(view, matched & ~likely, runs, depth - len(cands))
            ranked = _Ranker(view, runs).score(cands)[:want]
            docnums, scores = [d for _, d in ranked], [sc for sc, _ in ranked]
        # `total` and the facets count the articles that match the whole query; `partial` counts the
        # articles shown after them that match only most of its words.
        partial = 0
        if total == 0 and want and isinstance(node, P.Text) and runs and sort == "relevance":
            # Nothing matched every word: show the articles that hold the most of them.
            extra = _most_words(view, runs, allowed, max(want, RERANK_DEPTH))
            for sc, d in _Ranker(view, runs).score(extra)[:want]:
                docnums.append(d)
                scores.append(sc)
                partial += 1
        stored = functools.lru_cache(maxsize=None)(self._searcher.stored_fields)
        matcher = Matcher(frozenset(ev.exact), frozenset(ev.folded)) if ev.folded else None
        hits = [self._hit(d, sc, matcher, stored) for d, sc in zip(docnums[offset:want], scores[offset:want])]
        facet_counts = self._facets(matched, facet_limit) if facets else {}
        suggestion = None
        if node is not None and not directives:
            suggestion = self._suggest(query, total)
        took = (time.perf_counter() - t0) * 1000
        return SearchResult(
            query=query, total=total, hits=hits, facets=facet_counts, took_ms=took, offset=offset, sort=sort,
            filters=filters.to_json(), suggestion=suggestion, directives=directives, partial=partial,
        )

    # -- pieces ----------------------------------------------------------------------------------

    def known_directives(self) -> list[str]:
        """Every directive id the indexed articles cite (the facet's vocabulary)."""
        return self._view.facet_values("directive")

    def _facets(self, matched: int, facet_limit) -> dict[str, list[FacetCount]]:
        """Counts of every facet's values among the matches, each facet the cheaper of two ways: AND each
        value's bitmap with the matches (a cost per value, growing with the index), or read the facet
        values of each match that has any (a cost per document)."""
        view = self._view
        out: dict[str, list[FacetCount]] = {}
        and_us = AND_US + view.ndocs * AND_US_PER_DOC
        scan: dict[str, int] = {}
        if matched:
            for name in FACET_NAMES:
                values = len(view.facet_values(name))
                if name == "year" and facet_limit:
                    values = min(values, 2 * facet_limit)  # newest first, stopping at the shown limit
                docs = matched & view.facet_any(name)
                if docs.bit_count() * SCAN_US <= values * and_us:
                    scan[name] = docs
        scanned: dict[str, dict[str, int]] = {name: {} for name in scan}
        if scan:
            docs = 0
            for bm in scan.values():
                docs |= bm
            items: list[bytes] = []
            for d in members(docs):
                raw = view.facet_keys(d)
                if raw:
                    items.extend(raw.split(b"\x1e"))
            for item, n in Counter(items).items():
                name, _, value = item.decode("utf-8").partition("\x1f")
                c = scanned.get(name)
                if c is not None:
                    c[value] = n
        for name in FACET_NAMES:
            counts = []
            if name in scanned:
                counts = list(scanned[name].items())
            elif matched and name == "year":
                # Years are shown newest first: the first facet_limit years that have a match.
                for value in reversed(view.facet_values(name)):
                    n = (view.facet(name, value) & matched).bit_count()
                    if n:
                        counts.append((value, n))
                        if facet_limit and len(counts) >= facet_limit:
                            break
            elif matched:
                prune = facet_limit
                best: list[int] = []  # the facet_limit largest counts so far (a min-heap)
                for value, df in view.facet_values_by_df(name):
                    if prune and len(best) >= facet_limit and df < best[0]:
                        break  # no later value (df at most this one's) can enter the shown top
                    n = (view.facet(name, value) & matched).bit_count()
                    if n:
                        counts.append((value, n))
                        if prune:
                            if len(best) < facet_limit:
                                heapq.heappush(best, n)
                            elif n > best[0]:
                                heapq.heapreplace(best, n)
            if name == "year":
                counts.sort(key=lambda kv: kv[0], reverse=True)
            else:
                counts.sort(key=lambda kv: (-kv[1], kv[0]))
            if facet_limit:
                counts = counts[:facet_limit]
            out[name] = [FacetCount(v, n) for v, n in counts]
        return out

    def _hit(self, docnum: int, score: float, matcher: Matcher | None, stored=None) -> Hit:
        st = (stored or self._searcher.stored_fields)(docnum)
        tags = st.get("tags") or {}
        from ttdn_search.highlight import highlight_all

        title = st.get("title") or ""
        return Hit(
            id=st["id"],
            title=title,
            date=st.get("date") or None,
            province=tags.get("province"),
            provinces=tags.get("provinces", []),
            years=tags.get("years", []),
            directives=tags.get("directives", []),
            score=round(score, 4),
            snippet=snippet(st.get("text") or "", matcher),
            kind=tags.get("kind", []),
            url=st.get("url"),
            source=st.get("source"),
            title_html=highlight_all(title, matcher) if matcher else highlight_all(title, Matcher(frozenset(), frozenset())),
        )

    def _suggest(self, query: str, total: int) -> str | None:
        from ttdn_search.suggest import Suggester

        if self._suggester is None:
            self._suggester = Suggester(self._view, self.index_dir)
        return self._suggester.suggest(query, total)

    # -- around the index ------------------------------------------------------------------------

    def document(self, doc_id: str) -> dict | None:
        docnum = self._searcher.document_number(id=doc_id)
        if docnum is None:
            return None
        return dict(self._searcher.stored_fields(docnum))

    def all_facets(self) -> dict[str, list[FacetCount]]:
        return self._facets(self._view.live, facet_limit=0)

    def stats(self) -> dict:
        size = sum(p.stat().st_size for p in self.index_dir.iterdir() if p.is_file())
        meta = read_meta(self.index_dir)
        facets = self.all_facets()
        return {
            "articles": self.doc_count,
            "index_dir": str(self.index_dir),
            "size_bytes": size,
            "last_update": meta.get("updated"),
            "created": meta.get("created"),
            "schema_version": meta.get("schema_version"),
            "facets": {k: len(v) for k, v in facets.items()},
        }


def directive_info(doc_id: str) -> DirectiveInfo:
    """What the catalogue knows of a directive; the id alone when it knows nothing."""
    from ttdn_search.extract import catalogue
    from ttdn_search.extract.directives import find_directives

    entry = catalogue.get(doc_id)
    if entry is not None:
        return DirectiveInfo(id=doc_id, type=entry.type, issuer=entry.issuer, date=entry.date, title=entry.title)
    found, _ = find_directives(doc_id)
    d = found[0] if found else None
    return DirectiveInfo(id=doc_id, type=d and d.type, issuer=d and d.issuer)
