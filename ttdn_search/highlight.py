"""Highlight whole syllables and words that match a query, at offsets into the original text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from html import escape

from ttdn_search.analysis import iter_tokens
from ttdn_search.normalize import FOLD_CHARS, fold

# Highlighting folds every token of every shown article; the vocabulary is small, so remember it.
_fold = lru_cache(maxsize=200_000)(fold)


@dataclass(frozen=True)
class Matcher:
    """What to mark: exact (diacritic-keeping) keys, and folded keys when accents may differ."""

    exact: frozenset[str]
    folded: frozenset[str]

    def __call__(self, key: str) -> bool:
        return key in self.exact or _fold(key) in self.folded


_SYLLABLE = re.compile(r"[^\W_]+")


@lru_cache(maxsize=256)
def _syllable_pattern(folded: frozenset[str]) -> re.Pattern | None:
    """One regex finding every folded query syllable as a whole syllable, or None when some query key
    is a date, a grouped number or a document code (those need the tokenizer's canonical forms)."""
    if not folded or not all(_SYLLABLE.fullmatch(k) for k in folded):
        return None
    alts = "|".join(re.escape(k) for k in sorted(folded, key=len, reverse=True))
    # A whole run of matches separated by white space is one match: one mark, no merging afterwards.
    one = rf"(?:{alts})(?![^\W_])"
    return re.compile(rf"(?<![^\W_]){one}(?:\s+{one})*")


def highlight_spans(text: str, matcher: Matcher) -> list[tuple[int, int]]:
    """(start, end) offsets into text of each run of adjacent matching tokens."""
    exact = frozenset(k for k in matcher.exact if _fold(k) not in matcher.folded)
    folded_pattern = _syllable_pattern(matcher.folded) if matcher.folded else None
    exact_pattern = _syllable_pattern(exact) if exact else None
    if (folded_pattern is not None or not matcher.folded) and (exact_pattern is not None or not exact):
        # Fast path: the folded syllables in the folded text and the exact ones in the lower-cased text
        # (the same offsets: one character for one), each with one regex; runs of both are one mark.
        lower = text.lower() if exact else text
        if len(lower) == len(text):
            found = [m.span() for m in folded_pattern.finditer(text.translate(FOLD_CHARS))] if folded_pattern else []
            if exact_pattern is not None:
                found = sorted(found + [m.span() for m in exact_pattern.finditer(lower)])
            spans: list[tuple[int, int]] = []
            for s, e in found:
                if spans and not text[spans[-1][1] : s].strip():
                    spans[-1] = (spans[-1][0], max(e, spans[-1][1]))
                else:
                    spans.append((s, e))
            return spans
    spans = []
    for s, e in _token_matches(text, matcher):
        # Merge with the previous match when only spaces separate them: "thông tin đối ngoại" is one mark.
        if spans and not text[spans[-1][1] : s].strip():
            spans[-1] = (spans[-1][0], e)
        else:
            spans.append((s, e))
    return spans


def _token_matches(text: str, matcher: Matcher):
    for _, key, s, e in iter_tokens(text):
        if matcher(key):
            yield s, e


def _mark(text: str, spans: list[tuple[int, int]], start: int, end: int) -> str:
    out, pos = [], start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        out.append(escape(text[pos:s]))
        out.append("<mark>" + escape(text[s:e]) + "</mark>")
        pos = e
    out.append(escape(text[pos:end]))
    return "".join(out)


def highlight_all(text: str, matcher: Matcher) -> str:
    """The whole text, HTML-escaped, with matches in <mark>."""
    return _mark(text, highlight_spans(text, matcher), 0, len(text))


def snippet(text: str, matcher: Matcher | None, width: int = 240) -> str:
    """An escaped excerpt of about `width` characters around the densest cluster of matches."""
    if not text:
        return ""
    spans = highlight_spans(text, matcher) if matcher else []
    if not spans:
        end = _word_end(text, min(len(text), width))
        return escape(text[:end]) + (" …" if end < len(text) else "")
    # The window that covers the most matched characters, starting at a match (prefix sums of lengths).
    covered = [0]
    for s, e in spans:
        covered.append(covered[-1] + e - s)
    best_i, best_cov, j = 0, -1, 0
    for i, (s, _) in enumerate(spans):
        while j < len(spans) and spans[j][1] <= s + width:
            j += 1
        cov = covered[j] - covered[i]
        if cov > best_cov:
            best_i, best_cov = i, cov
    first = spans[best_i][0]
    start = _word_start(text, max(0, first - width // 4))
    end = _word_end(text, min(len(text), start + width))
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return prefix + _mark(text, spans, start, end) + suffix


def _word_start(text: str, i: int) -> int:
    if i <= 0:
        return 0
    j = text.rfind(" ", 0, i)
    nl = text.rfind("\n", 0, i)
    return max(j, nl) + 1


def _word_end(text: str, i: int) -> int:
    if i >= len(text):
        return len(text)
    j = text.find(" ", i)
    return len(text) if j < 0 else j
