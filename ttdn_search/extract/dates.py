"""Dates in Vietnamese news pages: the publication date, the years referred to, event dates."""

from __future__ import annotations

import re
from datetime import date as _date

from ..normalize import normalize
from ..scan import at_digit_runs
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


_RECORD_ISO = re.compile(r"^\s*((?:19|20)\d{2})[-/.](\d{1,2})[-/.](\d{1,2})(?![\d])")
_RECORD_DMY = re.compile(r"^\s*(\d{1,2})[ \t]*[-/.][ \t]*(\d{1,2})[ \t]*[-/.][ \t]*((?:19|20)\d{2})(?![\d])")


def parse_record_date(value) -> tuple[str | None, str | None]:
    """A source record's date as (YYYY-MM-DD, None), or (None, the problem in Vietnamese) when it is given
    but unusable. Read: '2025-11-08T13:15:46+07:00' (the local date kept), '2021-04-30', '2021/04/30' and
    the usual Vietnamese '31/12/2024', '31-12-2024', '31.12.2024' (a time may follow). Absent: (None, None)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if not isinstance(value, str):
        return None, f"ngày {value!r} không phải chuỗi ngày tháng"
    shown = value.strip()[:40]
    m = _RECORD_ISO.match(value)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        m = _RECORD_DMY.match(value)
        if not m:
            return None, f"không đọc được ngày '{shown}' (cần dạng 2024-12-31 hoặc 31/12/2024)"
        d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
    iso = _iso(y, mo, d)
    if iso is None:
        return None, f"ngày '{shown}' không có thật"
    return iso, None


def record_date(value) -> str | None:
    """A source record's date as YYYY-MM-DD (see `parse_record_date`), None when absent or unusable."""
    return parse_record_date(value)[0]


def publication_date(article) -> str | None:
    """The publication date: a byline in the meta lines or the first lines of the text, else the record's date."""
    return published_with_source(article)[0]


def published_with_source(article) -> tuple[str | None, str | None]:
    """(publication date, where it came from: "byline" on the page, "record" for the source's own date)."""
    meta = list(getattr(article, "meta_lines", None) or [])
    found = byline_date(meta)
    if not found:
        text = getattr(article, "text", "") or ""
        head = [ln for ln in text.splitlines() if ln.strip()][:BYLINE_LINES]
        found = byline_date(head)
    if found:
        return found, "byline"
    found = record_date(getattr(article, "date", None))
    return (found, "record") if found else (None, None)


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
    for m in at_digit_runs(_YEAR, text):
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
    for m in at_digit_runs(_DOTTED_DATE, text):
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


# The lead: where a news article states when its event happened ("Sáng ngày 21/01/2019, Ban Chỉ đạo ...").
LEAD_CHARS = 300
# What shows a date in the lead is the event's: a time of day or "ngày" right before it ("Chiều 15/01",
# "chụp trưa 28.10", "tối 6/1", "Sáng nay (5/3)"), or the date opening a sentence or a dateline.
_LEAD_CUE = re.compile(
    r"(?:(?<![\w])(?:[Ss]áng|[Tt]rưa|[Cc]hiều|[Tt]ối|[Đđ]êm|[Hh]ôm|[Nn]gày)(?:[ \t]+(?:nay|qua|mai|hôm qua))?"
    r"[ \t]*(?:\([ \t]*)?(?:ngày[ \t]*)?"
    r"|(?:^|[.!?…]\s+|\n)[ \t]*(?:\([^()\n]{1,40}\)[ \t]*[-–—:][ \t]*)?)$"
)
# A date right after a document's number is the document's ("Kế hoạch số 59-KH/BCĐTTĐN ngày 28/01/2019").
_DOCUMENT_BEFORE = re.compile(r"(?:[Ss]ố|[Ss]ố hiệu)[ \t]*\d[^,;.()\n]{0,30}$|\d+[ \t]*[/-][ \t]*[A-ZĐ][\w/\-]*[ \t]*(?:ngày[ \t]*)?$")
_REVIEW = re.compile(r"tổng kết", re.IGNORECASE)


def event_date(body: str, anchor: str | None = None) -> str | None:
    """The date of the event the article reports, read from its lead: "Sáng ngày 21/01/2019" -> 2019-01-21.

    A day and month without a year ("Chiều 15/01") take a year only when something states it: the
    publication or record date `anchor` (a day well after it is the year before), else the years the
    date's own sentence names ("tổng kết công tác năm 2024, triển khai nhiệm vụ năm 2025": January is
    2025, December 2024). Otherwise None: a date is never guessed.
    """
    body = norm(body or "")
    # A byline under the headline ("08/01/2024, 05:10") dates the page, not the event.
    head = body[: LEAD_CHARS * 2].split("\n")
    while head and (not head[0].strip() or byline_date([head[0]])):
        head.pop(0)
    lead = "\n".join(head)[:LEAD_CHARS]
    for m in _EVENT.finditer(lead):
        if m.start() and not _LEAD_CUE.search(lead, 0, m.start()):
            continue
        if _DOCUMENT_BEFORE.search(lead, max(0, m.start() - 50), m.start()):
            continue
        d, mo = int(m.group("d")), int(m.group("m"))
        if m.group("y"):
            return _iso(int(m.group("y")), mo, d)
        # The sentence that holds the date: where a year stated for it can be (a title often names
        # the history an article recalls: "Liên Xô từng suýt dội hạt nhân Trung Quốc năm 1969").
        start = max(lead.rfind(". ", 0, m.start()), lead.rfind("\n", 0, m.start())) + 1
        ends = [i for i in (lead.find(". ", m.end()), lead.find("\n", m.end())) if i >= 0]
        sentence = lead[start : min(ends) if ends else len(lead)]
        y = _year_of(mo, d, anchor, sentence)
        return _iso(y, mo, d) if y else None
    return None


def _year_of(month: int, day: int, anchor: str | None, text: str) -> int | None:
    if anchor:
        a = _date.fromisoformat(anchor)
        cand = _iso(a.year, month, day)
        # News reports past events: a day well after the publication date belongs to the year before.
        return a.year - 1 if cand and (_date.fromisoformat(cand) - a).days > 7 else a.year
    # Only a year written as the year of something current: "năm 2024" (not "từ năm 1972", "trước năm
    # 2020"), a review's year and the next year's plan. Edition years ("Asian Cup 2019"), birth years
    # and history are not the event's year.
    named = sorted({int(m.group(1)) for m in _STATED_YEAR.finditer(text)})
    if len(named) == 1:
        (y,) = named
        # A review of year N is held in its last weeks or the first weeks of N+1.
        return y + 1 if _REVIEW.search(text) and month <= 3 else y
    if len(named) == 2 and named[1] == named[0] + 1 and _REVIEW.search(text):
        # "tổng kết năm 2024, triển khai nhiệm vụ năm 2025": a review and the plan for the next year,
        # held at the turn of the year.
        return named[0] if month >= 7 else named[1]
    return None


_STATED_YEAR = re.compile(
    r"(?<![\w])(?<!từ )(?<!Từ )(?<!trước )(?<!sau )(?<!đến )(?<!tới )(?<!sinh )(?<!kể từ )"
    r"(?:(?:năm|Năm)[ \t]+|tháng[ \t]+\d{1,2}[ \t]*[-/.][ \t]*)((?:19|20)\d{2})(?![\w])"
)
