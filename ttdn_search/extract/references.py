"""What a user types for a document: a full id in any spelling, a mended one, or a type and a number.

`resolve(q, known)` reads the query against one table, the type words of type_words.tsv and the codes
of codes.tsv (the same the taggers read), and answers with the canonical ids it names among the
catalogue and `known` (the ids an index's articles cite), and how it read them:

- "id": a full id, as written or in another spelling ("57 - kl/tw" is 57-KL/TW);
- "corrected": a full id no article cites that, with its separators mended, is one they do ("57/KL-TW",
  dash and slash swapped, is 57-KL/TW);
- "short": a type and a number, in any order and spelling, with an issuer when given ("ket luan 57",
  "KL-57", "57 KL TW", "57KL/TW", "Kết luận 57 của Bộ Chính trị", "nghị định 167/2013");
- "uncited": well formed but naming nothing known ("ket luan 72" when no article cites a Kết luận 72);
- "": not a document reference at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Iterable

from ..normalize import fold, normalize
from .directives import _codes, _lookup_code, _matches, _type_words


@dataclass(frozen=True)
class Resolution:
    ids: tuple[str, ...] = ()
    how: str = ""
    label: str = ""  # what was asked, named for messages: "57-KL/TW", "Kết luận 72"


# Issuers named in words after the number: "Kết luận 57 của Bộ Chính trị".
_ISSUER_WORDS = {
    "bo chinh tri": "TW", "ban bi thu": "TW", "ban chap hanh trung uong": "TW", "trung uong": "TW",
    "thu tuong chinh phu": "TTg", "thu tuong": "TTg", "chinh phu": "CP", "quoc hoi": "QH",
    "uy ban thuong vu quoc hoi": "UBTVQH", "tinh uy": "TU", "thanh uy": "TU", "ubnd": "UBND",
    "uy ban nhan dan": "UBND", "hdnd": "HĐND", "hoi dong nhan dan": "HĐND",
}


# Words a user may write around a full id besides the type words ("số", English names of the types).
_AROUND = ["so", "cua", "no", "number", "decree", "directive", "resolution", "conclusion", "decision", "circular",
           "regulation", "plan", "law", "instruction"]


@cache
def _type_table() -> list[tuple[str, str, list[str]]]:
    """(folded word or abbreviation, the type word, its codes), longest first."""
    rows = []
    for word, codes, abbrevs in _type_words():
        for key in [fold(word).lower()] + [a.lower() for a in abbrevs]:
            rows.append((key, word, codes))
    return sorted(rows, key=lambda r: -len(r[0]))


def _role(code: str) -> str | None:
    canon, hit = _lookup_code(code)
    if hit is None and re.fullmatch(r"(?:QH|UBTVQH)\d*", canon):
        return "issuer"
    return hit.role if hit is not None else None


def _parts(ident: str) -> tuple[int, str | None, str, list[str]] | None:
    """(number, year, type code, issuer codes) of a canonical id; codes without digits, folded, upper case."""
    m = (re.fullmatch(r"(\d+)-([^/]+)/(.+)", ident) or re.fullmatch(r"(\d+)/((?:19|20)\d\d)/([^-]+)-?(.*)", ident)
         or re.fullmatch(r"(\d+)/([^-/]+)-(.+)", ident))
    if not m:
        return None
    g = m.groups()
    num, year, rest = (g[0], None, g[1:]) if len(g) == 3 else (g[0], g[1], g[2:])
    if year and re.fullmatch(r"(?:QH|UBTVQH)\d*", rest[0]):
        rest = ("QH", rest[0])  # a law or a National Assembly resolution: 103/2016/QH13

    def key(code: str) -> str:
        return re.sub(r"\d+$", "", fold(code).upper())

    return int(num), year, key(rest[0]), [key(c) for c in rest[1].split("-") if c]


def _pool(known: Iterable[str]) -> list[str]:
    from .catalogue import entries

    ids = [e.id for e in entries()]
    seen = set(ids)
    return ids + [k for k in known if k not in seen and not seen.add(k)]


def _mended(ident: str) -> list[str]:
    """The same id with Party and State separators swapped: 57/KL-TW <-> 57-KL/TW; 66/QĐ/TW -> 66-QĐ/TW."""
    out = []
    m = re.fullmatch(r"(\d+)/([^-/\d][^-/]*)[-/](.+)", ident)
    if m:
        out.append(f"{m.group(1)}-{m.group(2)}/{m.group(3)}")
    m = re.fullmatch(r"(\d+)-([^/]+)/(.+)", ident)
    if m:
        out.append(f"{m.group(1)}/{m.group(2)}-{m.group(3)}")
    return out


def resolve(q: str, known: Iterable[str] = (), bare_number: bool = False) -> Resolution:
    """The documents a query names (see the module's doc); never raises. `bare_number`: a number alone
    names every document with that number (`ttdn directive 57`, where the command says what it is)."""
    qn = normalize(q or "").strip()
    if not qn or len(qn) > 80:
        return Resolution()
    known = list(known)
    found = _matches(qn)
    if len({d.id for _, _, d in found}) == 1 and _only_words_around(qn, found):
        ident = found[0][2].id
        pool = set(_pool(known))
        if ident not in pool:
            for alt in _mended(ident):
                if alt in pool:
                    return Resolution((alt,), "corrected", ident)
        return Resolution((ident,), "id", ident)
    return _short(qn, known, bare_number)


def _only_words_around(qn: str, found) -> bool:
    """Besides the id, the query holds only a type word, "số" and an issuer ("Kết luận số 57-KL/TW của
    Bộ Chính trị"), not other words to search for."""
    rest = qn
    for s, e, _ in sorted(found, reverse=True):
        rest = rest[:s] + " " + rest[e:]
    f = " " + re.sub(r"[^\w]+", " ", fold(rest).lower()) + " "
    for words in _around_words():
        f = f.replace(f" {words} ", " ")
    return not f.strip()


@cache
def _around_words() -> tuple[str, ...]:
    return tuple(sorted(list(_ISSUER_WORDS) + [k for k, _, _ in _type_table()] + _AROUND, key=len, reverse=True))


def _short(qn: str, known: list[str], bare_number: bool = False) -> Resolution:
    f = " " + re.sub(r"[^\w]+", " ", fold(qn).lower()) + " "
    issuers: set[str] = set()
    for words, code in sorted(_ISSUER_WORDS.items(), key=lambda kv: -len(kv[0])):
        if f" {words} " in f:
            f = f.replace(f" {words} ", " ", 1)
            issuers.add(fold(code).upper())
    f = re.sub(r" (?:cua|so|ngay|ban hanh|nam)(?= )", "", f)
    word, types = None, set()
    for key, tw, codes in _type_table():
        if f" {key} " in f:
            word = tw
            f = f.replace(f" {key} ", " ", 1)
            types = {re.sub(r"\d+$", "", fold(c).upper()) for c in codes}
            break
    nums = []
    for tok in re.findall(r"\d+|[a-z]+", f):
        if tok.isdigit():
            nums.append(tok)
            continue
        role = _role(tok)
        canon = re.sub(r"\d+$", "", fold(_lookup_code(tok)[0]).upper())
        if role == "type" and not types:
            types = {canon}
            word = word or _codes()[0][_lookup_code(tok)[0].upper()].name
        elif role in ("issuer", "type", "unit"):
            issuers.add(canon)
        else:
            return Resolution()  # a word that names no document part: not a reference
    if not types and bare_number and not issuers and len(nums) == 1:
        types, word = {"*"}, "Văn bản số"
    if not types or not nums or len(nums) > 2 or len(nums[0]) > 5:
        return Resolution()
    num, year = int(nums[0]), nums[1] if len(nums) == 2 else None
    if year and not re.fullmatch(r"(?:19|20)\d\d", year):
        return Resolution()
    if not year and re.fullmatch(r"(?:19|20)\d\d", nums[0]) and not re.search(r"\bso\b|số", qn.lower() + fold(qn)):
        return Resolution()  # "kế hoạch 2024": a plan for a year, not plan number 2024
    from .catalogue import get

    out = []
    for ident in _pool(known):
        p = _parts(ident)
        if p is None or p[0] != num or p[2] not in types and "*" not in types:
            continue
        if issuers and not issuers <= set(p[3]) | {p[2]}:
            continue
        if year and p[1] != year and not ((get(ident) and (get(ident).date or "")[:4]) == year):
            continue
        out.append(ident)
    label = f"{word} {num}" + (f"/{year}" if year else "")
    return Resolution(tuple(out), "short" if out else "uncited", label)


def resolve_query(q: str, known: Iterable[str] = (), bare_number: bool = False) -> list[str]:
    """The canonical ids a query names (`resolve(q, known).ids`)."""
    return list(resolve(q, known, bare_number).ids)
