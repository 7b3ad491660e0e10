"""Telex typed with the Vietnamese keyboard switched off: "thoong tin ddoois ngoaij" is "thông tin đối ngoại".

Telex spells each mark with letters: aa = â, aw = ă, ee = ê, oo = ô, ow = ơ, uw = ư, dd = đ, and a tone
letter after the syllable: s (sắc), f (huyền), r (hỏi), x (ngã), j (nặng). No Vietnamese syllable ends in
s, f, r, x or j, and the decoded letters must make a well-formed syllable, so a token either reads as one
syllable or not at all; whether that syllable is worth searching is the index's to say (search.py).
"""

from __future__ import annotations

import unicodedata

from ttdn_search.normalize import SYLLABLE, VOWELS, normalize

TONE_LETTERS = {"s": "\u0301", "f": "\u0300", "r": "\u0309", "x": "\u0303", "j": "\u0323"}
_MARKS = (("dd", "đ"), ("aa", "â"), ("aw", "ă"), ("ee", "ê"), ("oo", "ô"), ("ow", "ơ"), ("uw", "ư"))


def decode_syllable(token: str) -> str | None:
    """The syllable a Telex token spells ("ddoois" -> "đối"), None when it spells none or has no Telex
    mark at all (a plain accent-free syllable is left to the folded search)."""
    t = token.lower()
    if not t.isascii() or not t.isalpha() or len(t) < 2:
        return None
    tone = ""
    if t[-1] in TONE_LETTERS:
        tone, t = TONE_LETTERS[t[-1]], t[:-1]
    out = t
    for pair, mark in _MARKS:
        out = out.replace(pair, mark)
    if out == t and not tone:
        return None
    if not SYLLABLE.match(out):
        return None
    if tone:
        i = next(i for i, c in enumerate(out) if c in VOWELS)
        if out.startswith(("gi", "qu")) and len(out) > 2 and out[2] in VOWELS:
            i = 2  # the onset's vowel letter takes no tone ("giữ", "quốc")
        out = unicodedata.normalize("NFC", out[: i + 1] + tone + out[i + 1 :])
    return normalize(out)  # the tone mark where the classic rule puts it
