"""Filters: one table that query syntax, `Filters`, the CLI options, batch lines and page states all read,
the parsing of each value, and the bitmap of the documents a set of filters allows.

Repeated values of one filter are ORed, different filters ANDed; `from`/`to` keep the last value given.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from ttdn_search.errors import BadQuery, shown
from ttdn_search.facets import FACET_NAMES


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


FILTERS = (
    FilterSpec("province", ("province", "tinh", "p"), ("-p", "--province"), "Tỉnh/thành",
               "Tỉnh/thành (mọi cách viết, cũ hoặc mới) / province."),
    FilterSpec("year", ("year", "nam", "y"), ("-y", "--year"), "Năm", "Năm: 2020 hoặc 2019-2021 / year or range."),
    FilterSpec("directive", ("directive", "vanban", "d"), ("-d", "--directive"), "Văn bản",
               "Văn bản được dẫn: 57-KL/TW, 'ket luan 57' / cited directive."),
    FilterSpec("kind", ("kind", "loai"), ("--kind",), "Loại bài", "Loại bài, ví dụ 'Hội nghị tổng kết' / article kind."),
    FilterSpec("from", ("from", "tu"), ("--from",), "Từ ngày", "Từ ngày YYYY[-MM[-DD]] / from date.", single=True),
    FilterSpec("to", ("to", "den"), ("--to",), "Đến ngày", "Đến ngày YYYY[-MM[-DD]] / to date.", single=True),
    # The new unit's exact facet value (as the facet lists it), written in a query only.
    FilterSpec("province_new", ("unit", "province_new"), batch=False),
)
BY_NAME = {spec.name: spec for spec in FILTERS}
# Field names a user may write in the query, in English or Vietnamese without accents.
FIELD_ALIASES = {alias: spec.name for spec in FILTERS for alias in spec.aliases}
BATCH_KEYS = tuple(spec.name for spec in FILTERS if spec.batch)
# The filters a page's query string may carry by name (besides exact facet values, f_<facet>).
PAGE_FILTERS = {spec.name: spec.label for spec in FILTERS if spec.flags}


@dataclass
class Filters:
    """Filter values as the user gave them; repeated values of one facet are ORed, facets are ANDed."""

    province: list[str] = field(default_factory=list)
    year: list[str] = field(default_factory=list)
    directive: list[str] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    date_from: str | None = None
    date_to: str | None = None
    # Exact facet values, as facet links apply them: {"province": ["Nghệ An"], "province_new": [...]}.
    exact: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, value: str) -> None:
        """One value of a filter of the table (or `f_<facet>`: an exact facet value)."""
        if name == "from":
            self.date_from = value
        elif name == "to":
            self.date_to = value
        elif name == "province_new":
            self.exact.setdefault("province_new", []).append(value)
        elif name.startswith("f_") and name[2:] in FACET_NAMES:
            self.exact.setdefault(name[2:], []).append(value)
        else:
            getattr(self, name).append(value)

    def merged(self, more: dict[str, list[str]]) -> "Filters":
        f = Filters(list(self.province), list(self.year), list(self.directive), list(self.kind),
                    self.date_from, self.date_to, {k: list(v) for k, v in self.exact.items()})
        for name, values in more.items():
            for v in values:
                f.add(name, v)
        return f

    def pairs(self) -> list[tuple[str, str]]:
        """(filter name, value) of every value given by name (not the exact facet values)."""
        out = [(name, v) for name in ("province", "year", "directive", "kind") for v in getattr(self, name)]
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
    """A --queries line's filters added to the command line's."""
    return base.merged({k: ([v] if isinstance(v, str) else [str(x) for x in v])
                        for k, v in rec.items() if k in BATCH_KEYS and v})


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
    if not 1 <= int(d) <= 31:
        raise BadQuery(f"Ngày không hợp lệ trong {shown(value)}.")
    return f"{y}-{int(mo):02d}-{int(d):02d}"


def resolve_province(name: str) -> list[tuple[str, str]]:
    """(facet, value) pairs a province filter matches: the unit itself, and its merged old units."""
    from ttdn_search.extract.provinces import lookup, old_units

    prov = lookup(name)
    if prov is None:
        raise BadQuery(f"Không biết tỉnh/thành {shown(name)}. Thử tên đầy đủ, ví dụ 'Nghệ An' hoặc 'TP.HCM'.")
    canonical = prov if isinstance(prov, str) else prov.name
    pairs = [("province", canonical)]
    # A post-2025 unit also finds the articles of the old units merged into it.
    if old_units(canonical):
        pairs.append(("province_new", canonical))
    return pairs


def resolve_directives(value: str, known=()) -> list[str]:
    """Canonical ids for a directive as a user typed it; short forms also resolve against `known` ids."""
    from ttdn_search.extract.directives import resolve_query

    ids = resolve_query(value, known)
    if not ids:
        raise BadQuery(
            f"Không nhận ra số hiệu văn bản {shown(value)}. Viết đầy đủ, ví dụ 57-KL/TW, 72/2015/NĐ-CP hoặc 'Kết luận 57'."
        )
    return ids


def kind_values(value: str) -> list[str]:
    from ttdn_search.extract.kinds import vocabulary
    from ttdn_search.normalize import fold

    found = [k for k in vocabulary() if fold(k) == fold(value.strip())]
    if not found:
        raise BadQuery(f"Không biết loại bài {shown(value)}. Các loại: {', '.join(vocabulary())}.")
    return found


def filter_bitmap(f: Filters, view, known_directives=()) -> int | None:
    """The documents all filters allow (engine.segments.Segments bitmaps), None when there are no filters."""
    parts: list[int] = []

    def any_of(pairs):
        bm = 0
        for name, value in pairs:
            bm |= view.facet(name, value)
        parts.append(bm)

    if f.province:
        any_of([pair for p in f.province for pair in resolve_province(p)])
    if f.year:
        any_of([("year", y) for v in f.year for y in parse_years(v)])
    if f.directive:
        any_of([("directive", d) for v in f.directive for d in resolve_directives(v, known_directives)])
    if f.kind:
        any_of([("kind", k) for v in f.kind for k in kind_values(v)])
    for name, values in f.exact.items():
        if name not in FACET_NAMES:
            raise BadQuery(f"Không có nhóm lọc {shown(name)}.")
        if values:
            any_of([(name, v) for v in values])
    if f.date_from or f.date_to:
        lo = parse_date(f.date_from) if f.date_from else "0000-01-01"
        hi = parse_date(f.date_to, end=True) if f.date_to else "9999-12-31"
        parts.append(view.date_range(int(lo.replace("-", "")), int(hi.replace("-", ""))))
    if not parts:
        return None
    out = parts[0]
    for p in parts[1:]:
        out &= p
    return out
