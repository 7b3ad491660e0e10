"""Recognise text saved in a legacy Vietnamese encoding (Windows-1258 or TCVN3/ABC) and convert it to Unicode.

Both are 8-bit encodings whose bytes always decode to *something*; the decoding that reads as
Vietnamese is the one whose accented words are well-formed Vietnamese syllables (one tone mark, on
a vowel, in a syllable shape). Latin-1 text, binary data and the wrong one of the two decodings
fail that test, so they are refused rather than turned into mojibake.
"""

from __future__ import annotations

import re
import unicodedata

# TCVN 5712:1993, the TCVN3 ("ABC") table: byte -> character, written as runs of consecutive bytes.
# VN3 (the .VnTime fonts) encodes the lowercase letters and the seven uppercase base letters; the
# uppercase toned vowels are the VN1 positions of the same standard (the ones it places in the control
# range 0x01-0x17 are left out: no text file carries them). Checked against glibc's TCVN5712-1 in the tests.
_TCVN3_RUNS = (
    ("A0", "\u00a0ĂÂÊÔƠƯĐăâêôơưđ"),  # no-break space, then the base letters with their shape marks
    ("B5", "àảãáạ"),  # tones in the order grave, hook above, tilde, acute, dot below
    ("BB", "ằẳẵắ"),
    ("C6", "ặầẩẫấậ"),
    ("CC", "è"),
    ("CE", "ẻẽéẹềểễếệìỉ"),
    ("DC", "ĩíịò"),
    ("E1", "ỏõóọồổỗốộờởỡớợù"),
    ("F1", "ủũúụừửữứựỳỷỹýỵ"),
    # VN1 uppercase toned vowels
    ("80", "ÀẢÃÁẠẶẬÈẺẼÉẸỆÌỈĨÍỊÒỎÕÓỌỘỜỞỠỚỢÙỦŨ"),
    ("AF", "Ằ"),
    ("BA", "Ẳ"),
    ("BF", "ẴẮẦẨẪẤỀ"),
    ("CD", "Ể"),
    ("D9", "ỄẾỒ"),
    ("E0", "Ổ"),
    ("F0", "Ỗ"),
    ("FF", "Ố"),
    # Combining tone marks, for text typed with separate marks.
    ("B0", "\u0300\u0309\u0303\u0301\u0323"),
)


def _tcvn3_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for start, chars in _TCVN3_RUNS:
        for i, ch in enumerate(chars):
            table[int(start, 16) + i] = ch
    return table


TCVN3 = _tcvn3_table()
# str.translate table over the Latin-1 reading of the bytes.
_TCVN3_TRANS = {byte: ch for byte, ch in TCVN3.items()}


def decode_tcvn3(data: bytes) -> str:
    """Bytes in TCVN3 (ABC) as Unicode text (NFC); ASCII bytes stay as they are."""
    return unicodedata.normalize("NFC", data.decode("latin-1").translate(_TCVN3_TRANS))


def decode_cp1258(data: bytes) -> str | None:
    try:
        return unicodedata.normalize("NFC", data.decode("cp1258"))
    except UnicodeDecodeError:  # five bytes are undefined in cp1258
        return None


# ---------------------------------------------------------------------------------------------
# Does a decoding read as Vietnamese?

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_SHAPES = {("a", "\u0306"): "ă", ("a", "\u0302"): "â", ("e", "\u0302"): "ê", ("o", "\u0302"): "ô",
           ("o", "\u031b"): "ơ", ("u", "\u031b"): "ư"}
# onset? nucleus coda?: "nghiêng", "trường", "quốc", "đối", "ngoại".
_SYLLABLE = re.compile(
    r"^(?:ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdđghklmnprstvx])?"
    r"[aăâeêioôơuưy]{1,3}"
    r"(?:ch|ng|nh|[cmnpt])?$"
)
_WORD = re.compile(r"[^\W\d_]+")


def _is_vietnamese_syllable(word: str) -> bool:
    """True for a well-formed Vietnamese syllable such as 'Việt' or 'ngoại'; False for 'ViÖt', 'cafộ', 'Müller'."""
    base: list[str] = []
    tones = 0
    for ch in unicodedata.normalize("NFD", word.lower()):
        if ch in _TONES:
            tones += 1
        elif unicodedata.combining(ch):
            if not base or (base[-1], ch) not in _SHAPES:
                return False
            base[-1] = _SHAPES[(base[-1], ch)]
        else:
            base.append(ch)
    return tones <= 1 and bool(_SYLLABLE.match("".join(base)))


def vietnamese_score(text: str) -> tuple[float, int]:
    """(share of well-formed syllables among the non-ASCII words and stray symbols, number of such words)."""
    good = bad = 0
    for w in _WORD.findall(text):
        if w.isascii():
            continue
        if _is_vietnamese_syllable(w):
            good += 1
        else:
            bad += 1
    # Symbols and marks outside words ('µ', '¸', '©', a lone combining mark) are what wrong decodings make.
    bad += sum(1 for c in text if ord(c) > 0x7F and not c.isalpha() and not c.isspace()
               and c not in "–—‘’“”…•·«»°€§¹²³ªº%")
    total = good + bad
    return (good / total if total else 0.0), good


def _has_controls(text: str) -> bool:
    return any(unicodedata.category(c) == "Cc" and c not in "\r\n\t\f" for c in text)


def decode_legacy(data: bytes) -> str | None:
    """The text of bytes in Windows-1258 or TCVN3, whichever reads as Vietnamese; None when neither does."""
    best: tuple[float, int, str] | None = None
    for decode in (decode_cp1258, decode_tcvn3):
        text = decode(data)
        if text is None or _has_controls(text):
            continue
        share, words = vietnamese_score(text)
        if best is None or (share, words) > best[:2]:
            best = (share, words, text)
    if best is None:
        return None
    share, words, text = best
    return text if share >= 0.8 and words >= 3 else None


def detect_legacy(data: bytes) -> str | None:
    """'cp1258', 'tcvn3' or None: which legacy encoding decode_legacy would read these bytes as."""
    text = decode_legacy(data)
    if text is None:
        return None
    return "cp1258" if text == decode_cp1258(data) else "tcvn3"
