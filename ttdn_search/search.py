"""Search an index: a query and filters in, a `SearchResult` out.

The search path, step by step (each step a module of its own):
    query.analyse         parse the query once; analyse each run of words once (query.py)
    filters.filter_bitmap the documents the filters allow (filters.py)
    engine.match          the documents the words match, as a bitmap of the companions (engine/match.py)
    engine.rank           the candidates worth scoring and their scores (engine/rank.py)
    engine.facet_counts   the facet counts of the matches (engine/facet_counts.py)
    highlight, suggest    the hits' snippets, and a better spelling of the query
"""

from __future__ import annotations

import functools
import time
from collections import Counter
from pathlib import Path
from typing import Iterable, Iterator

from ttdn_search import query as P
from ttdn_search.engine import format as F
from ttdn_search.engine.bitmaps import at_least, count_planes, from_ids, lowest, members
from ttdn_search.collapse import COUNT_UNITS, copies_json, ranked_groups
from ttdn_search.engine.facet_counts import count_facets
from ttdn_search.engine.groups import Groups, load_groups
from ttdn_search.engine.match import EXACT, FOLDED, LOOSE, Evaluator
from ttdn_search.engine.rank import RERANK_DEPTH, Ranker, candidates, most_words
from ttdn_search.engine.segments import Segments
from ttdn_search.errors import BadQuery, IndexDamaged, shown
from ttdn_search.facets import FACET_NAMES, TIME_FACETS, new_unit_of
from ttdn_search.filters import Filters, facet_filter_text, filter_bitmap
from ttdn_search.folder import default_index_dir, folder_identity, open_store, read_meta
from ttdn_search.highlight import Matcher, highlight_all, snippet
from ttdn_search.results import (BatchLine, FacetCount, Hit, SearchResult, directive_info, full_months,
                                 unknown_field_note)


# A query found as typed in fewer articles than this may have another reading (a slip, Telex) worth trying.
FEW = 3
# How many of the best hits are read for the spelling of an accent-free query.
SPELLING_DOCS = 10
# A run of at least this many syllables may be answered without the one syllable that breaks it.
MIN_DROP = 4
_LEVEL_RANK = {EXACT: 0, FOLDED: 1, LOOSE: 2, "partial": 3}


def _better(alt: tuple[str, int], res: tuple[str, int]) -> bool:
    """True when another reading's (level, matches) is stricter, or as strict with clearly more."""
    if not alt[1]:
        return False
    if not res[1]:  # anything found beats nothing
        return True
    a, b = _LEVEL_RANK[alt[0]], _LEVEL_RANK[res[0]]
    return a < b or (a == b and alt[1] >= 3 * max(res[1], 1) and alt[1] - res[1] >= FEW)


