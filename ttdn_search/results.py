"""What a search answers: plain dataclasses, and their JSON."""

from __future__ import annotations

import functools

from dataclasses import asdict, dataclass, field


@dataclass
class FacetCount:
    value: str
    count: int
    filter: str = ""  # the query text that selects exactly this value: province:"Thừa Thiên Huế"


@dataclass
class DirectiveInfo:
    id: str
    type: str | None = None
    issuer: str | None = None
    date: str | None = None
    title: str | None = None


@dataclass
class Hit:
    id: str
    title: str
    date: str | None
    province: str | None
    provinces: list[str]
    years: list[int]
    directives: list[str]
    score: float
    snippet: str
    kind: list[str] = field(default_factory=list)
    url: str | None = None
    source: str | None = None
    title_html: str = ""
    # Where `date` came from: "byline" (the page), "record" (the source's own date) or "event" (the
    # date of the reported event, read from the lead, when nothing says when it was published).
    date_source: str | None = None
    province_new: str | None = None  # the unit after 1 July 2025 that holds `province`
    # The other articles of its group of copies (engine/groups.py), the first MAX_LISTED, and how many.
    copies: list[dict] = field(default_factory=list)
    copies_total: int = 0


# What each wider level of matching means, for the line that says the query was not found as typed.
MATCH_LABELS = {
    "folded": "không phân biệt dấu",
    "loose": "các từ không đứng liền nhau",
    "partial": "chỉ chứa phần lớn các từ",
}


INTERPRETED_LABELS = {"telex": "đọc như gõ Telex khi tắt bộ gõ", "spelling": "đã sửa lỗi gõ",
                      "dropped": "bỏ một âm tiết không khớp bài nào cùng các từ còn lại",
                      "directive": "số hiệu như đã gõ không có bài nào dẫn; đã sửa dấu - và /"}


def interpreted_note(res: "SearchResult") -> str | None:
    """The line that says another reading of the query answered: "Đang hiện kết quả cho «…» (…)"."""
    if not res.interpreted:
        return None
    why = INTERPRETED_LABELS.get(res.interpreted_why or "", "")
    return f"Đang hiện kết quả cho «{res.interpreted}»" + (f" ({why})." if why else ".")


def unknown_field_note(names: list[str]) -> str | None:
    """Why "foo:bar" was searched as words: "foo" names no filter, and which names do."""
    from ttdn_search.filters import FILTERS

    if not names:
        return None
    shown = ", ".join(f"«{n}:»" for n in dict.fromkeys(names))
    known = ", ".join(f"{spec.aliases[0]}:" for spec in FILTERS)
    return f"{shown} không phải tên bộ lọc nên được tìm như chữ. Bộ lọc viết trong câu tìm: {known}"


def full_months(counts: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Monthly counts with every month between the first and the last, zeros included (a chart's axis)."""
    if not counts:
        return []
    have = dict(counts)
    return [(m, have.get(m, 0)) for m in _months_between(counts[0][0], counts[-1][0])]


@functools.lru_cache(maxsize=256)
def _months_between(first: str, last: str) -> tuple[str, ...]:
    (y, m), (y2, m2) = map(int, first.split("-")), map(int, last.split("-"))
    out = []
    while (y, m) <= (y2, m2):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return tuple(out)


def copies_note(res: "SearchResult") -> str | None:
    """The line that says how many distinct texts the set holds once copies are counted once, and whether
    the hits show one per group."""
    if res.groups == res.total or not res.total:
        return None
    how = ("mỗi tin hiện một bài, kèm các bản đăng lại" if res.collapsed
           else "đang hiện cả các bản đăng lại")
    return f"{res.total} bài là {res.groups} tin khác nhau ({how})."


def match_note(query: str, match: str, total: int) -> str | None:
    """The plain Vietnamese line shown when the articles shown do not hold the query as typed."""
    if match not in MATCH_LABELS or not query or not total:
        return None
    return f"Không có bài chứa đúng «{query}»; đang hiện bài gần đúng ({MATCH_LABELS[match]})."


@dataclass
class SearchResult:
    query: str
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetCount]]
    took_ms: float
    offset: int = 0
    sort: str = "relevance"
    filters: dict = field(default_factory=dict)
    suggestion: str | None = None
    directives: list[DirectiveInfo] = field(default_factory=list)
    partial: int = 0
    # How strictly the words matched: "exact" (as typed: diacritics and words together), "folded"
    # (diacritics ignored), "loose" (words apart) or "partial" (most of the words); see engine/match.py.
    match: str = "exact"
    # The reading of the query that answered instead of it as typed, and why ("telex", "spelling",
    # "dropped": the query without the one syllable that kept every article out).
    interpreted: str | None = None
    interpreted_why: str | None = None
    # What the user should know about how the query was read ("foo:" is no filter, searched as words).
    notes: list[str] = field(default_factory=list)
    # Monthly counts of the whole set (not only the hits shown), oldest first, every month from the first
    # to the last that has any (zeros included), and how many of the set have no date.
    timeline: list[tuple[str, int]] = field(default_factory=list)
    undated: int = 0
    # A directive lookup's: the first and latest article citing it, the directives cited with it.
    summary: dict = field(default_factory=dict)
    # How many groups of copies the set holds (an article without copies is a group of its own); whether
    # the hits show one article per group; what the facets count ("articles" or "groups").
    groups: int = 0
    collapsed: bool = True
    count_unit: str = "articles"

    @property
    def listed(self) -> int:
        """How many hits the whole result lists, page after page: its groups when copies are collapsed."""
        return self.groups if self.collapsed and self.groups else self.total

    def to_json(self) -> dict:
        out = {
            "query": self.query,
            "total": self.total,
            "groups": self.groups,
            "collapsed": self.collapsed,
            "count_unit": self.count_unit,
            "match": self.match,
            "interpreted": self.interpreted,
            "interpreted_why": self.interpreted_why,
            "partial": self.partial,
            "hits": [_hit_json(h) for h in self.hits],
            "facets": {k: [asdict(c) for c in v] for k, v in self.facets.items()},
            "took_ms": round(self.took_ms, 2),
            "offset": self.offset,
            "sort": self.sort,
            "filters": self.filters,
            "suggestion": self.suggestion,
        }
        if self.directives:
            out["directives"] = [asdict(d) for d in self.directives]
        if self.notes:
            out["notes"] = self.notes
        if self.summary:
            out.update(self.summary)
        out["timeline"] = [{"month": m, "count": n} for m, n in self.timeline]
        out["undated"] = self.undated
        return out


def _hit_json(h: Hit) -> dict:
    d = asdict(h)
    d.pop("title_html", None)
    return d


@dataclass
class BatchLine:
    """One line of a --queries batch: its id, and its result or the error it met."""

    qid: str
    result: SearchResult | None = None
    error: str | None = None
    line: int = 0  # its line number in the batch

    def to_json(self) -> dict:
        if self.result is None:
            return {"qid": self.qid, "error": self.error}
        return {"qid": self.qid, **self.result.to_json()}


def directive_info(doc_id: str) -> DirectiveInfo:
    """What the catalogue knows of a directive; the id alone when it knows nothing."""
    from ttdn_search.extract import catalogue
    from ttdn_search.extract.directives import find_directives

    entry = catalogue.get(doc_id)
    if entry is not None:
        return DirectiveInfo(id=doc_id, type=entry.type, issuer=entry.issuer, date=entry.date, title=entry.title)
    found, _ = find_directives(doc_id)
    d = found[0] if found else None
    return DirectiveInfo(id=doc_id, type=d and d.type, issuer=d and d.issuer)
