"""Copies collapsed in a result: one article per group of copies (engine/groups.py), the best ranked, with
the others listed beside it ("đăng lại N lần")."""

from __future__ import annotations

from typing import Callable

from ttdn_search.engine.groups import Groups

# The copies listed under a hit; the count says how many there are in all.
MAX_LISTED = 20
COUNT_UNITS = ("articles", "groups")


def ranked_groups(ranked: Callable[[int, list, int, str], tuple[list[int], list[float]]], groups: Groups | None,
                  matched: int, runs, want: int, sort: str) -> tuple[list[int], list[float]]:
    """The first `want` documents to show, one per group when `groups` is given: the ranking is asked for
    more documents until `want` groups are found or the matches run out (the hidden copies of a group
    rank anywhere below its first)."""
    if groups is None or not len(groups) or not (matched & groups.dup):
        return ranked(matched, runs, want, sort)
    depth = want
    total = matched.bit_count()
    while True:
        docnums, scores = ranked(matched, runs, depth, sort)
        keep = groups.first_of_each(docnums)
        if len(keep) >= want or depth >= total:
            keep = keep[:want]
            return [docnums[i] for i in keep], [scores[i] for i in keep]
        depth = min(total, max(2 * depth, depth + 2 * (want - len(keep))))


def copies_json(docnums: list[int], stored) -> list[dict]:
    """What a hit lists of its copies: id, title, date, source and url of each (at most MAX_LISTED)."""
    out = []
    for d in docnums[:MAX_LISTED]:
        st = stored(d)
        out.append({"id": st["id"], "title": st.get("title") or "", "date": st.get("date") or None,
                    "source": st.get("source"), "url": st.get("url")})
    return out


def count_note(unit: str, total: int, groups: int) -> str:
    """How the count reads: articles, and the texts they are once copies are counted once."""
    if unit == "groups":
        return f"{groups} tin (các bản đăng lại tính một lần; {total} bài)"
    return f"{total} bài" + (f" ({groups} tin sau khi gộp các bản đăng lại)" if groups != total else "")
