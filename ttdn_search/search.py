"""Search the index: query understanding, filters, ranking, facets, highlights -> plain result dataclasses."""

from __future__ import annotations

import functools
import json
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from whoosh import collectors
from whoosh import query as Q

from ttdn_search import query as P
from ttdn_search.analysis import iter_tokens
from ttdn_search.errors import BadQuery, shown
from ttdn_search.facets import FACET_NAMES
from ttdn_search.highlight import Matcher, snippet
from ttdn_search.indexer import default_index_dir, open_index, read_meta
from ttdn_search.normalize import fold, has_diacritics, normalize

# Ranking weights. The folded view decides what matches; the exact view and the word view add to the
# BM25F score; phrase evidence is added by the re-ranker, relative to the best BM25F score.
W_EXACT = 0.6
W_WORDS = 0.5
W_PHRASE_TITLE = 1.0
W_PHRASE_BODY = 1.0
RERANK_DEPTH = 800
SHORT_QUERY = 4


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


def filter_query(f: Filters, known_directives=()) -> Q.Query | None:
    """One Whoosh query for all filters, or None."""
    parts: list[Q.Query] = []

    def any_of(pairs):
        terms = [Q.Term(fld, v) for fld, v in pairs]
        if terms:
            parts.append(terms[0] if len(terms) == 1 else Q.Or(terms))

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
        lo = parse_date(f.date_from) if f.date_from else None
        hi = parse_date(f.date_to, end=True) if f.date_to else None
        parts.append(Q.TermRange("date", lo or "0000", hi or "9999", startexcl=False, endexcl=False))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else Q.And(parts)


# ---------------------------------------------------------------------------------------------
# Text -> Whoosh queries
#
# Ranking runs in two stages. Whoosh matches and scores with BM25F over the three views: every query
# syllable must occur in the folded view, and the same clause also scores the exact-diacritic syllable
# and the word the syllable starts, so exact spellings and whole words rank higher. The best
# candidates are then re-ranked in Python by how much of the query they hold as a phrase, in the
# title and in the body (see `_rerank`). Phrase and proximity evidence computed over every match
# by Whoosh costs seconds on common syllables; over a few dozen candidates it costs milliseconds.


@dataclass
class _Run:
    """One run of query words, as the re-ranker sees it."""

    keys: list[str]
    folded: list[str]
    accented: bool


class _QueryBuilder:
    def __init__(self, searcher):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.exact: set[str] = set()
        self.folded: set[str] = set()
        self.relaxed: list[Q.Query] = []
        self.runs: list[_Run] = []

    def build(self, node) -> Q.Query | None:
        if node is None:
            return None
        if isinstance(node, P.Text):
            return self.text(node.text, phrase=False)
        if isinstance(node, P.Phrase):
            return self.text(node.text, phrase=True)
        if isinstance(node, P.And):
            subs = [self.build(n) for n in node.items if not isinstance(n, P.Not)]
            nots = [self.build(n.node) for n in node.items if isinstance(n, P.Not)]
            subs = [s for s in subs if s is not None]
            nots = [s for s in nots if s is not None]
            q = Q.And(subs) if len(subs) > 1 else (subs[0] if subs else Q.Every())
            for n in nots:
                q = Q.AndNot(q, n)
            return q
        if isinstance(node, P.Or):
            subs = [s for s in (self.build(n) for n in node.items) if s is not None]
            return Q.Or(subs) if subs else None
        if isinstance(node, P.Not):
            inner = self.build(node.node)
            return Q.AndNot(Q.Every(), inner) if inner is not None else None
        return None

    def _word_starts(self, keys: list[str]) -> dict[int, str]:
        """Words of the query by the index's own vocabulary (longest known compound first, no pyvi),
        keyed by the position of their first syllable."""
        starts: dict[int, str] = {}
        i = 0
        while i < len(keys):
            for n in (4, 3, 2):
                if i + n <= len(keys):
                    cand = "_".join(keys[i : i + n])
                    if self.reader.doc_frequency("body_words", cand) or self.reader.doc_frequency("title_words", cand):
                        starts[i] = cand
                        i += n
                        break
            else:
                i += 1
        return starts

    def text(self, text: str, phrase: bool) -> Q.Query | None:
        toks = [(kind, key) for kind, key, _, _ in iter_tokens(normalize(text))]
        if not toks:
            return None
        keys = [k for _, k in toks]
        fkeys = [fold(k) for k in keys]
        accented = has_diacritics(text)
        self.folded.update(fkeys)
        if accented:
            self.exact.update(keys)
        self.runs.append(_Run(keys, fkeys, accented))

        if phrase and len(fkeys) > 1:
            pair = ("title_syl", "body_syl") if accented else ("title_fold", "all_fold")
            words = keys if accented else fkeys
            return Q.Or([Q.Phrase(pair[0], words, slop=1), Q.Phrase(pair[1], words, slop=1)])

        # Exact-diacritic and word-view evidence is scored inside the matching clause for short queries,
        # where it decides the order ("đường" above "dương"); a long query's order comes from the phrase
        # re-ranker, and unions of two or three long posting lists per syllable would cost it seconds.
        short = len(keys) <= SHORT_QUERY
        words = self._word_starts(keys) if accented and short else {}
        clauses, seen = [], set()
        for i, (k, fk) in enumerate(zip(keys, fkeys)):
            if fk in seen:
                continue
            seen.add(fk)
            terms = [Q.Term("all_fold", fk)]
            if accented and short:
                terms.append(Q.Term("body_syl", k, boost=W_EXACT))
            if i in words:
                terms.append(Q.Term("body_words", words[i], boost=W_WORDS))
            clauses.append(Q.Or(terms) if len(terms) > 1 else terms[0])
        # The fallback for a query nothing matches in full: any of its five rarest syllables.
        rare = sorted(clauses, key=lambda c: c.estimate_size(self.reader))[:5]
        self.relaxed.append(Q.Or(rare) if len(rare) > 1 else rare[0])
        return Q.And(clauses) if len(clauses) > 1 else clauses[0]


