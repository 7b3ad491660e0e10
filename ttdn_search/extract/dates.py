"""Dates in Vietnamese news pages: the publication date, the years referred to, event dates."""

from __future__ import annotations

import re
from datetime import date as _date

from ..normalize import normalize
from ._data import norm

_D = r"(?P<d>\d{1,2})"
_M = r"(?P<m>\d{1,2})"
_Y = r"(?P<y>(?:19|20)\d{2})"
_HM = r"\d{1,2}[:h]\d{2}(?::\d{2})?'?"
_DMY = rf"{_D}[ \t]*[/\-.][ \t]*{_M}[ \t]*[/\-.][ \t]*{_Y}(?!\d)"
_WEEKDAY = r"(?:Thứ[ \t]+(?:hai|ba|tư|năm|sáu|bảy|Hai|Ba|Tư|Năm|Sáu|Bảy|\d)|Chủ[ \t]+nhật|Chủ[ \t]+Nhật)"
_LABEL = r"(?:Đăng[ \t]+ngày|Ngày[ \t]+đăng|Ngày[ \t]+xuất[ \t]+bản|Cập[ \t]+nhật(?:[ \t]+lúc)?|Ngày[ \t]+cập[ \t]+nhật|Xuất[ \t]+bản|Published|Posted|date)"

# Byline shapes, most specific first (each line is matched on its own):
BYLINE_RES = [
    # Đăng ngày: 27/12/2019 - Lượt xem: 76 · Cập nhật lúc: 18:00 |22/05/2022 · Ngày đăng 06/06/2019
    re.compile(rf"{_LABEL}[ \t]*:?[ \t]*(?:{_HM}[ \t]*\|?[ \t]*)?(?:{_WEEKDAY}[ \t]*,?[ \t]*)?{_DMY}", re.IGNORECASE),
    # 08/01/2024, 05:10 · 12/08/2017 - 10:19 · 30/11/2024 09:27 · 07/11/2018 | 09:38 · Thứ ba - 29/08/2023 10:47
    re.compile(rf"^[ \t]*(?:{_WEEKDAY}[ \t]*[,\-]?[ \t]*)?{_DMY}[ \t]*[,|\-]?[ \t]*{_HM}"),
    # 08:07, 12/07/2018 · 21:11 29/12/2024 · 09:19 | 21/12/2021
    re.compile(rf"^[ \t]*{_HM}[ \t]*[,|\-]?[ \t]*(?:{_WEEKDAY}[ \t]*,?[ \t]*)?{_DMY}"),
    # Thứ Năm, 11/1/2024 18:30'(GMT+7) — a weekday and a time; a bare weekday date is the page's "today"
    re.compile(rf"^[ \t]*{_WEEKDAY}[ \t]*,?[ \t]*{_DMY}[ \t]*,?[ \t]*{_HM}"),
]
# How far into the text a byline can sit (ingest may keep it just under the title).
BYLINE_LINES = 12


def _iso(y: int, m: int, d: int) -> str | None:
    try:
        return _date(y, m, d).isoformat()
    except ValueError:
        return None


def byline_date(lines: list[str]) -> str | None:
    """The first byline date in short page lines (meta lines or the lines around the title)."""
    for line in lines:
        if len(line) > 200:
            continue
        line = normalize(line)
        for rx in BYLINE_RES:
            m = rx.search(line)
            if m:
                iso = _iso(int(m.group("y")), int(m.group("m")), int(m.group("d")))
                if iso:
                    return iso
    return None


def record_date(value) -> str | None:
    """A source record's date ('2025-11-08T13:15:46+07:00', '2021-04-30') as YYYY-MM-DD, local date kept."""
    if not value:
        return None
    m = re.match(r"\s*((?:19|20)\d{2})-(\d{1,2})-(\d{1,2})", str(value))
    return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


def publication_date(article) -> str | None:
    """The publication date: a byline in the meta lines or the first lines of the text, else the record's date."""
    meta = list(getattr(article, "meta_lines", None) or [])
    found = byline_date(meta)
    if found:
        return found
    text = getattr(article, "text", "") or ""
    head = [ln for ln in text.splitlines() if ln.strip()][:BYLINE_LINES]
    found = byline_date(head)
    return found or record_date(getattr(article, "date", None))


# ---------------------------------------------------------------- years

