"""The merge policy: which segments an index run merges at its end (indexer.build_index).

Merging goes through Whoosh, about 9 ms an article (BENCHMARKS.md "Indexing"), so a segment of a whole batch (DEFAULT_BATCH articles) is never merged: a build of N
articles keeps N / DEFAULT_BATCH of them, and queries read each (companion bitmaps are shifted and ORed).
Smaller segments, left by runs of a few articles (or shrunk by updates), are kept in tiers of live
sizes within a factor of TIER_FACTOR (1-9, 10-99, 100-999, 1,000-9,999); a tier of TIER_WIDTH segments
is merged into one, which joins the next tier. A run merges at most one tier, so its cost is bounded
by TIER_WIDTH segments of its tier's size, and the number of segments by `max_segments`.
"""

from __future__ import annotations

DEFAULT_BATCH = 10000  # articles per commit (indexer.batch_size_from_env)
TIER_FACTOR = 10
TIER_WIDTH = 8
TIERS = 4  # tiers below DEFAULT_BATCH: 10 ** TIERS == DEFAULT_BATCH


def max_segments(ndocs: int) -> int:
    """The most segments an index of ndocs live articles holds under the merge policy."""
    return -(-ndocs // DEFAULT_BATCH) + TIER_WIDTH * TIERS


def merge_small(segments: list[tuple[str, int]]) -> list[str]:
    """The segments to merge after a run (see TIER_WIDTH): the segments of the smallest tier that holds
    TIER_WIDTH of them, else none. (segment id, live documents) in, ids out."""
    tiers: dict[int, list[str]] = {}
    for sid, live in segments:
        if live >= DEFAULT_BATCH:
            continue
        tier, size = 0, TIER_FACTOR
        while live >= size:
            tier, size = tier + 1, size * TIER_FACTOR
        tiers.setdefault(tier, []).append(sid)
    for tier in sorted(tiers):
        if len(tiers[tier]) >= TIER_WIDTH:
            return tiers[tier]
    return []