def _longest_run(doc: list[str], query: list[str]) -> int:
    """Length of the longest run of consecutive query tokens found consecutively in doc."""
    if not doc or not query:
        return 0
    positions: dict[str, list[int]] = {}
    for i, t in enumerate(doc):
        positions.setdefault(t, []).append(i)
    best = 0
    for qi in range(len(query)):
        if len(query) - qi <= best:
            break
        for start in positions.get(query[qi], ()):
            n = 1
            while qi + n < len(query) and start + n < len(doc) and doc[start + n] == query[qi + n]:
                n += 1
            best = max(best, n)
    return best


def _rerank(candidates, runs: list[_Run], stored) -> list[tuple[float, int]]:
    """Add phrase evidence to the BM25F scores of the best candidates; return (score, docnum), best first."""
    if not candidates or not any(len(r.folded) > 1 for r in runs):
        return candidates
    top = max(sc for sc, _ in candidates) or 1.0
    out = []
    for score, docnum in candidates:
        st = stored(docnum)
        title = (st.get("title_fold") or "").split()
        body = (st.get("all_fold") or "").split()
        bonus = 0.0
        for r in runs:
            n = len(r.folded)
            if n < 2:
                continue
            bonus += W_PHRASE_TITLE * _longest_run(title, r.folded) / n
            bonus += W_PHRASE_BODY * _longest_run(body, r.folded) / n
        out.append((score / top + bonus, docnum))
    out.sort(key=lambda t: (-t[0], t[1]))
    return out


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


class _TopCollector(collectors.TopCollector):
    """Exact top N that also records every matching document (for the total and the facets).

    Whoosh's matcher replacement and block-quality skipping drop true top hits under AndMaybe
    (seen here: the 3rd best article missing from a top 3 that a top 4 had), so both are off.
    """

    def __init__(self, limit):
        super().__init__(limit, usequality=False, replace=0)

    def _collect(self, global_docnum, score):
        self.docset.add(global_docnum)
        return super()._collect(global_docnum, score)

    def results(self):
        items = sorted(self.items, reverse=True)
        return self._results([(score, -neg) for score, neg in items], docset=self.docset)


