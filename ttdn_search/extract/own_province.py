"""The article's own province: the one unit it is about, from signals ranked by reliability (a headline
"Hưng Yên: ...", a banner, a provincial body acting, the place-and-date line of a document), or None when
the article is national, international, or about several provinces equally (shared/eval/SPEC.md)."""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache

from ._data import norm
from .provinces import Mention, _words, lookup, mentions, name_on


def _undot(before: str) -> str:
    """Abbreviation dots are not clause ends: "UBND TP. Đà Nẵng", "Công an Q.Nam Từ Liêm"."""
    return re.sub(r"(?<![\w])(TP|Tp|T\.P|Q|TX|H|P|X|TT)\.", r"\1 ", before)


def _clause_before(before: str) -> str:
    return re.split(r"[,.;:()\n\"]", _undot(before))[-1]


def _is_route(text: str, m: Mention) -> bool:
    """A road or route named by the places it links: "cao tốc Đà Nẵng - Quảng Ngãi", "tuyến Nội Bài - Lào Cai"."""
    clause = _clause_before(m.before)
    if re.search(r"(?:cao tốc|tuyến|quốc lộ|đường sắt|đường bộ|đường)(?![\w])[^,.;()]*$", clause, re.IGNORECASE):
        return True
    return bool(re.match(r"[ \t]*-[ \t]*[A-ZĐ]", text[m.end : m.end + 5]) or re.search(r"[A-ZĐ]\w*[ \t]*-[ \t]*$", m.before))


@cache
def _signal_res() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    w = _words()

    def alt(key: str) -> str:
        return "|".join(re.escape(x) for x in sorted(w[key], key=len, reverse=True))

    return (
        re.compile(rf"(?<![\w])(?:{alt('issuer_words')})(?![\w])", re.IGNORECASE),
        re.compile(rf"(?<![\w])(?:{alt('body_words')})(?![\w])", re.IGNORECASE),
        re.compile(rf"(?<![\w])(?:{alt('national_words')})(?![\w])"),
    )


def own_province(article, found: list[str] | None = None, date: str | None = None) -> str | None:
    """The one unit the article is about, from signals ranked by reliability; None when national or shared.

    `article` has title, text and meta_lines; `found` (the article's provinces) restricts the candidates.
    """
    title = norm(getattr(article, "title", "") or "")
    text = norm(getattr(article, "text", "") or "")
    meta = [norm(x) for x in (getattr(article, "meta_lines", None) or [])]
    return _own(title, text, meta, found, date)


