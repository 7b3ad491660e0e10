"""Counts of every facet's values among a set of documents.

Each facet is counted the cheaper of two ways: AND each value's bitmap with the set (a cost per value,
growing with the index), or read the facet values of each member that has any (a cost per document).
"""

from __future__ import annotations

import heapq
from collections import Counter

from ttdn_search.engine import format as F
from ttdn_search.engine.bitmaps import members
from ttdn_search.engine.segments import Segments

# Facet counting costs, in microseconds (measured on news-20k and the 100k corpus): reading one
# document's facet values, and ANDing and counting one value's bitmap (a fixed part and a part per
# indexed document).
SCAN_US = 1.7
AND_US, AND_US_PER_DOC = 0.3, 1 / 55_000


def count_facets(view: Segments, names, matched: int, facet_limit: int,
                 by_time=(), counter=None) -> dict[str, list[tuple[str, int]]]:
    """(value, count) of each facet in `names` among `matched`, by count (ties by value), except the
    facets in `by_time` (years), newest first; at most `facet_limit` values each (0: all). `counter`:
    what a value's documents count for (engine/groups.Groups.count: groups of copies), else articles;
    with a counter every value is counted from its bitmap (a scan counts documents)."""
    count = counter or int.bit_count
    scan = {} if counter else _to_scan(view, names, matched, facet_limit, by_time)
    scanned = _scan(view, scan)
    out: dict[str, list[tuple[str, int]]] = {}
    for name in names:
        if name in scanned:
            counts = list(scanned[name].items())
        elif not matched:
            counts = []
        elif name in by_time:
            counts = _newest(view, name, matched, facet_limit, count)
        else:
            counts = _by_bitmaps(view, name, matched, facet_limit, count)
        if name in by_time:
            counts.sort(key=lambda kv: kv[0], reverse=True)
        else:
            counts.sort(key=lambda kv: (-kv[1], kv[0]))
        out[name] = counts[:facet_limit] if facet_limit else counts
    return out


def _to_scan(view: Segments, names, matched: int, facet_limit: int, by_time) -> dict[str, int]:
    """The facets cheaper to count by reading their documents, with those documents."""
    scan: dict[str, int] = {}
    if not matched:
        return scan
    and_us = AND_US + view.ndocs * AND_US_PER_DOC
    for name in names:
        values = len(view.facet_values(name))
        if name in by_time and facet_limit:
            values = min(values, 2 * facet_limit)  # newest first, stopping at the shown limit
        docs = matched & view.facet_any(name)
        if docs.bit_count() * SCAN_US <= values * and_us:
            scan[name] = docs
    return scan


def _scan(view: Segments, scan: dict[str, int]) -> dict[str, dict[str, int]]:
    scanned: dict[str, dict[str, int]] = {name: {} for name in scan}
    if not scan:
        return scanned
    docs = 0
    for bm in scan.values():
        docs |= bm
    items: list[bytes] = []
    for d in members(docs):
        items.extend(F.split_facet_items(view.facet_keys(d)))
    for item, n in Counter(items).items():
        name, value = F.facet_item(item)
        c = scanned.get(name)
        if c is not None:
            c[value] = n
    return scanned


def _newest(view: Segments, name: str, matched: int, facet_limit: int, count) -> list[tuple[str, int]]:
    """In order of time, newest first: the first facet_limit values that have a match."""
    counts = []
    for value in reversed(view.facet_values(name)):
        n = count(view.facet(name, value) & matched)
        if n:
            counts.append((value, n))
            if facet_limit and len(counts) >= facet_limit:
                break
    return counts


def _by_bitmaps(view: Segments, name: str, matched: int, facet_limit: int, count) -> list[tuple[str, int]]:
    counts = []
    best: list[int] = []  # the facet_limit largest counts so far (a min-heap)
    for value, df in view.facet_values_by_df(name):
        if facet_limit and len(best) >= facet_limit and df < best[0]:
            break  # no later value (df at most this one's, groups fewer) can enter the shown top
        n = count(view.facet(name, value) & matched)
        if n:
            counts.append((value, n))
            if facet_limit:
                if len(best) < facet_limit:
                    heapq.heappush(best, n)
                elif n > best[0]:
                    heapq.heapreplace(best, n)
    return counts
