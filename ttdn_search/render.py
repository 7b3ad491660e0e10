"""Render search results as HTML pages with jinja2: one environment, autoescape on, plain dataclasses in.

The same templates serve the static site (`ttdn html`, relative links between written files) and the live
server (`ttdn serve`, links are query strings). A page is described by a `PageState`: the query and the
filters applied; a link is a function from a state to a URL (or None where no page exists offline).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Callable
from urllib.parse import urlencode, urlsplit

from markupsafe import Markup

from ttdn_search.errors import BadQuery, TtdnError
from ttdn_search.facets import FACET_LABELS, FACET_NAMES, TIME_FACETS
from ttdn_search.filters import FACET_FILTER, PAGE_FILTERS, Filters, facet_pairs
from ttdn_search.results import interpreted_note, match_note
from ttdn_search.timeline import bars as timeline_bars
from ttdn_search.timeline import chart_width

def _page_key(key: str) -> bool:
    """A query-string key that is a filter: a filter's name, or f_<facet> (a facet value applied)."""
    return key in PAGE_FILTERS or (key.startswith("f_") and key[2:] in FACET_FILTER)


CSV_NAME = "ket-qua.csv"  # the table of a static page's result set, and the live download's path
# A static page writes the pages of its newest timeline bars, at most this many.
TIMELINE_PAGES = 36
# Live pages go this deep into the results (page * limit hits are ranked for the last one).
MAX_PAGE = 50



@dataclass(frozen=True)
class PageState:
    """What a results page shows: the query, the sort, the filters as (key, value) pairs, and which page."""

    query: str = ""
    filters: tuple[tuple[str, str], ...] = ()
    sort: str = "relevance"
    page: int = 1  # a new filter or sort starts again at page 1
    # How copies show (engine/groups.py): one hit per group ("") or every article ("all"); what the
    # facets count: articles ("") or groups ("groups"). Kept by every link of the page.
    copies: str = ""
    count: str = ""

    def _same_view(self, query: str, filters, sort: str, page: int = 1) -> "PageState":
        return PageState(query, filters, sort, page, self.copies, self.count)

    def viewed(self, copies: str | None = None, count: str | None = None) -> "PageState":
        """The same search with copies shown another way, or the facets counting something else."""
        return replace(self, page=1, copies=self.copies if copies is None else copies,
                       count=self.count if count is None else count)

    def with_filter(self, key: str, value: str) -> "PageState":
        if (key, value) in self.filters:
            return self
        return self._same_view(self.query, tuple(sorted(self.filters + ((key, value),))), self.sort)

    def dated(self, date_from: str, date_to: str) -> "PageState":
        """The same search within these dates (a timeline bar) and within the page's own from/to: the bar
        counts only the part of its month the page's dates allow, and so does its link."""
        from ttdn_search.filters import parse_date

        own = dict(f for f in self.filters if f[0] in ("from", "to"))
        try:
            if own.get("from") and parse_date(own["from"]) > parse_date(date_from):
                date_from = own["from"]
            if own.get("to") and parse_date(own["to"], True) < parse_date(date_to, True):
                date_to = own["to"]
        except BadQuery:  # the page's own dates are unreadable: its error says so; the bar keeps its month
            pass
        kept = tuple(f for f in self.filters if f[0] not in ("from", "to"))
        return self._same_view(self.query, tuple(sorted(kept + (("from", date_from), ("to", date_to)))), self.sort)

    def without(self, key: str, value: str) -> "PageState":
        return self._same_view(self.query, tuple(f for f in self.filters if f != (key, value)), self.sort)

    def to_filters(self) -> Filters:
        f = Filters()
        for key, value in self.filters:
            if _page_key(key):
                f.add(key, value)
        return f

    def query_string(self) -> str:
        params = [("q", self.query)] if self.query else []
        params += list(self.filters)
        if self.sort != "relevance":
            params.append(("sort", self.sort))
        if self.copies:
            params.append(("copies", self.copies))
        if self.count:
            params.append(("count", self.count))
        if self.page > 1:
            params.append(("page", str(self.page)))
        return "?" + urlencode(params) if params else "?"

    def turned(self, page: int) -> "PageState":
        return replace(self, page=page)

    def filename(self) -> str:
        """The file a static site writes this state to (the page `ttdn html` was asked for is index.html)."""
        view = (self.copies, self.count) if self.copies or self.count else ()
        key = repr((self.query, self.filters, self.sort) + ((self.page,) if self.page > 1 else ()) + view).encode("utf-8")
        return f"p-{hashlib.sha1(key).hexdigest()[:12]}.html"

    @staticmethod
    def from_params(params: dict[str, list[str]]) -> "PageState":
        filters = []
        for key, values in params.items():
            if _page_key(key):
                filters.extend((key, v.strip()) for v in values if v.strip())
        sort = (params.get("sort") or ["relevance"])[0]
        page = (params.get("page") or ["1"])[0]
        page = min(int(page), MAX_PAGE) if page.isascii() and page.isdigit() and 0 < len(page) < 6 and int(page) else 1
        copies = (params.get("copies") or [""])[0]
        count = (params.get("count") or [""])[0]
        return PageState((params.get("q") or [""])[0], tuple(sorted(set(filters))),
                         sort if sort in ("relevance", "date") else "relevance", page,
                         "all" if copies == "all" else "", "groups" if count == "groups" else "")


