"""Vietnam's provincial units (63 before and 34 after 1 July 2025): lookup, and their mentions in text."""

from __future__ import annotations

import re
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
    # Every alternative starts with its name's first letter (the TP and thành phố forms with T or t): a
    # look-ahead for those letters lets re skip the other word starts without trying each alternative
    # (the scan 1.7 times faster on news-20k, the same matches).
    first = "".join(sorted({name[0] for name, _ in alts} | {"T", "t"}))
    return re.compile(rf"(?<![\w])(?=[{re.escape(first)}])(?:{body})(?![\w])")


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
        # Up to six words between the head and the name, commas allowed ("Tổng công ty bia, rượu, nước
        # giải khát Sài Gòn").
        "org": re.compile(rf"(?<![\w])(?P<head>{alt(w['org_heads'])})(?P<mid>(?:[ \t]+[\w&.'\-]+,?){{0,6}})[ \t]+$"),
        "lower": re.compile(rf"(?<![\w])(?:{alt(w['lower_units'])})[ \t]+$"),
        # A newspaper credit: "Theo Đoàn Tuấn (Công an TP.HCM)" names the paper, not the city's police.
        "credit": re.compile(r"(?<![\w])Theo[ \t]+[^()\n,.;]{1,40}\([ \t]*(?:báo[ \t]+)?(?:Công an|Pháp luật|Pháp Luật)[ \t]+$"),
        "brand": re.compile(rf"(?<![\w])(?:{alt(w['brand_prefixes'])})[ \t]+$"),
        # The look-ahead for the words' first letters: see _mention_re.
        "sports": re.compile(rf"(?<![\w])(?=[{re.escape(''.join(sorted({x[0] for x in w['sports_words']})))}])"
                             rf"(?:{alt(w['sports_words'])})(?![\w])"),
    }


def _is_org(before: str) -> bool:
    w = _words()
    m = _context_res()["org"].search(before)
    if not m:
        return False
    raw = m.group("mid").split()
    heads = set(w["org_heads"])
    if any(a.endswith(",") and b[:1].isupper() and b not in heads for a, b in zip(raw, raw[1:] + ["X"])):
        return False  # "Công ty luật Đức An, Thanh Xuân, Hà Nội": an address after the name
    mid = [t.rstrip(",") for t in raw]
    if any(t.lower() in w["org_breakers"] for t in mid):
        return False
    if not mid:
        return m.group("head")[0].isupper()
    # A proper name starts with a capital: "Trường ĐH Luật Hà Nội", or with the capitalised head of a
    # company's name, whose words may be common nouns ("Tổng công ty bia, rượu, nước giải khát Sài Gòn").
    return mid[0][0].isupper() or m.group("head") in w["company_heads"]


def _excluded(text: str, s: int, e: int, unit: str, surface: str) -> bool:
    w = _words()
    before = text[max(0, s - 80) : s]
    after = text[e : e + 40]
    run = _cap_run(before)
    if run and any(tok in w["surnames"] for tok in run) and not any(tok in w["place_words"] for tok in run):
        return True  # Trương Hòa Bình, Nguyễn Thị Huế
    if _is_org(before):
        return True  # báo Công an TP. HCM, Trường ĐH Luật Hà Nội, Ngân hàng Sài Gòn Thương Tín
    if _context_res()["lower"].search(before):
        return True  # xã Bình Dương (huyện Thăng Bình, Quảng Nam): a commune, not the province
    if _context_res()["credit"].search(before):
        return True  # Theo Đoàn Tuấn (Công an TP.HCM): a newspaper credit
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
    sports = None  # whether the text is a sports story: asked only of a text with a mention to keep
    former = _former_spans(text)
    for m in _mention_re().finditer(text):
        surface = m.group()
        unit = _unit_of(surface)
        if unit is None or any(a <= m.start() < b for a, b in former) or _excluded(text, m.start(), m.end(), unit, surface):
            continue
        if sports is None:
            sports = _is_sports(text)
        if sports and not re.search(_PLACE_CUE, text[max(0, m.start() - 40) : m.start()]) and not surface.startswith(("TP", "Tp", "Thành phố", "thành phố")):
            continue  # in a match report a bare "Nam Định", "Hà Nội" is the team
        out.append(Mention(unit, surface, m.start(), m.end(), text[max(0, m.start() - 80) : m.start()]))
    return tuple(out)


@cache
def _former_res() -> tuple[re.Pattern, ...]:
    return tuple(re.compile(r"[ \t]*-[ \t]*".join(re.escape(part) for part in name.split(" - ")).replace(r"\ ", r"[ \t]+"))
                 for name in _words()["former_units"])


def _former_spans(text: str) -> list[tuple[int, int]]:
    """Where a text names a former unit (tỉnh Quảng Nam - Đà Nẵng), every mention of that name."""
    spans = []
    for rx in _former_res():
        found = list(rx.finditer(text))
        if any(re.search(r"(?:tỉnh|Tỉnh)[ \t]+$", text[max(0, m.start() - 8) : m.start()])
               or re.match(r"[ \t]*\([ \t]*cũ", text[m.end() : m.end() + 8]) for m in found):
            spans += [m.span() for m in found]
    return spans


# Words right before a name that make it a place even in a sports story ("tại Hà Nội", "tỉnh Nam Định").
_PLACE_CUE = r"(?:tỉnh|Tỉnh|thành phố|Thành phố|tại|Tại|ở|Ở|về|đến|từ|UBND|HĐND|Tỉnh ủy|Thành ủy|Sở[^,.;]{0,30}|Công an)[ \t]+$"


def _is_sports(text: str) -> bool:
    """A match report or sports story: three or more distinct sports words."""
    found = set(_context_res()["sports"].findall(text))
    return len(found) >= 3


def find_provinces(text: str, date: str | None = None) -> list[str]:
    """The provincial units the text mentions as places, named as they were on the date, first mention first."""
    names = []
    text = norm(text)
    found = mentions(text)
    if _only_the_city(text, found, date):
        found = [m for m in found if m.unit != "Thừa Thiên Huế"]
    for m in found:
        name = name_on(m.unit, date)
        if m.unit == "Thừa Thiên Huế" and date is None and fold(m.surface) == "hue":
            name = "Thừa Thiên Huế"
        if name not in names:
            names.append(name)
    return names


def _only_the_city(text: str, found, date: str | None) -> bool:
    """Before 2025 Huế was the city of Thừa Thiên Huế province, not a provincial unit: a text that names
    only the city ("ở Huế", "cố đô Huế", "TP Huế") and never the province mentions no province (as a
    district names none)."""
    if date and date >= HUE_CITY_FROM:
        return False
    hue = [m for m in found if m.unit == "Thừa Thiên Huế"]
    return bool(hue) and "Thừa Thiên" not in text and all(
        re.sub(r"^(?:tp|thanh pho)\W*", "", fold(m.surface).lower()) == "hue" for m in hue)