_YEAR = re.compile(r"(?<![\w.,])(?<!\d[ ])(?P<y>(?:19|20)\d{2})(?![\w]|[.,]\d|[ \t]+\d{3})")
# What follows a number that is a quantity, not a year: "2.000 người", "1000 tỷ đồng", "2000 ha".
_QUANTITY_AFTER = re.compile(
    r"[ \t]*(?:người|tỷ|tỉ|triệu|nghìn|ngàn|đồng|USD|ha|héc|km|m2|m|tấn|kg|lít|hộ|học sinh|sinh viên|đại biểu|"
    r"lượt|xe|chiếc|căn|cán bộ|đảng viên|thí sinh|bệnh nhân|ca|trường hợp|con|cây|phiếu|điểm|giờ|phút|%|"
    r"trang|bài|tin|cuốn|đơn vị|doanh nghiệp|dự án|suất|vé|việc làm|lao động|MW|kW|kWh|mét|km2|m3)(?![\w])"
)
_QUANTITY_BEFORE = re.compile(r"(?:số|Số|Km|km|mã|Mã|phòng|Phòng|lô|Lô|số nhà)[ \t]+$")
# Dates written with dots, as many papers do: "ngày 12.1.2018", "tháng 9.2016".
_DOTTED_DATE = re.compile(r"(?<![\w.,])(?:\d{1,2}\.)?\d{1,2}\.(?P<y>(?:19|20)\d{2})(?![\w]|[.,]\d)")
_YEAR_CONTEXT_BEFORE = re.compile(r"(?:năm|Năm|NĂM|tháng[ \t]+\d{1,2}|/|-|–|giai đoạn|nhiệm kỳ|niên khóa|khóa)[ \t]*$")


def years(text: str, exclude: list[tuple[int, int]] | None = None) -> list[int]:
    """The calendar years (1900-2100) the normalised text refers to, sorted; spans in `exclude` are skipped."""
    exclude = exclude or []
    found = set()
    for m in _YEAR.finditer(text):
        s, e = m.span("y")
        if any(a <= s < b for a, b in exclude):
            continue
        before = text[max(0, s - 20) : s]
        if not _YEAR_CONTEXT_BEFORE.search(before):
            if _QUANTITY_AFTER.match(text, e) or _QUANTITY_BEFORE.search(before):
                continue
            if re.match(r"/[A-Za-zĐđ]", text[e : e + 2]):
                continue  # a number in a code, not a year
        y = int(m.group("y"))
        if 1900 <= y <= 2100:
            found.add(y)
    for m in _DOTTED_DATE.finditer(text):
        if not any(a <= m.start("y") < b for a, b in exclude):
            d_m = text[m.start() : m.start("y") - 1].split(".")
            if all(1 <= int(x) <= 31 for x in d_m) and 1 <= int(d_m[-1]) <= 12:
                found.add(int(m.group("y")))
    return sorted(found)


# ---------------------------------------------------------------- event dates

_EVENT = re.compile(
    r"(?<![\w/.\-])(?P<d>\d{1,2})[ \t]*[/\-.][ \t]*(?P<m>\d{1,2})(?:[ \t]*[/\-.][ \t]*(?P<y>(?:19|20)\d{2}))?(?![\w/]|[.\-]\d)"
)
_EVENT_CUE = re.compile(r"(?:[Nn]gày|[Ss]áng|[Tt]rưa|[Cc]hiều|[Tt]ối|[Đđ]êm|nay|\()[ \t]*(?:ngày[ \t]*)?(?:nay[ \t]*\()?$")


def event_dates(text: str, published: str | None = None) -> list[str]:
    """Dates of events ("Sáng 24/11", "ngày 15/6/2023"), the missing year taken from the publication date."""
    text = norm(text)
    anchor = _date.fromisoformat(published) if published else None
    out: list[str] = []
    for m in _EVENT.finditer(text):
        if not m.group("y") and not _EVENT_CUE.search(text[max(0, m.start() - 12) : m.start()]):
            continue
        d, mo = int(m.group("d")), int(m.group("m"))
        if m.group("y"):
            y = int(m.group("y"))
        elif anchor:
            y = anchor.year
            cand = _iso(y, mo, d)
            # News reports past events: a day well after the publication date belongs to the year before.
            if cand and (_date.fromisoformat(cand) - anchor).days > 7:
                y -= 1
        else:
            continue
        iso = _iso(y, mo, d)
        if iso and iso not in out:
            out.append(iso)
    return out
