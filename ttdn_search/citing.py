"""What a directive's lookup tells beside its articles (`ttdn directive`, JSON): the first and the latest
article citing it, and the directives cited most often with it."""

from __future__ import annotations

import dataclasses

from ttdn_search.filters import Filters, parse_date
from ttdn_search.results import SearchResult


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
