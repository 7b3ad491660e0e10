"""A page's text without its boilerplate, and its headline.

Boilerplate is recognised by the shape of a line and where it stands, not by a list of site strings:
navigation lines written in untoned Latin, image file names, counters, banners above the headline,
and the lists of other headlines that follow a short label at the end of a page. Removed lines are kept
aside (`CleanPage.meta_lines`) for the taggers: a byline gives the date, a banner the province.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ttdn_search.normalize import has_diacritics, normalize


_IMAGE_LINE = re.compile(r"^[\w.\-()%+]+\.(?:jpe?g|png|gif|webp|bmp|svg|tiff?)$", re.IGNORECASE)
# "(0) Bình luận", "Lượt xem: 76", "Bình luận (3)", "Lượt thích 12": a label and a count, nothing else.
_COUNTER = re.compile(r"^(?:\(\d+\)\s*[^\d\W][\w ]{0,25}|[^\d\W][\w ]{0,25}?[:\s]\s*\(?\d[\d.,]*\)?)$")
_SENTENCE_END = re.compile(r"[.!?…:;\"')\]]$")
# A byline date: "08/01/2024, 05:10", "Đăng ngày: 27/12/2019 - Lượt xem: 76", "Thứ Hai, 08/01/2024 05:10 (GMT+7)".
_DATE_IN_LINE = re.compile(r"\b\d{1,2}[/\-.]\d{1,2}[/\-.](?:19|20)\d{2}\b")
_WORD = re.compile(r"[^\W_]+")


@lru_cache(maxsize=1024)
def _words(line: str) -> tuple[str, ...]:
    # Asked of the same line by several tests in turn (noise, paragraph, label, banner, headline).
    return tuple(_WORD.findall(line))


def _is_untoned_latin_label(line: str, words: tuple[str, ...]) -> bool:
    """A short line of plain ASCII words in a Vietnamese page: navigation or a CMS footer."""
    return 0 < len(words) <= 10 and not has_diacritics(line) and not any(w.isdigit() for w in words)


def _is_byline_or_counter(line: str, words: tuple[str, ...]) -> bool:
    if len(words) > 14:
        return False
    if _COUNTER.match(line):
        return True
    # A short line carrying a full date and little else is a byline or timestamp.
    return bool(_DATE_IN_LINE.search(line)) and len(words) <= 12 and not _SENTENCE_END.search(line.rstrip())


def _is_noise(line: str) -> bool:
    """Lines that are never article text, wherever they stand."""
    words = _words(line)
    if not words:
        return True
    if _IMAGE_LINE.match(line):
        return True
    return _is_untoned_latin_label(line, words) or _is_byline_or_counter(line, words)


def _is_paragraph(line: str) -> bool:
    words = _words(line)
    return len(words) >= 25 or (len(words) >= 10 and bool(_SENTENCE_END.search(line)))


def _is_label(line: str) -> bool:
    """A short section label such as a 'related news' heading: a few words, no digits, no punctuation."""
    words = _words(line)
    return (
        1 <= len(words) <= 4
        and not any(ch.isdigit() for ch in line)
        and not _SENTENCE_END.search(line)
        and line[:1].isupper()
    )


def _is_headline_like(line: str) -> bool:
    words = _words(line)
    return 3 <= len(words) <= 40 and not line.rstrip().endswith(".")


def _is_banner(line: str, words: tuple[str, ...]) -> bool:
    letters = [c for c in line if c.isalpha()]
    all_caps = len(letters) >= 12 and all(c.isupper() for c in letters)
    # A word of ASCII letters joined to digits by hyphens ("Home-latest-1") is a CMS slot name.
    slot_name = bool(re.search(r"\b[A-Za-z]+(?:-[A-Za-z0-9]+)+\b", line)) and bool(re.search(r"\d", line))
    return all_caps or slot_name


# ---------------------------------------------------------------------------------------------
# Page cleaning


@dataclass
class CleanPage:
    title: str
    body: list[str]
    meta_lines: list[str]


def _title_score(line: str, counts: dict[str, int]) -> float:
    words = _words(line)
    if len(words) < 4 or len(words) > 45 or line.rstrip().endswith("."):
        return -1.0
    if _is_banner(line, words) or _is_noise(line):
        return -1.0
    score = min(len(words), 25) / 25.0
    if has_diacritics(line):
        score += 0.5
    if counts.get(line, 0) > 1:
        # A headline usually appears twice: in the page's breadcrumb/heading and again in the body or tail.
        score += 0.6
    return score


def _cut_tail(lines: list[str], start: int) -> tuple[list[str], list[str]]:
    """Split off the lists of other headlines that follow a short label at the end of a page."""
    for i in range(start, len(lines)):
        if not _is_label(lines[i]):
            continue
        rest = [ln for ln in lines[i + 1 :] if not _is_noise(ln)]
        if not rest or not _is_headline_like(rest[0]):
            if not rest:
                return lines[:i], lines[i:]
            continue
        # Two body paragraphs in a row after the label mean the article goes on: it was a caption.
        run = best = 0
        for ln in rest:
            run = run + 1 if (_is_paragraph(ln) and ln.rstrip().endswith(".")) else 0
            best = max(best, run)
        if best >= 2:
            continue
        return lines[:i], lines[i:]
    return lines, []


def clean_page(text: str, title: str | None = None) -> CleanPage:
    """Headline, body lines and boilerplate lines of one page's text."""
    raw = [normalize(ln).strip() for ln in text.splitlines()]
    lines = [ln for ln in raw if ln]
    counts: dict[str, int] = {}
    for ln in lines:
        counts[ln] = counts.get(ln, 0) + 1
    meta: list[str] = []

    if title:
        title = normalize(title).strip()
        body_start = 0
        if lines and lines[0] == title:
            body_start = 1
    else:
        # The headline is the best candidate among the lines before the first body paragraph.
        first_par = next(
            (i for i, ln in enumerate(lines) if _is_paragraph(ln) and not _is_noise(ln) and not _is_banner(ln, _words(ln))),
            len(lines),
        )
        candidates = [(i, _title_score(ln, counts)) for i, ln in enumerate(lines[: max(first_par, 1)])]
        candidates = [(i, s) for i, s in candidates if s > 0]
        if candidates:
            best_i = max(candidates, key=lambda c: (c[1], c[0]))[0]
            title = lines[best_i]
            meta.extend(lines[:best_i])
            body_start = best_i + 1
        else:
            title = ""
            body_start = 0

    body_lines = lines[body_start:]
    body_lines, tail = _cut_tail(body_lines, 0)
    meta.extend(tail)
    body: list[str] = []
    seen: set[str] = set()
    for ln in body_lines:
        if _is_noise(ln) or ln == title:
            meta.append(ln)
            continue
        if ln in seen and not _is_paragraph(ln):
            continue
        seen.add(ln)
        body.append(ln)
    if not title and body:
        title = body[0] if len(_words(body[0])) <= 40 else " ".join(_words(body[0])[:20])
    return CleanPage(title=title, body=body, meta_lines=meta)
