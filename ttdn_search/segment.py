"""Word segmentation with pyvi, returned as character spans into the input text."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _tokenizer():
    from pyvi import ViTokenizer

    return ViTokenizer


def tokenize(text: str) -> str:
    """pyvi's own output: words separated by spaces, syllables of a word joined by '_'."""
    return _tokenizer().tokenize(text)


def word_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each word pyvi finds in text, as offsets into text itself."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for word in tokenize(text).split():
        start = None
        for syl in word.split("_") if word != "_" else ["_"]:
            if not syl:
                continue
            i = text.find(syl, pos)
            if i < 0:
                break
            if start is None:
                start = i
            pos = i + len(syl)
        if start is not None:
            spans.append((start, pos))
    return spans