@dataclass
class FacetLink:
    value: str
    count: int
    url: str | None
    active: bool = False


@dataclass
class FacetGroup:
    name: str
    label: str
    values: list[FacetLink]  # by count, ties by value
    by_time: bool = False  # a year facet: also listed newest first


@dataclass
class ActiveFilter:
    label: str
    value: str
    remove_url: str | None


@dataclass
class HitView:
    hit: object
    title_html: Markup
    snippet_html: Markup
    directive_links: list[tuple[str, str | None]]
    url: str | None = None  # the article's own address, only when it is http(s)
    date_text: str | None = None  # the date as Vietnamese readers write it: 27/12/2019
    anchor: str = ""  # the element id of the hit's heading
    copies: list["CopyLink"] = field(default_factory=list)  # the other articles of its group of copies


@dataclass
class CopyLink:
    title: str
    url: str | None
    date_text: str | None
    source: str | None
    id: str


@dataclass
class PageView:
    """Everything a results template needs, and nothing from Whoosh."""

    state: PageState
    result: object
    hits: list[HitView]
    facet_groups: list[FacetGroup]
    active: list[ActiveFilter]
    live: bool
    home_url: str | None
    suggestion_url: str | None = None
    error: str | None = None
    sort_links: dict[str, str | None] = field(default_factory=dict)
    # How many facet values a group shows before the rest fold away under "Thêm".
    facet_shown: int = 10
    prev_url: str | None = None
    next_url: str | None = None
    match_note: str | None = None  # why the hits are not the query as typed (results.match_note)
    back_url: str | None = None  # a static page one level down: the way back to the page asked for
    csv_url: str | None = None  # the whole result set as a table: a download (live) or ket-qua.csv (static)
    timeline_unit: str = "tháng"  # the chart's bars: by month, or by year over a long span (timeline.py)
    timeline: list = field(default_factory=list)
    timeline_width: int = 0
    # The same search with copies shown the other way, or facets counting the other unit.
    view_links: dict[str, str | None] = field(default_factory=dict)


def safe_href(url: str | None) -> str | None:
    """The URL if it is an absolute http(s) address, else None: a stored URL never becomes `javascript:`."""
    if not url or not isinstance(url, str):
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def date_vi(iso: str | None) -> str | None:
    """2019-12-27 -> 27/12/2019; anything else unchanged."""
    if iso and len(iso) == 10 and iso[4] == "-" and iso[7] == "-":
        return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}"
    return iso


def decimal_vi(x: float, places: int = 1) -> str:
    """12.5 -> '12,5': the decimal comma of Vietnamese."""
    return f"{x:.{places}f}".replace(".", ",")


def _templates_dir() -> Path:
    try:
        from importlib.resources import files

        p = Path(str(files("ttdn_search.templates")))
        if (p / "base.html").exists():
            return p
    except (ModuleNotFoundError, TypeError):
        pass
    return Path(__file__).resolve().parent.parent / "templates"


