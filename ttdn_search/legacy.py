"""Recognise text saved in a legacy Vietnamese encoding (Windows-1258) and convert it to Unicode."""

from __future__ import annotations

import unicodedata

# Letters that only Vietnamese text has in abundance; legacy bytes decoded wrongly rarely produce them.
_VIET_MARKS = set("ăâêôơưđĂÂÊÔƠƯĐ")


def _plausible(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 20:
        return False
    base = unicodedata.normalize("NFD", text)
    marked = sum(1 for c in base if unicodedata.combining(c)) + sum(1 for c in text if c in _VIET_MARKS)
    controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\r\n\t")
    return controls == 0 and marked / len(letters) > 0.05


def decode_legacy(data: bytes) -> str | None:
    """The text of bytes in Windows-1258, or None when they do not read as Vietnamese."""
    try:
        text = data.decode("cp1258")
    except UnicodeDecodeError:
        return None
    text = unicodedata.normalize("NFC", text)
    return text if _plausible(text) else None
