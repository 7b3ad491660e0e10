"""Document identifiers ("số, ký hiệu") in Vietnamese text: find, canonicalise, resolve what users type."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ..normalize import fold, normalize
from ..scan import at_digit_runs
from ._data import norm, split_list, tsv


@dataclass(frozen=True)
class Directive:
    """One document cited in full: canonical id, type name, issuer name and issue date when given."""

    id: str
    type: str | None = None
    issuer: str | None = None
    date: str | None = None

    def to_json(self) -> dict:
        return {"id": self.id, "type": self.type, "issuer": self.issuer, "date": self.date}


# ---------------------------------------------------------------- code tables


@dataclass(frozen=True)
class _Code:
    code: str
    role: str  # type | issuer | court | unit
    name: str


@cache
def _codes() -> tuple[dict[str, _Code], dict[str, _Code]]:
    """(by upper-case code, by accent-free upper-case code) for codes written without their Đ."""
    exact: dict[str, _Code] = {}
    for row in tsv("codes.tsv"):
        c = _Code(row[0], row[1], row[2])
        exact[c.code.upper()] = c
    folded: dict[str, _Code] = {}
    for key, c in exact.items():
        fkey = fold(key).upper()
        if fkey != key and fkey not in exact:
            folded.setdefault(fkey, c)
    return exact, folded


_SEG_PARTS = re.compile(r"(?P<letters>[^\d]+)(?P<digits>\d*)$")


def _lookup_code(seg: str) -> tuple[str, _Code | None]:
    """Canonical spelling of one code segment and its table entry (None when unknown)."""
    m = _SEG_PARTS.match(seg)
    letters, digits = (m.group("letters"), m.group("digits")) if m else (seg, "")
    if letters.upper() == "TƯ":  # Trung ương written with its diacritic
        letters = "TW"
    exact, folded = _codes()
    up = letters.upper()
    hit = exact.get(up)
    if hit is None and "Đ" not in up:
        hit = folded.get(up)
    if hit is None and digits and up in ("QH", "UBTVQH"):
        hit = exact.get(up)
    if hit is not None:
        return hit.code + digits, hit
    return up + digits, None


def _acceptable(seg: str, continuation: bool = False) -> bool:
    """A known code in any case, or an unknown capitalised code: 2+ capitals ("VEC", "NCTCD"); after the
    first code also a unit with a number or in mixed case ("PCCC-P3", "SXD-TTra")."""
    canon, hit = _lookup_code(seg)
    if hit is not None:
        return True
    m = _SEG_PARTS.match(seg)
    letters, digits = (m.group("letters"), m.group("digits")) if m else (seg, "")
    if len(letters) >= 2 and letters.isupper():
        return True
    if continuation and letters[:1].isupper():
        return (len(letters) == 1 and bool(digits)) or sum(ch.isupper() for ch in letters) >= 2
    return False


# ---------------------------------------------------------------- the grammar

# Optional spaces, at most one line break (ids are split by CMS line wrapping: "TP.\nHồ Chí Minh").
_SP = r"[ \t]*(?:\n[ \t]*)?"
# One code: letters (Đ and the Ư of "TƯ" included), then up to two digits for the Quốc hội term (QH15).
_SEG = r"[A-Za-zĐđƯư]+\d{0,2}(?![\w])"
# The number: not glued to a word, a decimal, a time, a path or a preceding number group ("0:2 011 / BTNMT").
_NUM = r"(?<![\w.,:/\-])(?<!\d[ ])(?P<num>\d{1,5})"

PARTY_RE = re.compile(
    # 57-KL/TW · 88 -Ctr/TU · 59 - KH/BCĐTTĐN · 31-QĐ/ĐU-MTTW · 367 - QĐ/TWĐTN-VP · 5645-BC/GTVT
    rf"{_NUM}{_SP}-{_SP}(?P<type>{_SEG}){_SP}/{_SP}(?P<codes>{_SEG}(?:{_SP}-{_SP}{_SEG}){{0,3}})"
)
STATE_RE = re.compile(
    # 1234/QĐ-TTg · 31/NQ - CP · 3616/BTTTT-TTĐN (công văn) · 194/HĐBT
    # 72/2015/NĐ-CP · 9/2016/TTLT-BLĐTBXH-BTC · 202/2025/QH15 · 87/2016/DS-PT · 8/2013/UBND
    # 66/QĐ/TW (Party id with State separators, kept as written)
    rf"{_NUM}{_SP}/{_SP}(?:(?P<year>(?:19|20)\d{{2}}){_SP}/{_SP})?"
    rf"(?P<codes>{_SEG}(?:{_SP}[-/]{_SP}{_SEG}){{0,4}})"
)
YEAR_DASH_RE = re.compile(
    # 19-2017/NQ-CP · 13-2016 / TTLT - BYT - BGDĐT (a normative id typed with a dash after the number)
    rf"{_NUM}{_SP}-{_SP}(?P<year>(?:19|20)\d{{2}}){_SP}/{_SP}(?P<codes>{_SEG}(?:{_SP}-{_SP}{_SEG}){{0,4}})"
)
_CODE_TOKENS = re.compile(rf"(?P<sep>{_SP}[-/]{_SP})?(?P<seg>{_SEG})")

# Issue date right after the id: "ngày 15/6/2023", ", ngày 14/2/2012", "(ngày 06-8-2012)",
# "ngày 05 tháng 01 năm 2022", "(14/7/2022)".
_DATE_AFTER = re.compile(
    r"[ \t]*[,(]?[ \t]*(?:ban hành[ \t]+)?(?:[Nn]gày[ \t]*)?"
    r"(?:(?P<d>\d{1,2})[ \t]*[/.-][ \t]*(?P<m>\d{1,2})[ \t]*[/.-][ \t]*(?P<y>(?:19|20)\d{2})"
    r"|(?P<d2>\d{1,2})[ \t]+tháng[ \t]+(?P<m2>\d{1,2})[ \t]+năm[ \t]+(?P<y2>(?:19|20)\d{2}))(?!\d)"
)


@cache
def _type_words() -> list[tuple[str, list[str], list[str]]]:
    """(word, codes, query abbreviations), longest word first so "Thông tư liên tịch" wins over "Thông tư"."""
    rows = [(r[0], split_list(r[1]), split_list(r[2]) if len(r) > 2 else []) for r in tsv("type_words.tsv")]
    return sorted(rows, key=lambda r: -len(r[0]))


@cache
def _type_word_re() -> re.Pattern:
    alts = "|".join(re.escape(w) for w, _, _ in _type_words())
    return re.compile(rf"(?<![\w])(?P<tw>{alts})(?![\w])", re.IGNORECASE)


@cache
def _short_re(lower: bool = False) -> re.Pattern:
    # Kết luận 57 · Kết luận số 57 · Chỉ thị số 26 · quyết định số 465 · Nghị quyết 85 năm 2015
    # `lower`: the same pattern for lower-cased text, without re.IGNORECASE (which makes re test each
    # alternative at every position: ten times slower on news-20k).
    words = [w.lower() if lower else w for w, _, _ in _type_words()]
    alts = "|".join(re.escape(w) for w in words)
    return re.compile(
        rf"(?<![\w])(?P<tw>{alts})[ \t]+(?P<so>số[ \t]*:?[ \t]*)?(?P<num>\d{{1,5}})"
        r"(?![\d\w]|[.,]\d|[ \t]*[-/][ \t]*\w)",
        0 if lower else re.IGNORECASE,
    )


def _short_matches(text: str):
    """The matches of `_short_re()` in text, found in its lower-case form when that keeps every offset."""
    low = text.lower()
    if len(low) != len(text):
        return _short_re().finditer(text)
    return _short_re(True).finditer(low)


def _canonical_type_word(word: str) -> str:
    for w, _, _ in _type_words():
        if w.lower() == word.lower():
            return w
    return word


def _preceding_type_word(text: str, start: int) -> str | None:
    """The type word just before an id: "Kết luận số 57-KL/TW", "Luật Báo chí số 103/2016/QH13"."""
    window = text[max(0, start - 60) : start]
    best = None
    for m in _type_word_re().finditer(window):
        between = window[m.end() :]
        # At most four words (a law's short name) and an optional "số"/"số:" in between.
        if re.fullmatch(r"(?:[ \t]+[^\W\d][\w&]*){0,4}[ \t]*(?:số[ \t]*:?|No\.?)?[ \t]*", between, re.IGNORECASE):
            best = m.group("tw")
    return _canonical_type_word(best) if best else None


# ---------------------------------------------------------------- parsing one match


def _issue_date(text: str, end: int) -> str | None:
    m = _DATE_AFTER.match(text, end)
    if not m:
        return None
    d, mo, y = (m.group("d"), m.group("m"), m.group("y")) if m.group("d") else (m.group("d2"), m.group("m2"), m.group("y2"))
    d, mo, y = int(d), int(mo), int(y)
    if not (1 <= d <= 31 and 1 <= mo <= 12):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def _code_tokens(codes: str) -> list[tuple[str, str]]:
    """(separator as written, segment) pairs; the first separator is ''."""
    return [(m.group("sep") or "", m.group("seg")) for m in _CODE_TOKENS.finditer(codes)]


def _trim(tokens: list[tuple[str, str]], allow_slash_at: int | None) -> list[tuple[str, str]]:
    """Keep the leading run of acceptable segments (a '/' is allowed only at one position)."""
    kept = []
    for i, (sep, seg) in enumerate(tokens):
        if i and "/" in sep and i != allow_slash_at:
            break
        if not _acceptable(seg, continuation=i > 0):
            break
        kept.append((sep, seg))
    return kept


def _name(code: str, roles: tuple[str, ...]) -> str | None:
    canon, hit = _lookup_code(code)
    if hit is None or hit.role not in roles:
        return None
    return hit.name


def _build(system: str, num: str, year: str | None, tokens: list[tuple[str, str]], tw: str | None):
    """(canonical id, type name, issuer name) from the parsed parts."""
    segs = [_lookup_code(seg)[0] for _, seg in tokens]
    seps = ["-" if "-" in sep else "/" for sep, _ in tokens]
    n = str(int(num))
    if system == "party":
        ident = f"{n}-{segs[0]}/" + segs[1] + "".join(s + c for s, c in zip(seps[2:], segs[2:]))
        type_code, issuer_code = segs[0], segs[1]
    else:
        body = segs[0] + "".join(s + c for s, c in zip(seps[1:], segs[1:]))
        ident = f"{n}/{year}/{body}" if year else f"{n}/{body}"
        first = _lookup_code(tokens[0][1])[1]
        if first is not None and first.role in ("type", "court"):
            type_code, issuer_code = segs[0], (segs[1] if len(segs) > 1 else None)
        else:
            type_code, issuer_code = None, segs[0]
    type_name = _name(type_code, ("type", "court")) if type_code else None
    if type_code and _lookup_code(type_code)[1] is not None and _lookup_code(type_code)[1].role == "court":
        type_name = "Bản án"
    if tw == "Văn bản" and type_code is None:
        tw = "Công văn"
    if tw and (type_name is None or type_code in ("QĐ", "TT") or tw.startswith(type_name or "~")):
        type_name = tw
    if type_name is None:
        if issuer_code and re.fullmatch(r"(?:UBTV)?QH\d*", issuer_code):
            type_name = "Nghị quyết"
        elif type_code is None:
            type_name = "Công văn"
    issuer = None
    if issuer_code:
        issuer = _name(re.sub(r"\d+$", "", issuer_code) if "QH" in issuer_code else issuer_code, ("issuer",))
    return ident, type_name, issuer


def _glued(text: str, start: int, tokens: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], int]:
    """Drop trailing continuation codes glued to a following word ("57-KL/TW - TP.HCM" is not "-TP"); give
    back the digits a word-split text parted from a unit code ("8771 / UBND - CN 1" is 8771/UBND-CN1)."""
    while True:
        end = start + len("".join(s + c for s, c in tokens))
        if len(tokens) > 1 and re.match(r"\.\w", text[end : end + 2]):
            tokens = tokens[:-1]
            continue
        last = tokens[-1][1] if tokens else ""
        split = re.match(r"[ \t](\d{1,2})(?=[,;)\n]|\.(?!\d)|$|[ \t]+(?:ngày|của|về|do|gửi|và|v/v|đã|ký|được)(?![\w]))",
                         text[end : end + 12])
        if (split and len(tokens) > 1 and " " in tokens[-1][0] and not re.search(r"\d$", last)
                and _lookup_code(last)[1] is None):
            tokens = tokens[:-1] + [(tokens[-1][0], last + split.group(1))]
            end += len(split.group())
        return tokens, end


def _matches(text: str):
    """(start, end, Directive) for every full identifier in normalised text."""
    out = []
    for m in at_digit_runs(PARTY_RE, text):
        if not _acceptable(m.group("type")):
            continue
        tokens = _trim(_code_tokens(m.group("codes")), None)
        if not tokens:
            continue
        tokens, end = _glued(text, m.start("codes"), tokens)
        tw = _preceding_type_word(text, m.start())
        ident, type_name, issuer = _build("party", m.group("num"), None, [("", m.group("type"))] + tokens, tw)
        out.append((m.start(), end, Directive(ident, type_name, issuer, _issue_date(text, end))))
    for m in at_digit_runs(YEAR_DASH_RE, text):
        tokens = _trim(_code_tokens(m.group("codes")), None)
        if len(tokens) < 2 or _lookup_code(tokens[0][1])[1] is None or 1900 <= int(m.group("num")) <= 2100:
            continue  # "2011-2020/QĐ..." is a period, not a number
        tokens, end = _glued(text, m.start("codes"), tokens)
        tw = _preceding_type_word(text, m.start())
        ident, type_name, issuer = _build("state", m.group("num"), m.group("year"), tokens, tw)
        ident = ident.replace(f"/{m.group('year')}/", f"-{m.group('year')}/", 1)
        out.append((m.start(), end, Directive(ident, type_name, issuer, _issue_date(text, end))))
    taken = [(s, e) for s, e, _ in out]
    for m in at_digit_runs(STATE_RE, text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        tokens = _trim(_code_tokens(m.group("codes")), 1)
        if not tokens:
            continue
        tokens, end = _glued(text, m.start("codes"), tokens)
        tw = _preceding_type_word(text, m.start())
        ident, type_name, issuer = _build("state", m.group("num"), m.group("year"), tokens, tw)
        out.append((m.start(), end, Directive(ident, type_name, issuer, _issue_date(text, end))))
    out.sort(key=lambda t: t[0])
    return out


# ---------------------------------------------------------------- public API


# After a short reference's number: a quantity or a date ("Kế hoạch 5 năm"), unless a year follows "năm".
_QUANTITY_NEXT = re.compile(r"[ \t]*(?:năm|tháng|ngày|người|tỷ|triệu|%)(?![\w])")
_YEAR_NEXT = re.compile(r"[ \t]*năm[ \t]+(?:19|20)\d\d")


def _short_refs(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, int]]:
    refs = []
    for m in _short_matches(text):
        if any(s <= m.start("num") < e for s, e in spans):
            continue
        tw = text[m.start("tw") : m.end("tw")]
        # A lower-case type word without "số" is too often a common noun ("kế hoạch 5 năm").
        if not m.group("so") and not tw[0].isupper():
            continue
        if _QUANTITY_NEXT.match(text, m.end()) and not _YEAR_NEXT.match(text, m.end()):
            continue
        refs.append((_canonical_type_word(tw), int(m.group("num"))))
    return refs


def _codes_of_type_word(word: str) -> list[str]:
    for w, codes, _ in _type_words():
        if w == word:
            return codes
    return []


def _type_code_of(d: Directive) -> str | None:
    m = re.match(r"\d+-([^/]+)/", d.id) or re.match(r"\d+/(?:\d{4}/)?([^-/]+)", d.id)
    return m.group(1) if m else None


def _resolves(word: str, num: int, d: Directive) -> bool:
    if int(re.match(r"\d+", d.id).group()) != num:
        return False
    codes = _codes_of_type_word(word)
    code = _type_code_of(d) or ""
    return "*" in codes or d.type == word or re.sub(r"\d+$", "", code) in codes


def find_directives(text: str) -> tuple[list[Directive], list[str]]:
    """Every identifier written in full (canonical, first citation first) and the unresolved short references."""
    found, shorts, _ = find_with_spans(text)
    return found, shorts


def find_with_spans(text: str) -> tuple[list[Directive], list[str], list[tuple[int, int]]]:
    """`find_directives`, plus the (start, end) of every full citation in the normalised text."""
    text = norm(text)
    matches = _matches(text)
    matches = sorted(matches + _decrees(text, [(s, e) for s, e, _ in matches]), key=lambda t: t[0])
    found: dict[str, Directive] = {}
    for _, _, d in matches:
        prev = found.get(d.id)
        if prev is None:
            found[d.id] = d
        elif prev.date is None and d.date:
            found[d.id] = Directive(prev.id, prev.type, prev.issuer, d.date)
    directives = [_catalogued(d) for d in found.values()]
    shorts: list[str] = []
    for word, num in _short_refs(text, [(s, e) for s, e, _ in matches]):
        same_num = [d for d in directives if int(re.match(r"\d+", d.id).group()) == num]
        if any(_resolves(word, num, d) for d in directives) or len(same_num) == 1:
            continue
        label = f"{word} {num}"
        if label not in shorts:
            shorts.append(label)
    return directives, shorts, [(s, e) for s, e, _ in matches]


# A decree cited by number and year alone: "Nghị định 167/2013" is 167/2013/NĐ-CP (every nghị định is the
# Chính phủ's, so the code is never in doubt; other types leave their issuer open and stay short refs).
_DECREE_SHORT = re.compile(
    r"(?<![\w])(?:[Nn]ghị[ \t]+định|NĐ)[ \t]+(?:số[ \t]+)?(?P<num>\d{1,5})[ \t]*/[ \t]*(?P<year>(?:19|20)\d{2})"
    r"(?![\w/]|[ \t]*[/-][ \t]*[A-Za-zĐđ])"
)


def _decrees(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int, Directive]]:
    out = []
    for m in _DECREE_SHORT.finditer(text):
        if not any(s <= m.start("num") < e for s, e in spans):
            ident = f"{int(m.group('num'))}/{m.group('year')}/NĐ-CP"
            out.append((m.start("num"), m.end(), Directive(ident, "Nghị định", "Chính phủ", _issue_date(text, m.end()))))
    return out


def _catalogued(d: Directive) -> Directive:
    """A catalogued document named as the catalogue names it: one type and issuer everywhere (57-KL/TW is
    "Bộ Chính trị (khóa XIII)", not the code's "Trung ương")."""
    from .catalogue import get

    entry = get(d.id)
    if entry is None:
        return d
    return Directive(d.id, entry.type, entry.issuer, d.date or entry.date)


def canonical(s: str) -> str | None:
    """The canonical id of one identifier in any spelling ("57 - kl/tw" -> "57-KL/TW"), else None."""
    matches = _matches(normalize(s).strip())
    return matches[0][2].id if matches else None
