"""Vietnam's provincial units (63 before and 34 after 1 July 2025): lookup, mentions in text, own province."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache, lru_cache

from ..normalize import fold, normalize
from ._data import json_data, norm, split_list, tsv

# Thừa Thiên Huế became the centrally governed city of Huế (NQ 175/2024/QH15) on this day.
HUE_CITY_FROM = "2025-01-01"


@dataclass(frozen=True)
class Province:
    """A provincial unit: its name, kind (tỉnh/TP), era (old, new or both), post-2025 unit and old units."""

    name: str
    kind: str
    era: str
    new_unit: str
    old_units: tuple[str, ...] = ()
    aliases: tuple[str, ...] = field(default=(), compare=False)


@cache
def _tables() -> tuple[dict[str, Province], dict[str, Province]]:
    old_rows = tsv("provinces_old.tsv")
    new_rows = tsv("provinces_new.tsv")
    new_names = {r[0] for r in new_rows}
    old: dict[str, Province] = {}
    for r in old_rows:
        name, kind, new = r[0], r[1], r[2]
        aliases = tuple(split_list(r[3]) if len(r) > 3 else []) + tuple(split_list(r[4]) if len(r) > 4 else [])
        era = "both" if name in new_names else "old"
        old[name] = Province(name, kind, era, new, (name,), aliases)
    new: dict[str, Province] = {}
    for r in new_rows:
        name, kind, members = r[0], r[1], tuple(split_list(r[2]))
        new[name] = Province(name, kind, "both" if name in old else "new", name, members)
    return old, new


def all_units() -> list[Province]:
    """The 63 units before 1 July 2025, then the 34 units after it."""
    old, new = _tables()
    return list(old.values()) + list(new.values())


_PREFIX = re.compile(r"^(?:tỉnh|thành phố|tp\.?|t\.p\.?|thủ đô)\s+", re.IGNORECASE)


@cache
def _lookup_index() -> dict[str, Province]:
    old, new = _tables()
    index: dict[str, Province] = {}
    for p in new.values():  # old units win on shared names: they are added after
        index[fold(p.name)] = p
    for p in old.values():
        for alias in (p.name,) + p.aliases:
            index[fold(alias)] = p
            index[re.sub(r"[\s.\-]+", "", fold(alias))] = p
    index[fold("Huế")] = new["Huế"]
    index[fold("Thủ đô")] = old["Hà Nội"]
    return index


def lookup(name: str) -> Province | None:
    """The unit for any name or alias, with or without diacritics ("TP.HCM", "ha noi", "Bà Rịa – Vũng Tàu")."""
    n = normalize(name or "").strip()
    n = _PREFIX.sub("", n)
    index = _lookup_index()
    key = fold(n)
    hit = index.get(key) or index.get(re.sub(r"[\s.\-]+", "", key))
    if hit is None and key.startswith("tp"):
        hit = index.get(re.sub(r"[\s.\-]+", "", key[2:]))
    return hit


def new_unit(name: str) -> str:
    """The post-1-July-2025 unit that contains the named unit ("Bình Thuận" -> "Lâm Đồng")."""
    p = lookup(name)
    if p is None:
        raise KeyError(name)
    return p.new_unit


def old_unit(name: str) -> str | None:
    """The unit among the 63 of before 1 July 2025 a name denotes ("Huế" and "TT-Huế" -> "Thừa Thiên
    Huế", "TP.HCM" -> "Hồ Chí Minh"); None for an unknown name or a merged unit only the 34 have."""
    p = lookup(name)
    if p is None:
        return None
    old, _ = _tables()
    if p.name in old:
        return p.name
    return p.old_units[0] if len(p.old_units) == 1 else None


def old_units(new_name: str) -> list[str]:
    """The pre-2025 units merged into a post-2025 unit ("Lâm Đồng" -> Bình Thuận, Đắk Nông, Lâm Đồng)."""
    _, new = _tables()
    p = lookup(new_name)
    if p is None:
        raise KeyError(new_name)
    return list(new[p.new_unit].old_units)


def name_on(unit: str, date: str | None) -> str:
    """The name a pre-2025 unit had on a date (Thừa Thiên Huế is Huế from 2025)."""
    if unit == "Thừa Thiên Huế" and date and date >= HUE_CITY_FROM:
        return "Huế"
    return unit


# ---------------------------------------------------------------- mentions in text

_SEP = r"(?:[ \t]+|[ \t]*-[ \t]*|[ \t]*\n[ \t]*)"
_TP = r"(?:TP|Tp|T\.P)\.?[ \t]*(?:\n[ \t]*)?"


def _alias_pattern(alias: str) -> str:
    words = re.split(r"\s*-\s*|\s+", alias)
    return _SEP.join(re.escape(w) for w in words)


@cache
def _mention_re() -> re.Pattern:
    old, _ = _tables()
    alts: list[tuple[str, str]] = []
    for p in old.values():
        for alias in (p.name,) + p.aliases:
            if not any(ch.isupper() for ch in alias[1:]) and alias != p.name and not alias.istitle():
                continue
            if alias != p.name and fold(alias) == alias.lower() and alias not in ("BR-VT", "BRVT", "TPHCM", "HCMC", "TP HCM", "TP.HCM"):
                continue  # ASCII spellings ("Hanoi", "Saigon") are brands and names in Vietnamese text: lookup only
            if p.name == "Hồ Chí Minh" and alias == "Hồ Chí Minh":
                continue  # bare "Hồ Chí Minh" is the person ("tư tưởng Hồ Chí Minh")
            alts.append((alias, _alias_pattern(alias)))
    # TP. Hồ Chí Minh · TP.HCM · TP. HCM · Thành phố Hồ Chí Minh
    alts.append(("TP Hồ Chí Minh", rf"{_TP}Hồ{_SEP}Chí{_SEP}Minh"))
    alts.append(("TP HCM", rf"{_TP}HCM"))
    alts.append(("thành phố Hồ Chí Minh", rf"[Tt]hành{_SEP}phố{_SEP}Hồ{_SEP}Chí{_SEP}Minh"))
    alts.append(("Thủ đô", r"Thủ đô"))
    alts.sort(key=lambda a: -len(a[0]))
    body = "|".join(f"(?:{pat})" for _, pat in alts)
    return re.compile(rf"(?<![\w])(?:{body})(?![\w])")


@cache
def _alias_unit() -> dict[str, str]:
    old, _ = _tables()
    table = {}
    for p in old.values():
        for alias in (p.name,) + p.aliases:
            table[re.sub(r"[\s.\-]+", "", fold(alias))] = p.name
    table["tphochiminh"] = table["tphcm"] = table["thanhphohochiminh"] = "Hồ Chí Minh"
    table["thudo"] = "Hà Nội"
    return table


def _unit_of(surface: str) -> str | None:
    return _alias_unit().get(re.sub(r"[\s.\-]+", "", fold(surface)))


@cache
def _words() -> dict:
    return json_data("province_context.json")


@dataclass(frozen=True)
class Mention:
    """One place mention: the unit (pre-2025 name), the text as written, its offsets and the words before it."""

    unit: str
    surface: str
    start: int
    end: int
    before: str


def _cap_run(before: str) -> list[str]:
    """The capitalised words glued (single spaces) right before a mention: a person's name, if any."""
    run = []
    rest = before
    while len(run) < 3:
        m = re.search(r"(?<![\w\-])(\w+) $", rest)
        if not m or not m.group(1)[0].isupper() or not m.group(1).isalpha():
            break
        run.insert(0, m.group(1))
        rest = rest[: m.start()]
    return run


@cache
def _context_res() -> dict[str, re.Pattern]:
    """The context patterns built once from province_context.json."""
    w = _words()

    def alt(words) -> str:
        return "|".join(re.escape(x) for x in sorted(words, key=len, reverse=True))

    return {
        "org": re.compile(rf"(?<![\w])(?P<head>{alt(w['org_heads'])})(?P<mid>(?:[ \t]+[\w&.'\-]+){{0,4}})[ \t]+$"),
        "brand": re.compile(rf"(?<![\w])(?:{alt(w['brand_prefixes'])})[ \t]+$"),
        "sports": re.compile(rf"(?<![\w])(?:{alt(w['sports_words'])})(?![\w])"),
    }


def _is_org(before: str) -> bool:
    w = _words()
    m = _context_res()["org"].search(before)
    if not m:
        return False
    mid = m.group("mid").split()
    if any(t.lower() in w["org_breakers"] for t in mid):
        return False
    if not mid:
        return m.group("head")[0].isupper()
    return mid[0][0].isupper()


def _excluded(text: str, s: int, e: int, unit: str, surface: str) -> bool:
    w = _words()
    before = text[max(0, s - 80) : s]
    after = text[e : e + 40]
    run = _cap_run(before)
    if run and any(tok in w["surnames"] for tok in run) and not any(tok in w["place_words"] for tok in run):
        return True  # Trương Hòa Bình, Nguyễn Thị Huế
    if _is_org(before):
        return True  # báo Công an TP. HCM, Trường ĐH Luật Hà Nội, Ngân hàng Sài Gòn Thương Tín
    if _context_res()["brand"].search(before):
        return True  # SL Nghệ An, HL Hà Tĩnh, Than Quảng Ninh: clubs and brands
    for word in w["not_followed_by"].get(unit, []):
        if re.match(rf"[ \t]+{word}(?![\w])", after):
            return True  # Thái Bình Dương (the Pacific), Điện Biên Phủ (a city, a battle)
    if re.search(r"(?<![\w])(?<![Tt]hành )(?<!tuyến )(?<!các )(?<!đường )(?<!con )(?:đường|Đường|phố|Phố|đại lộ|Đại lộ|ngõ|Ngõ|hẻm)[ \t]+$", before):
        nxt = re.match(r"[ \t]*-[ \t]*(\w+(?:[ \t]+\w+){0,2})", after)
        if not (nxt and any(_unit_of(" ".join(nxt.group(1).split()[:k])) for k in (1, 2, 3))):
            return True  # đường Hà Nội (a street), but not tuyến đường Hà Nội - Lào Cai (a route)
    if unit == "Hồ Chí Minh" and fold(surface).startswith("sai") and re.match(r"[ \t]+[A-ZĐ]", after):
        return True  # Sài Gòn Tourist, Sài Gòn Giải Phóng: brands
    if surface == "Thủ đô" and (re.match(r"[ \t]+[A-ZĐ]", after) or not before.strip() or before.rstrip()[-1] in ".!?\n"):
        return True  # Thủ đô Viêng Chăn, or a sentence-initial common noun
    return False


def mentions(text: str) -> list[Mention]:
    """Every place mention of a provincial unit in normalised text, traps removed."""
    return list(_mentions(text))


@lru_cache(maxsize=64)
def _mentions(text: str) -> tuple[Mention, ...]:
    out = []
    sports = _is_sports(text)
    for m in _mention_re().finditer(text):
        surface = m.group()
        unit = _unit_of(surface)
        if unit is None or _excluded(text, m.start(), m.end(), unit, surface):
            continue
        if sports and not re.search(_PLACE_CUE, text[max(0, m.start() - 40) : m.start()]) and not surface.startswith(("TP", "Tp", "Thành phố", "thành phố")):
            continue  # in a match report a bare "Nam Định", "Hà Nội" is the team
        out.append(Mention(unit, surface, m.start(), m.end(), text[max(0, m.start() - 80) : m.start()]))
    return tuple(out)


# Words right before a name that make it a place even in a sports story ("tại Hà Nội", "tỉnh Nam Định").
_PLACE_CUE = r"(?:tỉnh|Tỉnh|thành phố|Thành phố|tại|Tại|ở|Ở|về|đến|từ|UBND|HĐND|Tỉnh ủy|Thành ủy|Sở[^,.;]{0,30}|Công an)[ \t]+$"


def _is_sports(text: str) -> bool:
    """A match report or sports story: three or more distinct sports words."""
    found = set(_context_res()["sports"].findall(text))
    return len(found) >= 3


def find_provinces(text: str, date: str | None = None) -> list[str]:
    """The provincial units the text mentions as places, named as they were on the date, first mention first."""
    names = []
    for m in mentions(norm(text)):
        name = name_on(m.unit, date)
        if m.unit == "Thừa Thiên Huế" and date is None and fold(m.surface) == "hue":
            name = "Thừa Thiên Huế"
        if name not in names:
            names.append(name)
    return names


# ---------------------------------------------------------------- the article's own province


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
        paren = re.search(r"([^,.;:()\n]{0,60})\([ \t]*$", _undot(m.before))
        if paren and issuer_re.search(paren.group(1)):
            score[m.unit] += 3  # Công an huyện Hoành Bồ (Quảng Ninh): a local body located in the province
            strong[m.unit] += 1
            named_unit.add(m.unit)
        elif re.search(r"(?<![\w])(?:ngụ|trú|quê|thường trú|tạm trú|sinh ra)(?![\w])", re.split(r"[.;()\n]", m.before)[-1]):
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
