"""Regex scans that skip the letters in C.

Python's `re` tries a pattern that has no literal prefix at every position of the text, and most of the
patterns that find numbers, dates and document identifiers start with a look-behind. Where a pattern can
only match at the start of a run of digits, `at_digit_runs` asks it there alone: a C search for digits
jumps over the letters between them."""

from __future__ import annotations

import re
from typing import Iterator

_DIGITS = re.compile(r"\d+")


def at_digit_runs(rx: re.Pattern, text: str) -> Iterator[re.Match]:
    """The matches of `rx.finditer(text)`, for a pattern whose every match starts with a digit that follows
    no digit (its look-behind refuses a word character or a digit before it): it is tried at the start of
    each run of digits, and where a match ends, as finditer would."""
    match = rx.match
    search = _DIGITS.search
    pos = 0
    while True:
        d = search(text, pos)
        if d is None:
            return
        m = match(text, d.start())
        if m is None:
            pos = d.end()
            continue
        yield m
        pos = m.end()
