"""Copies collapsed in a result: one article per group of copies (engine/groups.py), the best ranked, with
the others listed beside it ("đăng lại N lần")."""

from __future__ import annotations

from typing import Callable

from ttdn_search.engine.bitmaps import from_ids
from ttdn_search.engine.groups import Groups

# The copies listed under a hit (each costs a read of its stored fields); the count says how many in all.
MAX_LISTED = 5
COUNT_UNITS = ("articles", "groups")


def ranked_groups(ranked: Callable[[int, list, int, str], tuple[list[int], list[float]]], groups: Groups | None,
                  matched: int, runs, want: int, sort: str, batch: int = 0) -> tuple[list[int], list[float]]:
    """The first `want` documents to show, one per group when `groups` is given, in the ranking's order.

    Pass after pass, the ranking is asked for the documents still missing among what is left of the
    matches, once every member of the groups already shown (and every document shown) is taken out: a
    document's score does not depend on the others, so whatever is left ranks below what was shown, and
    each pass adds at least one group. A group of thousands of copies costs one pass, not a ranking of
    all of them. `batch`: at least this many documents asked for per pass (the ranking scores that many
    candidates whatever it is asked for: asking for them all saves passes when copies rank together)."""
    if groups is None or not len(groups) or not (matched & groups.dup):
        return ranked(matched, runs, want, sort)
    out_d: list[int] = []
    out_s: list[float] = []
    remaining = matched
    group_of, members = groups.group_of, groups.members
    while len(out_d) < want and remaining:
        docnums, scores = ranked(remaining, runs, max(want - len(out_d), batch), sort)
        if not docnums:
            break
        shown: set[int] = set()
        drop: list[int] = []
        for d, sc in zip(docnums, scores):
            g = group_of.get(d)
            if g is None:
                drop.append(d)
            elif g in shown:
                continue
            else:
                shown.add(g)
                drop.extend(members[g])
            out_d.append(d)
            out_s.append(sc)
        remaining &= ~from_ids(sorted(set(drop)), max(drop) + 1)
    return out_d[:want], out_s[:want]


def copies_json(docnums: list[int], stored) -> list[dict]:
    """What a hit lists of its copies: id, title, date, source and url of each (at most MAX_LISTED)."""
    out = []
    for d in docnums[:MAX_LISTED]:
        st = stored(d)
        out.append({"id": st["id"], "title": st.get("title") or "", "date": st.get("date") or None,
                    "source": st.get("source"), "url": st.get("url")})
    return out
