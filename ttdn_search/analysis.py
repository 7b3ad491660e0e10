"""Vietnamese analysis: protected tokens, syllable and folded views, and pyvi word segmentation.

Three views of every text field (issue #3):
- words: pyvi's segmentation ("thông_tin", "đối_ngoại"), lower-cased after segmenting;
- syllables with positions: phrases and proximity that survive segmentation errors;
- folded syllables (no diacritics, đ -> d) for queries typed without accents.
Directive numbers, dates, numbers, URLs and e-mail addresses are recognised first, on the normalised
text, and become one token each in canonical form, so "57 - KL/TW", "57-kl/tw" and "57–KL∕TW" are one term.
"""

from __future__ import annotations

import re
from typing import Iterator

from ttdn_search.normalize import fold
from ttdn_search.scan import at_digit_runs

_L = r"A-Za-zĐđƯư"
_SP = r"[ \t]*"
# Party: 57-KL/TW, 59 - KH/BCĐTTĐN, 88 -CTr/TU.  State: 1234/QĐ-TTg, 72/2015/NĐ-CP, 202/2025/QH15,
# 3616/BTTTT-TTĐN.  Both need letters in the code, so dates and year ranges never match.
_PARTY = rf"\d{{1,5}}{_SP}-{_SP}[{_L}]{{1,6}}{_SP}/{_SP}[{_L}]{{1,12}}\d{{0,2}}(?:{_SP}-{_SP}[{_L}]{{1,12}}\d{{0,2}})*"
_STATE = (
    rf"\d{{1,5}}{_SP}/{_SP}(?:(?:19|20)\d{{2}}{_SP}/{_SP})?[{_L}]{{1,8}}\d{{0,2}}"
    rf"(?:{_SP}[-/]{_SP}[{_L}]{{1,12}}\d{{0,2}})*"
)
_DATE = r"\d{1,2}[/.\-]\d{1,2}[/.\-](?:19|20)\d{2}"
_URL = r"(?:https?://|www\.)[^\s<>\"']+[^\s<>\"'.,;:!?)]"
_EMAIL = r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+"
_NUMBER = r"\d+(?:[.,]\d+)+"
_SYLLABLE = r"[^\W_]+"

TOKEN_RE = re.compile(
    rf"(?P<url>{_URL})|(?P<email>{_EMAIL})"
    rf"|(?<![\w/])(?P<directive>{_PARTY}|{_STATE})(?![\w/])"
    rf"|(?<![\d/.\-])(?P<date>{_DATE})(?![\d/.\-])"
    rf"|(?P<number>{_NUMBER})(?![\w])"
    rf"|(?P<syl>{_SYLLABLE})"
)


def canonical_directive(raw: str) -> str:
    """Index key of a directive number: no spaces, no leading zeros, folded, lower case."""
    s = re.sub(r"\s+", "", raw)
    s = re.sub(r"(?<=[/-])T[ƯU]$", lambda m: "TW" if "Ư" in m.group() else m.group(), s)
    s = re.sub(r"(?<=[/-])tư$", "tw", s)
    s = re.sub(r"^0+(?=\d)", "", s)
    return fold(s)


def canonical_date(raw: str) -> str:
    d, m, y = re.split(r"[/.\-]", raw)
    return f"{y}-{int(m):02d}-{int(d):02d}"


# No key is longer than this: a 67,000-letter "word" (text pasted from a PDF without spaces) overflowed the
# companion's 16-bit key length and lost its whole batch. Queries are cut the same way, so such a word is
# still found by what it starts with.
MAX_KEY_CHARS = 64


def token_key(kind: str, text: str) -> str:
    """The exact (diacritic-keeping, lower-case) index key of one token, at most MAX_KEY_CHARS long."""
    if kind == "directive":
        key = canonical_directive(text)
    elif kind == "date":
        key = canonical_date(text)
    elif kind == "number":
        key = re.sub(r"[.,]", "", text)
    else:
        key = text.lower()
    return key[:MAX_KEY_CHARS]