class Searcher:
    """An open index: call `search` as often as you like; close when done."""

    def __init__(self, index_dir: str | Path | None = None):
        self.index_dir = Path(index_dir) if index_dir is not None else default_index_dir()
        self._open()

    def _open(self) -> None:
        self._opened_as = folder_identity(self.index_dir)
        for attempt in range(5):
            self._store = open_store(self.index_dir)
            try:
                self._reader = self._store.reader()
                self._view = self._reader.segments()
                break
            except (OSError, IndexDamaged):
                # An index run committing right now merged away a segment between reading the table of
                # contents and opening it: the next table of contents names the merged one.
                if attempt == 4:
                    raise
                time.sleep(0.05)
        self._suggester = None
        self._groups = None

    def close(self) -> None:
        self._view.close()
        self._reader.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def up_to_date(self) -> bool:
        """False when an index run has committed since this searcher opened, or a rebuild replaced the
        folder (see `refresh`)."""
        return folder_identity(self.index_dir) == self._opened_as and self._reader.up_to_date()

    def refresh(self) -> None:
        """See what an index run committed since this searcher opened (a replaced folder is opened anew)."""
        if folder_identity(self.index_dir) != self._opened_as:
            self.close()
            self._open()
            return
        reader = self._reader.refresh()
        if reader is not self._reader:
            self._reader.close()
            self._reader = reader
            self._view.close()
            self._view = reader.segments()
        self._suggester = None
        self._groups = None

    @property
    def segments(self) -> Segments:
        """The companions of the open index, as one document space (read-only use)."""
        return self._view

    @property
    def doc_count(self) -> int:
        return self._reader.doc_count()

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
        facet_order: str = "count",
        collapse: bool = True,
        count: str = "articles",
        within: int | None = None,
    ) -> SearchResult:
        """The articles a query and filters select; facets list values by count (ties by value), or
        with facet_order="time" the year facets newest first. collapse: one hit per group of copies
        (engine/groups.py); count: what facets count, "articles" or "groups" (copies once); within: only these
        documents of what the query matches (`ttdn watch`: the new ones), the reading chosen on the whole index."""
        args = (query, filters, limit, offset, sort, facets, facet_limit, directive_lookup, facet_order, collapse,
                count, within)
        try:
            return self._search(*args)
        except (OSError, TypeError, EOFError, IndexDamaged):
            # An index run merged segments or swapped in a rebuild under a long-lived searcher (library,
            # --queries, serve): the files it read are gone. Reopen and answer once more.
            if self.up_to_date():
                raise
            self.refresh()
            return self._search(*args)

    def _search(self, query, filters, limit, offset, sort, facets, facet_limit, directive_lookup,
                facet_order, collapse, count, within) -> SearchResult:
        t0 = time.perf_counter()
        query = query or ""
        if sort not in ("relevance", "date"):
            raise BadQuery(f"Cách sắp xếp không hợp lệ: {shown(sort)}. Dùng relevance hoặc date.")
        if facet_order not in ("count", "time"):
            raise BadQuery(f"Thứ tự nhóm lọc không hợp lệ: {shown(facet_order)}. Dùng count hoặc time.")
        if count not in COUNT_UNITS:
            raise BadQuery(f"Cách đếm không hợp lệ: {shown(count)}. Dùng articles (bài) hoặc groups (tin, bản đăng lại tính một lần).")
        if limit < 0 or offset < 0:
            raise BadQuery("--limit và --offset phải không âm.")
        aq = P.analyse(query)
        if aq.node is not None and not any(leaf.run.keys for leaf in P.leaves(aq.node)):
            raise BadQuery(f"Không có chữ hay số nào để tìm trong {shown(query)}; bỏ trống để liệt kê mọi bài.")
        chosen, why = aq, None
        readings = self._readings(aq)
        probed: dict[int, tuple] = {}  # matches found while choosing a reading, by query
        if readings or (isinstance(aq.node, P.Text) and len(aq.node.run.keys) >= MIN_DROP):
            # Telex typed with the keyboard off, or a slip of one letter: another reading of the query
            # answers instead when it finds what was meant more strictly, or clearly more of it (only
            # the matching is compared; the answer is made once).
            best = self._probe(aq, filters, probed)
            if best[0] != EXACT or best[1] < FEW:
                for reason, reading in readings:
                    alt = P.analyse(reading)
                    found = self._probe(alt, filters, probed)
                    if _better(found, best):
                        chosen, why, best = alt, reason, found
                if _LEVEL_RANK[best[0]] >= _LEVEL_RANK[LOOSE]:
                    # Still only the words apart: a slip that made another real syllable ("Khôn" for
                    # "Không") keeps the article meant out; the query without the one syllable that
                    # breaks it finds it.
                    for reading in self._drop_one(chosen):
                        alt = P.analyse(reading)
                        found = self._probe(alt, filters, probed)
                        if _LEVEL_RANK[found[0]] < _LEVEL_RANK[LOOSE] and _better(found, best):
                            chosen, why, best = alt, "dropped", found
        res = self._answer(chosen, filters, limit, offset, sort, facets and (facet_limit, facet_order, count),
                           directive_lookup, probed.get(id(chosen)), collapse, within)
        if why is not None:
            res.query, res.interpreted, res.interpreted_why, res.suggestion = query, chosen.query, why, None
        note = unknown_field_note(aq.unknown_fields)
        if note:
            res.notes.append(note)
        res.took_ms = (time.perf_counter() - t0) * 1000
        return res

    def _allowed(self, filters: Filters) -> int:
        """The live documents the filters allow."""
        fb = filter_bitmap(filters, self._view, self.known_directives() if filters.directive else ())
        return self._view.live if fb is None else self._view.live & fb

    def _probe(self, aq: P.AnalysedQuery, filters: Filters | None, probed: dict) -> tuple[str, int]:
        """(level, number of matches) of a query, matching only; its matches kept in `probed` for
        `_answer` of the same query."""
        found = probed[id(aq)] = self._match(aq.node, self._allowed((filters or Filters()).merged(aq.filters)))
        _, matched, level = found
        return level, matched.bit_count() if matched is not None else 0

    def _answer(self, aq: P.AnalysedQuery, filters, limit, offset, sort, facets: tuple | bool,
                directive_lookup, probed: tuple | None = None, collapse: bool = True,
                within: int | None = None) -> SearchResult:
        """The result of one analysed query; `probed`: its matches, when `_probe` found them already."""
        query = aq.query
        filters = (filters or Filters()).merged(aq.filters)
        directives = []
        node = aq.node
        corrected = None
        if directive_lookup and aq.directive is not None:
            from ttdn_search.extract.references import resolve

            found = resolve(aq.directive, self.known_directives())
            ids = list(found.ids)
            if found.how == "corrected":
                corrected = ids[0]
            if ids:
                directives = [directive_info(i) for i in ids]
                filters.directive.extend(ids)
                node = None
                if sort == "relevance":
                    sort = "date"
        allowed = self._allowed(filters)
        ev, matched, match = probed if probed is not None and node is aq.node else self._match(node, allowed)
        if matched is None:
            # No words: list what the filters select (or everything), newest first.
            matched = allowed
            if sort == "relevance":
                sort = "date"
        if within is not None:
            matched &= within
        want = offset + limit
        total = matched.bit_count()
        groups = self.copies()
        docnums, scores = ranked_groups(self._ranked, groups if collapse else None, matched, ev.runs, want, sort,
                                        RERANK_DEPTH)
        partial = total if match == "partial" else 0
        stored = functools.lru_cache(maxsize=None)(self._reader.stored_fields)
        matcher = Matcher(frozenset(ev.exact), frozenset(ev.folded)) if ev.folded or ev.exact else None
        hits = [self._hit(d, sc, matcher, stored) for d, sc in zip(docnums[offset:want], scores[offset:want])]
        for hit, d in zip(hits, docnums[offset:want]):
            others = groups.copies_of(d)
            hit.copies, hit.copies_total = copies_json(others, stored), len(others)
        facet_counts = self._facets(matched, *facets[:2], groups.count if facets[2] == "groups" else None) if facets else {}
        timeline = full_months(self._view.month_counts(matched)) if facets and total else []
        suggestion = None
        if node is not None and not directives:
            # A query not found as typed (a wider level answered) is worth correcting whatever the count.
            suggestion = self._suggest(aq, total if match == EXACT else 0)
            if suggestion and match == EXACT and isinstance(node, P.Text) and not node.run.accented:
                # An accent-free run the articles hold: spelled as they write it, not syllable by syllable.
                spelled = self._suggester_().spelled(node.run.folded, docnums[:SPELLING_DOCS])
                if spelled:
                    suggestion = spelled
        return SearchResult(
            query=query, total=total, hits=hits, facets=facet_counts, took_ms=0.0, offset=offset, sort=sort,
            filters=filters.to_json(), suggestion=suggestion, directives=directives, partial=partial, match=match,
            interpreted=corrected, interpreted_why="directive" if corrected else None,
            timeline=timeline, undated=total - sum(n for _, n in timeline) if timeline else (total if facets else 0),
            groups=groups.count(matched), collapsed=collapse, count_unit=facets[2] if facets else "articles",
        )

    def _readings(self, aq: P.AnalysedQuery) -> list[tuple[str, str]]:
        """Other readings of a plain run of words, each with why: decoded as Telex ("telex"), and with
        the syllables the index does not know corrected ("spelling"). None when every syllable is known
        as typed and none reads as Telex."""
        if not isinstance(aq.node, P.Text) or not aq.node.run.keys:
            return []
        from ttdn_search.telex import decode_syllable

        view, keys = self._view, aq.node.run.keys
        out = []
        if all(k.isascii() for k in keys):
            decoded = []
            for k in keys:
                d = decode_syllable(k)
                exact = view.df(F.exact_key(d)) if d else 0
                decoded.append(d if exact and exact >= 10 * view.df(F.folded_key(k)) else k)
            if decoded != keys:
                out.append(("telex", " ".join(decoded)))
                keys = decoded
        corrected = self._suggester_().correct_keys(keys, self._known)
        if corrected != keys:
            out.append(("spelling", " ".join(corrected)))
        return out

    def _drop_one(self, aq: P.AnalysedQuery) -> list[str]:
        """For a long plain run of words, the query without the syllable that keeps articles out: the
        words before and after it as two runs (AND), so that its neighbours need not stand together.
        Which syllables to try is read from the articles that hold all the others (folded), most
        often missing first; at most three."""
        if not isinstance(aq.node, P.Text) or len(aq.node.run.keys) < MIN_DROP:
            return []
        run, view = aq.node.run, self._view
        bms = [view.bitmap(F.folded_key(f)) for f in run.folded]
        near = at_least(count_planes(bms), len(bms) - 1, view.live)
        missing: Counter = Counter()
        docs = lowest(near, 200)
        picked = from_ids(docs, view.ndocs)  # each set's share of them: `bm >> d` would copy the set per test
        holding = [set(members(bm & picked)) for bm in bms]
        for d in docs:
            gone = [i for i, held in enumerate(holding) if d not in held]
            if len(gone) == 1:
                missing[gone[0]] += 1
        keys = run.keys
        return [" AND ".join(part for part in (" ".join(keys[:i]), " ".join(keys[i + 1 :])) if part)
                for i, _ in missing.most_common(3)]

    def _known(self, key: str) -> int:
        """How many articles hold a syllable key as typed (diacritics included when it has any)."""
        return self._view.df(F.exact_key(key) if F.has_exact_key(key) else F.folded_key(key))

    def _match(self, node, allowed: int) -> tuple[Evaluator, int | None, str]:
        """The evaluator, the matches among `allowed` and the level that found them: the strictest level
        that finds any (engine.match), else, for a plain run of words, the articles holding most of its
        words ("partial"). None for a query without words."""
        folded_words = None
        if P.leaves(node):
            folded_words = lambda w: self._suggester_().vocab["w"].get(w)  # noqa: E731
        level = EXACT
        while True:
            ev = Evaluator(self._view, level, folded_words)
            matched = ev.eval(node)
            if matched is None:
                return ev, None, EXACT
            matched &= allowed
            if matched or level == LOOSE or not (ev.by_accents or ev.by_words):
                break
            # The next level that can find more: FOLDED only drops typed diacritics, LOOSE words too.
            level = FOLDED if level == EXACT and ev.by_accents else LOOSE
        if not matched and isinstance(node, P.Text) and ev.runs:
            most = most_words(self._view, ev.runs, allowed)
            if most:
                return ev, most, "partial"
        # Nothing at all: no level answered, so the query stands as typed.
        return ev, matched, level if matched else EXACT

    def _ranked(self, matched: int, runs, want: int, sort: str) -> tuple[list[int], list[float]]:
        """The first `want` documents of `matched` to show, and their scores."""
        view = self._view
        if not want or not matched:
            return [], []
        if sort == "date":
            docnums = view.newest(matched, want)
            return docnums, [0.0] * len(docnums)
        restore = None
        if any(not r.accented and len(r.folded) > 1 for r in runs):
            restore = self._suggester_().restore_accents
        ranked = Ranker(view, runs, restore).score(candidates(view, matched, runs, max(want, RERANK_DEPTH)))[:want]
        return [d for _, d in ranked], [sc for sc, _ in ranked]

    def lookup_directive(self, query: str, filters: Filters | None = None, limit: int = 20, offset: int = 0,
                         **options) -> SearchResult:
        """Every article citing the directive(s) a query names (`ttdn directive`), see citing.py."""
        from ttdn_search.citing import lookup_directive

        return lookup_directive(self, query, filters, limit, offset, **options)

    def run_batch(self, lines: Iterable[str], filters: Filters | None = None, limit: int = 10, offset: int = 0,
                  sort: str = "relevance", **options) -> Iterator[BatchLine]:
        """One answer per non-blank line (`--queries`), see batch.run_batch."""
        from ttdn_search.batch import run_batch

        return run_batch(self, lines, filters, limit=limit, offset=offset, sort=sort, **options)

    # -- pieces ----------------------------------------------------------------------------------

    def known_directives(self) -> list[str]:
        """Every directive id the indexed articles cite (the facet's vocabulary)."""
        return self._view.facet_values("directive")

    def _facets(self, matched: int, facet_limit, order: str = "count", counter=None) -> dict[str, list[FacetCount]]:
        counts = count_facets(self._view, FACET_NAMES, matched, facet_limit, TIME_FACETS if order == "time" else (),
                              counter)
        return {name: [FacetCount(v, n, facet_filter_text(name, v)) for v, n in values]
                for name, values in counts.items()}

    def _hit(self, docnum: int, score: float, matcher: Matcher | None, stored=None) -> Hit:
        st = (stored or self._reader.stored_fields)(docnum)
        tags = st.get("tags") or {}
        title = st.get("title") or ""
        return Hit(
            id=st["id"],
            title=title,
            date=st.get("date") or None,
            date_source=tags.get("date_source"),
            province=tags.get("province"),
            province_new=new_unit_of(tags.get("province")),
            provinces=tags.get("provinces", []),
            years=tags.get("years", []),
            directives=tags.get("directives", []),
            score=round(score, 4),
            snippet=snippet(st.get("text") or "", matcher),
            kind=tags.get("kind", []),
            url=st.get("url"),
            source=st.get("source"),
            title_html=highlight_all(title, matcher or Matcher(frozenset(), frozenset())),
        )

    def copies(self) -> Groups:
        """The groups of copies of the open index (engine/groups.py)."""
        if self._groups is None:
            self._groups = load_groups(self.index_dir, self._reader.generation(), self._view)
        return self._groups

    def _suggester_(self):
        from ttdn_search.suggest import Suggester

        if self._suggester is None:
            self._suggester = Suggester(self._view, self.index_dir)
        return self._suggester

    def _suggest(self, aq: P.AnalysedQuery, total: int) -> str | None:
        return self._suggester_().suggest(aq, total)

    # -- around the index ------------------------------------------------------------------------

    def document(self, doc_id: str) -> dict | None:
        docnum = self._reader.document_number(id=doc_id)
        return None if docnum is None else dict(self._reader.stored_fields(docnum))

    def documents(self) -> Iterator[dict]:
        """The stored fields of every live article, in index order."""
        return self._reader.all_stored_fields()

    def all_facets(self, order: str = "count") -> dict[str, list[FacetCount]]:
        return self._facets(self._view.live, 0, order)

    def stats(self) -> dict:
        size = sum(p.stat().st_size for p in self.index_dir.iterdir() if p.is_file())
        meta = read_meta(self.index_dir)
        return {"articles": self.doc_count, "index_dir": str(self.index_dir), "size_bytes": size,
                "last_update": meta.get("updated"), "created": meta.get("created"),
                "schema_version": meta.get("schema_version"),
                "copies": {"groups": len(self.copies()), "articles": len(self.copies().order)},
                "facets": {k: len(v) for k, v in self.all_facets().items()}}
