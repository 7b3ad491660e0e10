"""Regex scans that skip the letters in C.

Python's `re` tries a pattern that has no literal prefix at every position of the text, and most of the
patterns that find numbers, dates and document identifiers start with a look-behind. Where a pattern can
only match at the start of a run of digits, `at_digit_runs` asks it there alone: a C search for digits
jumps over the letters between them."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterator

_DIGITS = re.compile(r"\d+")


def at_digit_runs(rx: re.Pattern, text: str) -> Iterator[re.Match]:
    """The matches of `rx.finditer(text)`, for a pattern whose every match starts with a digit that follows
    no digit (its look-behind refuses a word character or a digit before it): it is tried at the start of
    each run of digits after the end of the last match, as finditer would (inside a run, the look-behind
    would refuse it). Several patterns are asked of the same text in turn (a tagger's three kinds of
    identifier, then years): its runs are found once."""
    match = rx.match
    pos = 0
    for start in _run_starts(text):
        if start < pos:
            continue
        m = match(text, start)
        if m is not None:
            yield m
            pos = m.end()


@lru_cache(maxsize=8)
def _run_starts(text: str) -> tuple[int, ...]:
    return tuple(m.start() for m in _DIGITS.finditer(text))
