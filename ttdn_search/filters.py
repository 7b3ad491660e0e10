"""Filters: one table that query syntax, `Filters`, the CLI options, batch lines and page states all read,
the parsing of each value, and the bitmap of the documents a set of filters allows.

Repeated values of one filter are ORed, different filters ANDed; `from`/`to` keep the last value given.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field

from ttdn_search.errors import BadQuery, shown


@dataclass(frozen=True)
class FilterSpec:
    """One filter: its name (the `Filters` field, the batch key and the page parameter), the field names
    a query may write it with, the CLI's option flags (none: no option), its label and its help."""

    name: str
    aliases: tuple[str, ...]
    flags: tuple[str, ...] = ()
    label: str = ""
    help: str = ""
    single: bool = False  # a date bound: the last value given counts
    batch: bool = True  # may be given on a --queries line
    metavar: str = "GIÁ_TRỊ"  # what the CLI's help shows after the option


FILTERS = (
    FilterSpec("province", ("province", "tinh", "p"), ("-p", "--province"), "Tỉnh/thành",
               "Tỉnh/thành của bài, theo 63 đơn vị trước 1/7/2025 (mọi cách viết) / the article's province.",
               metavar="TỈNH"),
    FilterSpec("unit", ("unit", "donvi", "u", "province_new"), ("-u", "--unit"), "Đơn vị sau 1/7/2025",
               "Đơn vị hành chính sau 1/7/2025 (gồm các tỉnh cũ hợp thành) / the unit after the 2025 merger.",
               metavar="ĐƠN_VỊ"),
    FilterSpec("year", ("year", "nam", "y"), ("-y", "--year"), "Năm",
               "Năm của bài (ngày đăng, nếu không có thì ngày sự kiện): 2020 hoặc 2019-2021 / the article's year.",
               metavar="NĂM"),
    FilterSpec("mentioned", ("mentioned", "nhac", "m", "mentioned_year"), ("-m", "--mentions"), "Năm được nhắc đến",
               "Năm bài nhắc đến (nhiệm kỳ 2020-2025, đến năm 2030): 2030 hoặc 2020-2025 / a year the text refers to.",
               metavar="NĂM"),
    FilterSpec("directive", ("directive", "vanban", "d"), ("-d", "--directive"), "Văn bản",
               "Văn bản được dẫn: 57-KL/TW, 'ket luan 57' / cited directive.", metavar="SỐ_HIỆU"),
    FilterSpec("kind", ("kind", "loai"), ("--kind",), "Loại bài", "Loại bài, ví dụ 'Hội nghị tổng kết' / article kind.",
               metavar="LOẠI"),
    FilterSpec("from", ("from", "tu"), ("--from",), "Từ ngày", "Từ ngày YYYY[-MM[-DD]] / from date.", single=True,
               metavar="NGÀY"),
    FilterSpec("to", ("to", "den"), ("--to",), "Đến ngày", "Đến ngày YYYY[-MM[-DD]] / to date.", single=True,
               metavar="NGÀY"),
)
BY_NAME = {spec.name: spec for spec in FILTERS}
# Field names a user may write in the query, in English or Vietnamese without accents.
FIELD_ALIASES = {alias: spec.name for spec in FILTERS for alias in spec.aliases}
BATCH_KEYS = tuple(spec.name for spec in FILTERS if spec.batch)
# The filters a page's query string may carry by name.
PAGE_FILTERS = {spec.name: spec.label for spec in FILTERS if spec.flags}
# The filter that selects exactly one facet value, for each facet: a facet value typed back into its
# filter (`-p "Thừa Thiên Huế"`, `unit:Huế`, `f_province=...` on a page) gives the facet's count.
FACET_FILTER = {"province": "province", "province_new": "unit", "year": "year", "mentioned_year": "mentioned",
                "directive": "directive", "kind": "kind"}
LIST_FILTERS = tuple(FACET_FILTER.values())