def iter_tokens(text: str) -> Iterator[tuple[str, str, int, int]]:
    """(kind, key, start, end) for every token of already-normalised text, offsets into that text."""
    for m in TOKEN_RE.finditer(text):
        kind = m.lastgroup
        yield kind, token_key(kind, m.group()), m.start(), m.end()


# ---------------------------------------------------------------------------------------------
# Word view: pyvi between protected tokens


def _segmented(text: str):
    from ttdn_search.segment import segmented

    return segmented(text)


def segment_words(text: str) -> str:
    """The word view of normalised text: pyvi words joined by '_', protected tokens whole, lower case."""
    return keys_and_words(text)[1]


# The protected tokens that start with a digit (directives, dates, numbers), found only where a token can
# start: not inside a run of letters and digits (a syllable of TOKEN_RE). A text with no URL or e-mail
# address holds no other protected token, and between two of these its tokens are the syllables alone.
_DIGIT_TOKEN_RE = re.compile(
    rf"(?<![^\W_])(?:(?<![\w/])(?P<directive>{_PARTY}|{_STATE})(?![\w/])"
    rf"|(?<![\d/.\-])(?P<date>{_DATE})(?![\d/.\-])"
    rf"|(?P<number>{_NUMBER})(?![\w]))"
)


def _digit_tokens(text: str):
    """The matches of _DIGIT_TOKEN_RE, in order: tried only where a run of digits starts (a search for
    digits skips the letters in C; the token pattern itself would be tried at every position)."""
    return at_digit_runs(_DIGIT_TOKEN_RE, text)


def _may_hold_address(text: str) -> bool:
    """False when no URL or e-mail address of TOKEN_RE can be in the text."""
    return "@" in text or "://" in text or "www." in text


def _syllables_of(chunk: str) -> list[str]:
    """The syllable keys of text holding no protected token (TOKEN_RE's `syl` tokens, as keys)."""
    runs = _SYLLABLE_RE.findall(chunk)
    if runs and max(map(len, runs)) > MAX_KEY_CHARS:
        return [r[:MAX_KEY_CHARS].lower() for r in runs]
    return list(map(str.lower, runs))


def keys_and_words(text: str) -> tuple[list[str], str]:
    """`syllable_keys(text)` and `segment_words(text)` in one pass over the tokens (what the indexer needs).

    The usual text (no URL or e-mail address) is cut at its digit-led protected tokens only, and each piece
    between them gives its syllables in one C call: the same keys as token by token (tested on every
    article of news-20k), at a fraction of the cost per syllable."""
    if _may_hold_address(text):
        return _keys_and_words_by_token(text)
    keys: list[str] = []
    out: list[str] = []
    last = 0
    for m in _digit_tokens(text):
        chunk = text[last : m.start()]
        keys += _syllables_of(chunk)
        key = token_key(m.lastgroup, m.group())
        keys.append(key)
        _segment_plain(chunk, out)
        out.append(key)
        last = m.end()
    chunk = text[last:]
    keys += _syllables_of(chunk)
    _segment_plain(chunk, out)
    return keys, " ".join(out)


def _keys_and_words_by_token(text: str) -> tuple[list[str], str]:
    keys: list[str] = []
    key_of = keys.append
    out: list[str] = []
    last = 0
    for m in TOKEN_RE.finditer(text):
        kind = m.lastgroup
        if kind == "syl":
            key_of(m.group()[:MAX_KEY_CHARS].lower())
            continue
        key = token_key(kind, m.group())
        key_of(key)
        _segment_plain(text[last : m.start()], out)
        out.append(key)
        last = m.end()
    _segment_plain(text[last:], out)
    return keys, " ".join(out)