@lru_cache(maxsize=1)
def environment():
    """The one jinja2 environment: autoescape for every template."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_templates_dir())),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["vn_number"] = lambda n: f"{n:,}".replace(",", ".")
    env.filters["vn_decimal"] = decimal_vi
    env.filters["vn_date"] = date_vi
    return env


def _selected(state: PageState) -> dict[tuple[str, str], tuple[str, str]]:
    """The facet values the state's filters select one each, however typed ("hue" is Thừa Thiên Huế):
    (facet, value) -> the (key, value) applied."""
    out = {}
    for key, value in state.filters:
        name = FACET_FILTER.get(key[2:]) if key.startswith("f_") else key
        if name in FACET_FILTER.values():
            try:
                pairs = facet_pairs(name, value)
            except BadQuery:
                continue
            if len(pairs) == 1:
                out[pairs[0]] = (key, value)
    return out


def page_view(result, state: PageState, link: Callable[[PageState], str | None], live: bool,
              error: str | None = None, back: PageState | None = None, csv_url: str | None = None) -> PageView:
    selected = _selected(state)
    groups = []
    for name in FACET_NAMES:
        counts = result.facets.get(name, []) if result is not None else []
        values = []
        for c in counts:
            applied = selected.get((name, c.value))
            # A value already applied (however it was typed) links to its removal, never to itself again.
            target = state.without(*applied) if applied else state.with_filter("f_" + name, c.value)
            values.append(FacetLink(c.value, c.count, link(target), applied is not None))
        if values:
            groups.append(FacetGroup(name, FACET_LABELS[name], values, name in TIME_FACETS))
    active = []
    for key, value in state.filters:
        label = FACET_LABELS.get(key[2:]) if key.startswith("f_") else PAGE_FILTERS.get(key, key)
        active.append(ActiveFilter(label or key, value, link(state.without(key, value))))
    hits = []
    if result is not None:
        for i, h in enumerate(result.hits, 1):
            # A chip opens the directive's lookup: a query that is a directive number lists its citing articles.
            dlinks = [(d, link(PageState(d))) for d in h.directives]
            # title_html and snippet are the highlighter's output: text escaped, only <mark> added.
            copies = [CopyLink(c["title"], safe_href(c.get("url")), date_vi(c.get("date")), c.get("source"), c["id"])
                      for c in h.copies]
            hits.append(HitView(h, Markup(h.title_html), Markup(h.snippet), dlinks, safe_href(h.url), date_vi(h.date),
                                f"hit-{i}", copies))
    suggestion_url = None
    if result is not None and result.suggestion:
        suggestion_url = link(state._same_view(result.suggestion, state.filters, state.sort))
    sort_links = {s: link(state._same_view(state.query, state.filters, s)) for s in ("relevance", "date")}
    prev_url = next_url = None
    if result is not None:
        if state.page > 1:
            prev_url = link(state.turned(state.page - 1))
        if result.hits and result.offset + len(result.hits) < result.listed and state.page < MAX_PAGE:
            next_url = link(state.turned(state.page + 1))
    note = None
    if result is not None:
        notes = [interpreted_note(result), match_note(result.interpreted or state.query, result.match, result.total),
                 *result.notes]
        note = " ".join(n for n in notes if n) or None
    unit, chart = timeline_bars(result.timeline if result is not None else [])
    for b in chart:
        b.url = link(state.dated(b.date_from, b.date_to)) if b.count else None
    return PageView(state, result, hits, groups, active, live, link(PageState()), suggestion_url, error, sort_links,
                    prev_url=prev_url, next_url=next_url, match_note=note,
                    back_url=link(back) if back is not None and back != state else None,
                    timeline_unit=unit, timeline=chart, timeline_width=chart_width(len(chart)),
                    csv_url=csv_url if result is not None and result.total else None,
                    view_links={"all": link(state.viewed(copies="all")), "one": link(state.viewed(copies="")),
                                "groups": link(state.viewed(count="groups")), "articles": link(state.viewed(count=""))})


@dataclass
class WatchSection:
    name: str
    describe: str
    since: str | None
    result: object
    hits: list[HitView]
    since_iso: str = ""  # what --since takes to show this run again


@dataclass
class WatchPage:
    """The static "Tin mới" page (`ttdn watch run --html`): each saved search and its new articles."""

    made: str
    searches: list[WatchSection]
    total_new: int
    home_url: str | None = None
    live: bool = False


def write_watch_page(news, out_dir: Path) -> Path:
    """Write tin-moi.html (each saved search's new articles, newest first) into out_dir; return its path."""
    import time

    sections = []
    for n in news:
        # Chips and copies link nowhere from this page: it is one page, with no result pages beside it.
        view = page_view(n.result, PageState(n.watch.query), lambda st: None, live=False)
        since = n.since[:16].replace("T", " ") if n.since else None
        sections.append(WatchSection(n.watch.name, n.watch.describe(), since, n.result, view.hits, n.since[:19]))
    page = WatchPage(time.strftime("%H:%M ngày %d/%m/%Y"), sections, sum(n.result.total for n in news))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / WATCH_PAGE
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(environment().get_template("watch.html").render(v=page), "utf-8")
    tmp.replace(path)
    return path


WATCH_PAGE = "tin-moi.html"


def render_page(view: PageView) -> str:
    return environment().get_template("results.html").render(v=view)


def run_state(searcher, state: PageState, limit: int = 20):
    """The search a page state describes."""
    return searcher.search(state.query, filters=state.to_filters(), limit=limit, offset=(state.page - 1) * limit,
                           sort=state.sort, collapse=state.copies != "all", count=state.count or "articles")


def write_static_site(searcher, query: str, filters, out_dir: Path, limit: int = 20, sort: str = "relevance",
                      facet_values: int = 8, all_copies: bool = False, count: str = "articles") -> Path:
    """Write the results page and the pages its links open; return index.html's path.

    Bound (one level deep from index.html): for each facet group, the first `facet_values` values get a
    page (the query with that value applied); each directive cited by a shown hit gets its lookup page;
    and the other sort order, the suggested spelling and each filter given on the command line removed
    get one page each. A link whose page was not written is shown as plain text, so every link works
    offline; pages one level down link back to index.html and to each other where those pages exist.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    root = PageState(query, tuple(sorted(filters.pairs())), sort, 1, "all" if all_copies else "",
                     "groups" if count == "groups" else "")
    root_result = run_state(searcher, root, limit)
    results = {root: root_result}
    selected = _selected(root)
    for name in FACET_NAMES:
        for c in root_result.facets.get(name, [])[:facet_values]:
            if (name, c.value) not in selected:  # an applied value links to the page without it
                results.setdefault(root.with_filter("f_" + name, c.value), None)
    for h in root_result.hits:
        for d in h.directives:
            results.setdefault(PageState(d), None)
    if query and not root_result.directives:
        other = "date" if sort == "relevance" else "relevance"
        results.setdefault(PageState(query, root.filters, other), None)
    if root_result.suggestion:
        results.setdefault(PageState(root_result.suggestion, root.filters, sort), None)
    for key, value in root.filters:
        results.setdefault(root.without(key, value), None)
    if root_result.groups != root_result.total:  # copies shown the other way, facets counting groups
        results.setdefault(root.viewed(copies="all"), None)
        results.setdefault(root.viewed(count="groups"), None)
    # Each bar of the timeline opens its month (or year): the newest TIMELINE_PAGES that hold any.
    for b in [b for b in timeline_bars(root_result.timeline)[1] if b.count][-TIMELINE_PAGES:]:
        results.setdefault(root.dated(b.date_from, b.date_to), None)
    names = {st: ("index.html" if st == root else st.filename()) for st in results}
    # Leave out pages the library cannot build (a facet value it cannot resolve) before any page links them.
    for st in list(results):
        if results[st] is None:
            try:
                results[st] = run_state(searcher, st, limit)
            except TtdnError:
                del results[st], names[st]

    def link(st: PageState) -> str | None:
        return names.get(st)

    # The page asked for offers its whole result set as a table, written beside it.
    from ttdn_search.export import result_hits, to_csv

    (out_dir / CSV_NAME).write_text(to_csv(result_hits(searcher, query, filters, None, sort)), "utf-8")
    for st, res in results.items():
        html = render_page(page_view(res, st, link, live=False, back=root, csv_url=CSV_NAME if st == root else None))
        (out_dir / names[st]).write_text(html, "utf-8")
    # Each run leaves exactly its own pages: the linked pages of an earlier run go (only files of the
    # names this function writes; nothing else in the folder is touched).
    written = set(names.values())
    for old in out_dir.glob("p-*.html"):
        if old.name not in written and re.fullmatch(r"p-[0-9a-f]{12}\.html", old.name):
            old.unlink()
    return out_dir / "index.html"
