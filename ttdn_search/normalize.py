"""One normalisation for index and query: pure str -> str functions over Vietnamese text.

`normalize` gives the canonical surface form (NFC, one tone-mark placement, ASCII dashes and quotes,
no invisible characters); `fold` gives the accent-insensitive key (no diacritics, đ -> d, lower case).
Both keep the string's length-independent meaning; `normalize` is applied before anything is matched,
`fold` only to build the accent-free view and to compare.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Look-alikes that users and CMSs produce for the same character.
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_SLASHES = "\u2044\u2215\uff0f"
_SQUOTES = "\u2018\u2019\u201a\u201b\u2032\u00b4\u0060"
_DQUOTES = "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"
_SPACES = "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
# Zero-width characters, soft hyphen, BOM, bidi marks: they hide inside copied numbers and words.
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u202a\u202b\u202c\u202d\u202e"

_TRANSLATE = {ord(c): "-" for c in _DASHES}
_TRANSLATE.update({ord(c): "/" for c in _SLASHES})
_TRANSLATE.update({ord(c): "'" for c in _SQUOTES})
_TRANSLATE.update({ord(c): '"' for c in _DQUOTES})
_TRANSLATE.update({ord(c): " " for c in _SPACES})
_TRANSLATE.update({ord(c): None for c in _INVISIBLE})
# Control characters but tab and line ends become spaces (NUL is the companion's record separator), and
# terminal escape sequences (CSI, OSC, two-character ESC ones, their C1 forms) go whole: text indexed from
# a page must not drive the terminal of whoever reads it (set the window title, clear the screen, plant
# hyperlinks).
_TRANSLATE.update({c: " " for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, *range(0x80, 0xA0))})
# A lone surrogate (JSON "\ud800") cannot be encoded: U+FFFD, as any undecodable character.
_TRANSLATE.update({c: "\ufffd" for c in range(0xD800, 0xE000)})
_ESCAPES = re.compile(
    # An OSC counts only with its terminator (a stray ESC ] loses two characters, not the rest of the text).
    r"\x1b\[[0-?]*[ -/]*[@-~]?|\x1b\][^\x07\x1b\x9c]{0,4096}(?:\x07|\x1b\\|\x9c)|\x1b[ -/]*[0-~]?"
    r"|\x9b[0-?]*[ -/]*[@-~]?|\x9d[^\x07\x1b\x9c]{0,4096}(?:\x07|\x1b\\|\x9c)"
)
# Icelandic eth looks like Đ and is what some legacy converters emit for it.
_TRANSLATE.update({0x00D0: "Đ", 0x00F0: "đ", 0x0110: "Đ", 0x0111: "đ"})

# The five Vietnamese tone marks as combining characters (huyền, sắc, ngã, hỏi, nặng).
_TONES = "\u0300\u0301\u0303\u0309\u0323"
_TONE_RE = re.compile(f"[{_TONES}]")
# Vowels that carry a quality mark (circumflex, breve, horn) take the tone when present.
_MARKED = set("âăêôơư")
VOWELS = set("aăâeêioôơuưy")
# A Vietnamese syllable: onset, vowel nucleus, coda. The onset takes "qu" and "gi" whole.
SYLLABLE = re.compile(
    r"^(?P<onset>ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?"
    r"(?P<nucleus>[aăâeêioôơuưy]{1,3})"
    r"(?P<coda>ch|ng|nh|[cmnpt])?$"
)
# Only a word with a toned vowel next to another vowel can have its tone mark on the wrong one
# (hoà/hòa, thuỷ/thủy); other words are left to the fast path of the regex engine.
_TONED = "".join(
    unicodedata.normalize("NFC", v + t) for v in "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY" for t in _TONES
)
_PLAIN_VOWELS = "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY"
# A syllable is at most seven letters, so the letters around the pair are bounded: unbounded, each start
# in a long run of letters rescanned the run (a 40,000-letter run took 41 s, quadratic).
_WORD = re.compile(
    rf"(?<![^\W\d_])[^\W\d_]{{0,6}}(?:[{_TONED}][{_PLAIN_VOWELS}]|[{_PLAIN_VOWELS}][{_TONED}])[^\W\d_]{{0,6}}(?![^\W\d_])"
)


@lru_cache(maxsize=65536)
def _place_tone(word: str) -> str:
    """Put the tone mark of one syllable on the vowel the classic rule chooses (hòa, thủy, quý)."""
    decomposed = unicodedata.normalize("NFD", word)
    tones = _TONE_RE.findall(decomposed)
    if len(tones) != 1:
        return word
    bare = unicodedata.normalize("NFC", _TONE_RE.sub("", decomposed))
    lower = bare.lower()
    m = SYLLABLE.match(lower)
    if not m:
        return word
    onset, nucleus, coda = m.group("onset") or "", m.group("nucleus"), m.group("coda") or ""
    if onset == "gi" and not nucleus:
        return word
    start = len(onset)
    marked = [i for i, ch in enumerate(nucleus) if ch in _MARKED]
    if marked:
        # "ươ" takes the tone on ơ: the last marked vowel.
        pos = marked[-1]
    elif coda:
        pos = len(nucleus) - 1
    elif len(nucleus) == 3:
        pos = 1
    elif len(nucleus) == 2:
        pos = 0
    else:
        pos = 0
    i = start + pos
    out = bare[: i + 1] + tones[0] + bare[i + 1 :]
    return unicodedata.normalize("NFC", out)


def _fix_word(m: re.Match) -> str:
    word = m.group()
    return _place_tone(word)


def normalize(text: str) -> str:
    """Canonical form of text: NFC, one tone-mark placement, ASCII dashes/quotes/slashes, no invisibles."""
    if not text:
        return ""
    if "\x1b" in text or "\x9b" in text or "\x9d" in text:
        text = _ESCAPES.sub("", text)
    text = unicodedata.normalize("NFC", text)
    # str.translate looks every character of the text up in its table (77 ns each for Vietnamese text,
    # where nearly every line holds a quote or a dash): only the characters it changes are looked up.
    found = _SPECIAL.findall(text)
    if found:
        # One replacement per distinct character: no replacement makes a character another one changes.
        for ch in set(found):
            text = text.replace(ch, _SPECIAL_TO[ch])
    # A match of _WORD is a whole run of letters, inside a whitespace-separated token. Most tokens are
    # known to hold no run whose tone mark moves: the text is rewritten by _WORD only when one does.
    tokens = set(text.split()).difference(_PLACED)
    if not tokens:
        return text
    if len(_PLACED) > 200_000:
        _PLACED.clear()
        _MOVED.clear()
    moved = False
    for token in tokens:
        if token in _MOVED:
            moved = True
        elif any(_WORD.fullmatch(run) and _place_tone(run) != run
                 for run in ((token,) if token.isalpha() else _LETTERS.findall(token))):
            _MOVED.add(token)
            moved = True
        else:
            _PLACED.add(token)
    return _WORD.sub(_fix_word, text) if moved else text


# The characters the table changes (it maps đ and Đ to themselves) and what each becomes.
_SPECIAL_TO = {chr(c): "" if v is None else v for c, v in _TRANSLATE.items() if v != chr(c)}
_SPECIAL = re.compile("[" + "".join(re.escape(ch) for ch in sorted(_SPECIAL_TO)) + "]")
assert not set("".join(_SPECIAL_TO.values())) & set(_SPECIAL_TO), "a replacement must not be replaced again"


_LETTERS = re.compile(r"[^\W\d_]+")
# Tokens that `normalize` leaves as they are, and those with a run of letters whose tone mark moves
# (bounded: names are open-ended).
_PLACED: set[str] = set()
_MOVED: set[str] = set()


def fold(text: str) -> str:
    """Accent-insensitive key: diacritics removed, đ -> d, lower case ("Đối ngoại" -> "doi ngoai")."""
    text = text.translate(_TRANSLATE).replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped).lower()


def has_diacritics(text: str) -> bool:
    """True when text has any Vietnamese letter beyond ASCII (a tone, a quality mark, or đ)."""
    return any(ord(c) > 0x7F and c.isalpha() for c in text)


class FoldTable(dict):
    """A `str.translate` table that folds one character into one (as `fold` does, so offsets carry over):
    a character whose fold is not one character is lower-cased, or kept when that is not one either.
    `extra` maps characters beforehand (the index maps pyvi's word joiner "_" to a space)."""

    def __init__(self, extra: dict[str, str] | None = None):
        super().__init__({ord(k): v for k, v in (extra or {}).items()})

    def __missing__(self, code):
        ch = chr(code)
        f = fold(ch)
        value = f if len(f) == 1 else ch.lower() if len(ch.lower()) == 1 else ch
        self[code] = value
        return value


# Every character to its folded lower-case form, one for one (highlighting searches the folded text).
FOLD_CHARS = FoldTable()
