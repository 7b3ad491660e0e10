"""What a directive's lookup tells beside its articles (`ttdn directive`, JSON): the first and the latest
article citing it, and the directives cited most often with it."""

from __future__ import annotations

import dataclasses

from ttdn_search.filters import Filters, parse_date, resolve_directives
from ttdn_search.results import SearchResult, directive_info


def lookup_directive(searcher, query: str, filters: Filters | None, limit: int, offset: int,
                     **options) -> SearchResult:
    """Every article citing the directive(s) a query names (`ttdn directive`), newest first: none for a
    well-formed reference no article cites ("ket luan 72"); BadQuery for a query that is not one.
    options: what `Searcher.search` takes besides (collapse, count)."""
    from ttdn_search.extract.references import resolve

    found = resolve(query, searcher.known_directives(), bare_number=True)
    if not found.how:
        resolve_directives(query)  # raises the one message for a query that names no document
    ids = list(found.ids)
    if ids:
        res = searcher.search("", filters=(filters or Filters()).merged({"directive": ids}), limit=limit,
                              offset=offset, sort="date", directive_lookup=False, **options)
    else:
        res = SearchResult(query=query, total=0, hits=[], facets={}, took_ms=0.0, offset=offset, sort="date")
    res.query = query
    res.directives = [directive_info(i) for i in ids]
    if ids and res.total:
        res.summary = citing_summary(searcher, ids, filters, res)
    if found.how == "corrected":
        res.interpreted, res.interpreted_why = ids[0], "directive"
    return res


def citing_summary(searcher, ids: list[str], filters: Filters | None, res: SearchResult) -> dict:
    """What a directive's lookup tells beside its articles: the first and the latest dated article
    citing it, and the directives cited most often with it."""
    base = (filters or Filters()).merged({"directive": ids})
    dated = [m for m, n in res.timeline if n]
    brief = lambda h: {"id": h.id, "title": h.title, "date": h.date, "province": h.province}  # noqa: E731
    out = {"first": None, "latest": None,
           "cited_with": [{"id": c.value, "count": c.count} for c in res.facets.get("directive", [])
                          if c.value not in ids][:10]}
    if dated:
        for key, month in (("latest", dated[-1]), ("first", dated[0])):
            # That month's citing articles, newest first: the first of the last month, the last of the first.
            lo = base.date_from if base.date_from and parse_date(base.date_from) > parse_date(month) else month
            hi = (base.date_to if base.date_to and parse_date(base.date_to, True) < parse_date(month, True)
                  else month)
            within = dataclasses.replace(base, date_from=lo, date_to=hi)
            count = dict(res.timeline)[month] if key == "first" else 1  # the whole oldest month, newest first
            hits = searcher.search("", filters=within, limit=count, sort="date", facets=False,
                                   directive_lookup=False).hits
            if hits:
                out[key] = brief(hits[0] if key == "latest" else hits[-1])
    return out