@dataclass
class Filters:
    """Filter values as the user gave them; repeated values of one filter are ORed, filters are ANDed."""

    province: list[str] = field(default_factory=list)
    year: list[str] = field(default_factory=list)
    directive: list[str] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    date_from: str | None = None
    date_to: str | None = None
    unit: list[str] = field(default_factory=list)
    mentioned: list[str] = field(default_factory=list)
    # Facet values applied one by one (a page's facet links, `f_<facet>=value`): (filter name, value),
    # each ANDed with everything else, so a value's count beside it is what applying it gives.
    narrow: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def facet(cls, facet: str, value: str) -> "Filters":
        """The filter that selects exactly one value of a facet (see FACET_FILTER)."""
        f = cls()
        f.add("f_" + facet, value)
        return f

    def add(self, name: str, value: str) -> None:
        """One value of a filter of the table, or a facet value applied on its own (`f_<facet>`)."""
        if name.startswith("f_") and name[2:] in FACET_FILTER:
            self.narrow.append((FACET_FILTER[name[2:]], value))
        elif name == "from":
            self.date_from = value
        elif name == "to":
            self.date_to = value
        elif name in LIST_FILTERS:
            getattr(self, name).append(value)
        else:
            raise BadQuery(f"Không có bộ lọc {shown(name)}.")

    def merged(self, more: dict[str, list[str]]) -> "Filters":
        f = Filters(**{k: (list(v) if isinstance(v, list) else v) for k, v in vars(self).items()})
        for name, values in more.items():
            for v in values:
                f.add(name, v)
        return f

    def pairs(self) -> list[tuple[str, str]]:
        """(filter name, value) of every value given."""
        out = [(name, v) for name in LIST_FILTERS for v in getattr(self, name)]
        facet_of = {f: facet for facet, f in FACET_FILTER.items()}
        out += [("f_" + facet_of[name], v) for name, v in self.narrow]
        if self.date_from:
            out.append(("from", self.date_from))
        if self.date_to:
            out.append(("to", self.date_to))
        return out

    def to_json(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v}


def from_options(**values) -> Filters:
    """Filters from the CLI's options (each a tuple of values, from/to one value or None)."""
    f = Filters()
    for name, given in values.items():
        name = {"date_from": "from", "date_to": "to"}.get(name, name)
        if given is None:
            continue
        for v in (given,) if isinstance(given, str) else given:
            f.add(name, v)
    return f


def from_batch(base: Filters, rec: dict) -> Filters:
    """A --queries line's filters added to the command line's: each a string, a whole number or a list
    of them."""
    def values(key, v) -> list[str]:
        items = v if isinstance(v, list) else [v]
        if not all(isinstance(x, str) or (type(x) is int) for x in items):
            raise BadQuery(f'"{key}" phải là chuỗi, số nguyên hoặc danh sách của chúng, không phải '
                           f"{shown(json.dumps(v, ensure_ascii=False))}")
        return [str(x) for x in items]

    return base.merged({k: values(k, v) for k, v in rec.items() if k in BATCH_KEYS and v not in (None, "", [])})


def facet_filter_text(facet: str, value: str) -> str:
    """The query text that selects exactly one facet value: `province:"Thừa Thiên Huế"`, `year:2024`."""
    name = FACET_FILTER[facet]
    return f'{name}:"{value}"' if re.search(r'[\s()"]', value) or not value else f"{name}:{value}"


# ---------------------------------------------------------------------------------------------
# Values


_YEAR_RANGE = re.compile(r"^\s*((?:19|20)\d{2})\s*(?:-\s*((?:19|20)\d{2}))?\s*$")
_DATE = re.compile(r"^\s*((?:19|20)\d{2})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\s*$")


def parse_years(value: str) -> list[str]:
    m = _YEAR_RANGE.match(value)
    if not m:
        raise BadQuery(f"Năm không hợp lệ: {shown(value)}. Dùng dạng 2020 hoặc 2019-2021.")
    lo = int(m.group(1))
    hi = int(m.group(2) or lo)
    if hi < lo:
        lo, hi = hi, lo
    return [str(y) for y in range(lo, hi + 1)]


def parse_date(value: str, end: bool = False) -> str:
    m = _DATE.match(value)
    if not m:
        raise BadQuery(f"Ngày không hợp lệ: {shown(value)}. Dùng dạng 2024-01-31, 2024-01 hoặc 2024.")
    y, mo, d = m.group(1), m.group(2), m.group(3)
    if mo is None:
        return f"{y}-12-31" if end else f"{y}-01-01"
    if not 1 <= int(mo) <= 12:
        raise BadQuery(f"Tháng không hợp lệ trong {shown(value)}.")
    if d is None:
        return f"{y}-{int(mo):02d}-31" if end else f"{y}-{int(mo):02d}-01"
    import datetime

    try:
        return datetime.date(int(y), int(mo), int(d)).isoformat()
    except ValueError:  # 2024-02-31, 2023-02-29: a day that does not exist
        raise BadQuery(f"Ngày không có thật: {shown(value)}.") from None