def _own(title: str, text: str, meta: list[str], found: list[str] | None, date: str | None) -> str | None:
    score: dict[str, float] = defaultdict(float)
    strong: dict[str, int] = defaultdict(int)
    named_unit: set[str] = set()  # units named as "tỉnh X" or with a provincial body
    issuer_re, body_re, national_re = _signal_res()

    for line in meta:
        for m in mentions(line):
            score[m.unit] += 6
            strong[m.unit] += 1
    for m in mentions(title):
        head = re.match(r"\s*$", title[: m.start]) and re.match(r"\s*[:\-]", title[m.end :])
        if not head and _is_route(title, m):
            score[m.unit] += 0.3
            continue
        score[m.unit] += 7 if head else 4
        strong[m.unit] += 1
    for m in mentions(text):
        line_start = text.rfind("\n", 0, m.start) + 1
        if re.match(r"[ \t]*$", text[line_start : m.start]) and re.match(r"[ \t]*,[ \t]*ngày[ \t]+\d", text[m.end :]):
            score[m.unit] += 5  # place-and-date line of a document header: "Lào Cai, ngày 29 tháng 01 năm 2021"
            strong[m.unit] += 1
            continue
        clause = _clause_before(m.before)
        if _is_route(text, m):
            score[m.unit] += 0.3  # a route named by the places it links: a place, but not the subject
            continue
        paren = re.search(r"([^,.;:()\n]{0,60})(?:\(|,)[ \t]*$", _undot(m.before))
        if paren and issuer_re.search(paren.group(1)) and re.search(r"(?<![\w])(?:huyện|quận|thị xã|thành phố|TP|xã|phường)[ \t]", paren.group(1) + " ") or (
                paren and m.before.rstrip().endswith("(") and issuer_re.search(paren.group(1))):
            # Công an huyện Hoành Bồ (Quảng Ninh), Công an huyện Đoan Hùng, Phú Thọ: a local body located
            # in the province
            score[m.unit] += 3
            strong[m.unit] += 1
            named_unit.add(m.unit)
        elif re.search(r"(?<![\w])(?:ngụ|trú|quê|thường trú|tạm trú|sinh ra|ở[ \t]+(?:xã|phường|thôn|ấp|thị trấn|tổ|khối))(?![\w])",
                       re.split(r"[.;()\n]", m.before)[-1]):
            score[m.unit] += 0.5  # where a person lives or comes from
        elif issuer_re.search(clause[-60:]):
            score[m.unit] += 3  # UBND tỉnh X, Tỉnh ủy X, Sở Y tế X, Công an tỉnh X
            strong[m.unit] += 1
            named_unit.add(m.unit)
        elif body_re.search(clause[-60:]):
            score[m.unit] += 2  # Đoàn luật sư TP. HCM, Giám đốc ... tỉnh X: a body, not the province acting
        elif re.search(r"(?:tại|Tại|ở|về|đến|từ)[ \t]+$", m.before):
            score[m.unit] += 0.5  # a venue: national events are held somewhere
        elif re.search(r"(?:tỉnh|thành phố|[Tt]ỉnh)[ \t]+$", m.before) or re.match(r"TP|Tp|T\.P|[Tt]hành phố", m.surface):
            score[m.unit] += 2
            named_unit.add(m.unit)
        else:
            score[m.unit] += 1
    if found is not None:
        keep = {lookup(n).name if lookup(n) and lookup(n).era != "new" else n for n in found}
        keep |= {"Thừa Thiên Huế"} if "Huế" in found else set()
        from_meta = {m.unit for ln in meta for m in mentions(ln)}
        score = defaultdict(float, {u: v for u, v in score.items() if u in keep or u in from_meta})
    if not score:
        return None
    ranked = sorted(score.items(), key=lambda kv: -kv[1])
    best, top = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    if second and top < 1.5 * second:
        return None  # several provinces equally
    lead = text[:300]
    local_title = any(not re.search(r"(?:tại|Tại)[ \t]+$", m.before) for m in mentions(title))
    # A national actor in the title, or in the lead of a story naming several provinces, makes it national
    # unless the title itself is about a place; a story whose only province is named stays with it.
    national_title = not local_title and bool(national_re.search(title) or (national_re.search(lead) and len(ranked) > 1))
    if national_title and top < 8:
        return None  # a national story needs much local evidence to belong to one province
    n_mentions = sum(1 for m in mentions(text) if m.unit == best) + sum(1 for m in mentions(title) if m.unit == best)
    anchored = any(m.unit == best for m in mentions(title)) or any(m.unit == best for ln in meta for m in mentions(ln))
    if top >= 3 and strong[best] >= 1 and (anchored or strong[best] >= 2 or n_mentions >= 2):
        return name_on(best, date)
    if top >= 6 and top >= 2 * second:
        return name_on(best, date)  # the dominant unit of the article
    rivals = [u for u, v in ranked[1:] if v >= 1]  # venues and routes alone do not compete
    if not rivals and (n_mentions >= 2 or strong[best] or best in named_unit) and not national_title:
        return name_on(best, date)  # the only province, named more than once or as "tỉnh X"
    # A short item (a title and a lead) is about the one province it names, unless only as a venue or a route.
    if not rivals and not national_title and len(title) + len(text) < SHORT_ITEM and top >= 1:
        return name_on(best, date)
    # A provincial page ("Tỉnh ủy", "của tỉnh" with no name, again and again) that names one province as such.
    if not national_title and not rivals and named_unit == {best} and len(_BARE_PROVINCE.findall(text)) >= 3:
        return name_on(best, date)
    return None


# Characters of title and text below which an item is a summary (RSS): every mention in it is central.
SHORT_ITEM = 800

# "Tỉnh ủy", "UBND tỉnh", "của tỉnh", "toàn tỉnh" not followed by a name: the page is about its own province.
_BARE_PROVINCE = re.compile(
    r"(?<![\w])(?:Tỉnh ủy|Tỉnh uỷ|UBND tỉnh|HĐND tỉnh|Ủy ban nhân dân tỉnh|của tỉnh|trong tỉnh|toàn tỉnh|"
    r"địa bàn tỉnh|cấp tỉnh|lãnh đạo tỉnh)(?![\w])(?![ \t]+[A-ZĐ])"
)