def _segment_plain(chunk: str, out: list[str]) -> None:
    # pyvi's cost grows faster than linearly with length, and a line break ends a sentence anyway.
    add = out.append
    for line in chunk.split("\n"):
        if not line.strip():
            continue
        seg = _segmented(line)
        joined, nfc = seg.out, seg.nfc
        # pyvi's output joins a word's syllables with "_" and words with " ". A word whose syllables are
        # all letters and digits is separated by whitespace in the text (two such syllables never touch:
        # pyvi's \w+ takes the whole run), so they are exactly its text's parts; only a line holding "_"
        # itself (which pyvi's syllables may contain) or one that was not NFC needs the offsets.
        simple = "_" not in line and nfc == line
        words = joined.split(" ") if simple else ()
        lows = joined.lower().split(" ") if simple else ()
        if len(lows) != len(words):  # lower() made or lost a space: never seen, but then word by word
            lows = [w.lower() for w in words]
        if words and _LONG_SYLLABLE.search(joined) is None:
            # A word whose syllables are all letters and digits is its lower-case form (the usual case,
            # taken a run at a time): only the words holding punctuation are looked at one by one.
            prev = 0
            for k in [k for k, w in enumerate(words) if not w.isalnum() and not w.replace("_", "").isalnum()]:
                out.extend(lows[prev:k])
                _punctuated(line, seg, k, words[k], add)
                prev = k + 1
            out.extend(lows[prev:])
        else:
            for k, word in enumerate(words):
                # Its syllables are all letters and digits exactly when the word without its "_" is.
                if word.isalnum() or word.replace("_", "").isalnum():
                    add(lows[k] if len(word) <= MAX_KEY_CHARS else "_".join(p[:MAX_KEY_CHARS] for p in word.split("_")).lower())
                else:
                    _punctuated(line, seg, k, word, add)
        if not simple:
            from ttdn_search.segment import word_spans

            for s, e in word_spans(line):
                word = line[s:e]
                parts = word.split()
                if all(p.isalnum() for p in parts):  # the usual case: syllables separated by spaces
                    if parts:
                        add("_".join(p[:MAX_KEY_CHARS] for p in parts).lower())
                    continue
                _refined(word, add)


# A syllable longer than a key (its key is cut): the line's words are then taken one by one.
_LONG_SYLLABLE = re.compile(rf"[^ _]{{{MAX_KEY_CHARS + 1},}}")


def _punctuated(line: str, seg, k: int, word: str, add) -> None:
    """The key of the k-th word of a line (NFC, no "_") that holds punctuation, if it has one."""
    if "_" not in word:
        # One syllable: its text is the word itself (the offsets are needed only to find the text of a
        # word of several, which may touch or be apart in the line).
        key = _one_refined.get(word, _NOT_SEEN)
        if key is _NOT_SEEN:
            if len(_one_refined) > 10_000:
                _one_refined.clear()
            key = _one_refined[word] = _refined_key(word)
        if key is not None:
            add(key)
    else:
        _refined(line[seg.flat[2 * k] : seg.flat[2 * k + 1]], add)


def _refined(word: str, add) -> None:
    # A word holding punctuation ("Tp.HCM", "COVID-19"): its syllables in the syllable view's sense.
    key = _refined_key(word)
    if key is not None:
        add(key)


def _refined_key(word: str) -> str | None:
    sylls = _SYLLABLE_RE.findall(word)
    return "_".join(s[:MAX_KEY_CHARS] for s in sylls).lower() if sylls else None


# `_refined_key` of the one-syllable words seen (punctuation, mostly: ",", ".", "“"), bounded.
_one_refined: dict[str, str | None] = {}
_NOT_SEEN = object()


_SYLLABLE_RE = re.compile(_SYLLABLE)


def syllable_keys(text: str) -> list[str]:
    """Index keys of the syllable view of normalised text, one per position (`iter_tokens`' keys)."""
    return [m.group()[:MAX_KEY_CHARS].lower() if m.lastgroup == "syl" else token_key(m.lastgroup, m.group())
            for m in TOKEN_RE.finditer(text)]