def resolve_province(name: str) -> str:
    """The province facet's value a province filter selects: the unit among the 63 (any spelling)."""
    from ttdn_search.facets import unit_name
    from ttdn_search.extract.provinces import lookup

    if lookup(name) is None:
        raise BadQuery(f"Không biết tỉnh/thành {shown(name)}. Thử tên đầy đủ, ví dụ 'Nghệ An' hoặc 'TP.HCM'.")
    return unit_name(name)


def resolve_unit(name: str) -> str:
    """The unit after 1 July 2025 a unit filter selects: the named unit, or the one an old unit joined."""
    from ttdn_search.extract.provinces import lookup

    prov = lookup(name)
    if prov is None:
        raise BadQuery(f"Không biết đơn vị {shown(name)}. Thử tên đầy đủ, ví dụ 'Lâm Đồng' hoặc 'TP.HCM'.")
    return prov.new_unit


def resolve_directives(value: str, known=()) -> list[str]:
    """Canonical ids for a directive as a user typed it; short forms also resolve against `known` ids.
    A well-formed reference no article cites ("ket luan 72") selects nothing; anything else is BadQuery."""
    from ttdn_search.extract.references import resolve

    found = resolve(value, known, bare_number=True)
    if not found.how:
        raise BadQuery(
            f"Không nhận ra số hiệu văn bản {shown(value)}. Viết đầy đủ, ví dụ 57-KL/TW, 72/2015/NĐ-CP hoặc 'Kết luận 57'."
        )
    return list(found.ids)


def kind_values(value: str) -> list[str]:
    from ttdn_search.extract.kinds import vocabulary
    from ttdn_search.normalize import fold

    found = [k for k in vocabulary() if fold(k) == fold(value.strip())]
    if not found:
        raise BadQuery(f"Không biết loại bài {shown(value)}. Các loại: {', '.join(vocabulary())}.")
    return found


def facet_pairs(name: str, value: str, known_directives=()) -> list[tuple[str, str]]:
    """The (facet, value) pairs one filter value selects (any of them); BadQuery for a value it cannot read."""
    if name == "province":
        return [("province", resolve_province(value))]
    if name == "unit":
        return [("province_new", resolve_unit(value))]
    if name in ("year", "mentioned"):
        facet = "year" if name == "year" else "mentioned_year"
        return [(facet, y) for y in parse_years(value)]
    if name == "directive":
        return [("directive", d) for d in resolve_directives(value, known_directives)]
    if name == "kind":
        return [("kind", k) for k in kind_values(value)]
    raise BadQuery(f"Không có bộ lọc {shown(name)}.")


def filter_bitmap(f: Filters, view, known_directives=()) -> int | None:
    """The documents all filters allow (engine.segments.Segments bitmaps), None when there are no filters."""
    parts: list[int] = []
    for name in LIST_FILTERS:
        values = getattr(f, name)
        if values:
            bm = 0
            for v in values:
                for facet, value in facet_pairs(name, v, known_directives):
                    bm |= view.facet(facet, value)
            parts.append(bm)
    for name, v in f.narrow:
        bm = 0
        for facet, value in facet_pairs(name, v, known_directives):
            bm |= view.facet(facet, value)
        parts.append(bm)
    if f.date_from or f.date_to:
        lo = parse_date(f.date_from) if f.date_from else "0000-01-01"
        hi = parse_date(f.date_to, end=True) if f.date_to else "9999-12-31"
        if lo > hi:  # given the wrong way round: the same span, as -y 2021-2019 is
            lo, hi = parse_date(f.date_to), parse_date(f.date_from, end=True)
        parts.append(view.date_range(int(lo.replace("-", "")), int(hi.replace("-", ""))))
    if not parts:
        return None
    out = parts[0]
    for p in parts[1:]:
        out &= p
    return out