class Searcher:
    """An open index: call `search` as often as you like; close when done."""

    def __init__(self, index_dir: str | Path | None = None):
        self.index_dir = Path(index_dir) if index_dir is not None else default_index_dir()
        for attempt in range(5):
            self.ix = open_index(self.index_dir)
            try:
                self._searcher = self.ix.searcher()
                break
            except OSError:
                # An index run committing right now merged away a segment between reading the table of
                # contents and opening it: the next table of contents names the merged one.
                if attempt == 4:
                    raise
                time.sleep(0.05)
        self._suggester = None

    def close(self) -> None:
        self._searcher.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def refresh(self) -> None:
        """See what an index run committed since this searcher opened."""
        self._searcher = self._searcher.refresh()
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
        s = self._searcher
        builder = _QueryBuilder(s)
        text_q = builder.build(node)
        fq = filter_query(filters, self.known_directives() if filters.directive else ())
        if text_q is None:
            # No words: list what the filters select (or everything), newest first.
            text_q = Q.Every()
            if sort == "relevance":
                sort = "date"
        want = offset + limit
        stored = functools.lru_cache(maxsize=None)(self._searcher.stored_fields)
        rerank = sort == "relevance" and any(len(r.folded) > 1 for r in builder.runs)
        depth = max(want, RERANK_DEPTH) if rerank and want else want
        docnums, scores, matched = self._ranked(text_q, fq, depth, sort)
        if rerank:
            ranked = _rerank(list(zip(scores, docnums)), builder.runs, stored)
            docnums, scores = [d for _, d in ranked][:want], [sc for sc, _ in ranked][:want]
        # `total` and the facets count the articles that match the whole query; `partial` counts the
        # articles shown after them that match only most of its words.
        total = len(matched)
        partial = 0
        if total == 0 and want and isinstance(node, P.Text) and builder.relaxed and sort == "relevance":
            # Nothing matched every word: show the articles that match the most distinctive of them.
            extra, extra_scores, _ = self._ranked(builder.relaxed[0], fq, max(want, RERANK_DEPTH), sort, fast=True)
            ranked = _rerank(list(zip(extra_scores, extra)), builder.runs, stored)
            seen = set(docnums)
            for sc, d in ranked:
                if d not in seen and len(docnums) < want:
                    docnums.append(d)
                    scores.append(sc)
                    seen.add(d)
                    partial += 1
        matcher = Matcher(frozenset(builder.exact), frozenset(builder.folded)) if builder.folded else None
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
        reader = self._searcher.reader()
        return [t.decode("utf-8") if isinstance(t, bytes) else t for t in reader.lexicon("directive")]

    def _ranked(self, q, fq, want, sort, fast=False):
        """Top `want` docnums with scores, and the set of every matching docnum.

        `fast` lets Whoosh skip blocks that cannot reach the top (right for a plain OR of terms, whose
        every match need not be counted); otherwise every match is scored and recorded.
        """
        if sort == "date":
            c = collectors.SortingCollector("date", limit=max(want, 1), reverse=True)
        elif fast:
            c = collectors.TopCollector(max(want, 1), usequality=True)
        else:
            c = _TopCollector(max(want, 1))
        if fq is not None:
            c = collectors.FilterCollector(c, allow=fq)
        self._searcher.search_with_collector(q, c)
        results = c.results()
        docset = set() if fast else results.docs()
        if want <= 0:
            return [], [], docset
        # Sorted results carry the sort key as their "score": report 0 for them.
        scores = [float(r.score or 0.0) if sort == "relevance" else 0.0 for r in results]
        return [r.docnum for r in results], scores, docset

    def _facets(self, docnums, facet_limit) -> dict[str, list[FacetCount]]:
        reader = self._searcher.reader()
        counts: dict[str, dict[str, int]] = {name: {} for name in FACET_NAMES}
        # An index with no committed segment yet (a first run killed before its first batch) has no column.
        col = reader.column_reader("facets") if docnums and reader.has_column("facets") else None
        for d in docnums if col is not None else ():
            raw = col[d]
            if not raw:
                continue
            values = json.loads(raw)
            for name, vals in values.items():
                c = counts.get(name)
                if c is None:
                    continue
                for v in vals:
                    c[v] = c.get(v, 0) + 1
        out = {}
        for name, c in counts.items():
            items = sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))
            if name == "year":
                items = sorted(c.items(), key=lambda kv: kv[0], reverse=True)
            if facet_limit:
                items = items[:facet_limit]
            out[name] = [FacetCount(v, n) for v, n in items]
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
            self._suggester = Suggester(self._searcher, self.index_dir)
        return self._suggester.suggest(query, total)

    # -- around the index ------------------------------------------------------------------------

    def document(self, doc_id: str) -> dict | None:
        docnum = self._searcher.document_number(id=doc_id)
        if docnum is None:
            return None
        return dict(self._searcher.stored_fields(docnum))

    def all_facets(self) -> dict[str, list[FacetCount]]:
        return self._facets(self._searcher.reader().all_doc_ids(), facet_limit=0)

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
