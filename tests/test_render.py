"""The results page, read as a structure: what it shows, where its links go, and that data never runs."""

import os
import re
import threading
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest

bs4 = pytest.importorskip("bs4")

from tests._shared import needs_shared  # noqa: E402
from tests._xss import ARTICLES, IMG, SCRIPT  # noqa: E402
from ttdn_search.render import TIMELINE_PAGES, PageState, date_vi, decimal_vi, safe_href, write_static_site  # noqa: E402
from ttdn_search.filters import Filters
from ttdn_search.search import Searcher  # noqa: E402

QUERY = "thông tin đối ngoại"
FACET_LABELS = {"province": "Tỉnh/thành", "year": "Năm", "directive": "Văn bản được dẫn", "kind": "Loại bài"}

# Every attribute the templates write. A name outside this set means markup from the data broke out.
ALLOWED_ATTRS = {"lang", "charset", "name", "content", "http-equiv", "class", "id", "href", "title", "rel", "role",
                 "for", "type", "value", "placeholder", "readonly", "datetime", "method", "action", "download"}


def soup_of(html: str):
    return bs4.BeautifulSoup(html, "html.parser")


def read(path: Path):
    return soup_of(path.read_text("utf-8"))


SVG_ATTRS = {"xmlns", "viewbox", "preserveaspectratio", "width", "height", "focusable", "x", "y", "x1", "x2", "y1",
             "y2", "role"}


def assert_inert(soup) -> None:
    """Nothing in the page can run or load: no script or media element, no handler, no script URL."""
    for tag in ("script", "img", "iframe", "object", "embed", "link", "base", "video", "audio", "source",
                "foreignobject", "use", "image", "style", "animate", "set"):
        if tag == "style":  # the page's one stylesheet in <head>, nowhere else
            assert all(st.find_parent("head") for st in soup.find_all("style")), "<style> outside <head>"
            continue
        assert soup.find(tag) is None, f"<{tag}> in the page"
    # The one SVG is the timeline's: bars, their links and titles, an axis; nothing else.
    svgs = soup.find_all("svg")
    assert len(svgs) <= 1 and all(svg.find_parent(id="timeline") for svg in svgs), "an <svg> other than the timeline"
    for svg in svgs:
        assert {el.name for el in svg.find_all(True)} <= {"a", "rect", "title", "line"}, svg
    for el in soup.find_all(True):
        for attr in el.attrs:
            allowed = ALLOWED_ATTRS | (SVG_ATTRS if el.find_parent("svg") or el.name == "svg" else set())
            assert attr in allowed or attr.startswith(("aria-", "data-")), f"attribute {attr!r} on <{el.name}>"
    for a in soup.find_all(href=True):
        scheme = urlsplit(a["href"].strip()).scheme.lower()
        assert scheme in ("", "http", "https"), a["href"]
    for style in soup.find_all("style"):
        assert "url(" not in style.text and "@import" not in style.text


def site(searcher, tmp_path, query=QUERY, filters=None, **kw) -> Path:
    out = tmp_path / "site"
    write_static_site(searcher, query, filters or Filters(), out, **kw)
    return out


@pytest.fixture(scope="module")
def samples_site(samples_index, tmp_path_factory) -> Path:
    with Searcher(samples_index) as s:
        return site(s, tmp_path_factory.mktemp("page"))


# -- small pure helpers ----------------------------------------------------------------------------


@pytest.mark.parametrize("url, expected", [
    ("https://baoquangtri.vn/bai-1.html", "https://baoquangtri.vn/bai-1.html"),
    ("  http://nghean.gov.vn/tin?id=3  ", "http://nghean.gov.vn/tin?id=3"),
    ("javascript:alert(1)", None),
    ("JavaScript:alert(1)", None),
    (" javascript:alert(1)", None),
    ("data:text/html,<script>alert(1)</script>", None),
    ("vbscript:msgbox(1)", None),
    ("//example.org/x", None),
    ("bai-1.html", None),
    ("https://", None),
    ("", None),
    (None, None),
])
def test_safe_href_keeps_only_http_addresses(url, expected):
    assert safe_href(url) == expected


def test_vietnamese_number_and_date_forms():
    assert date_vi("2019-12-27") == "27/12/2019"
    assert date_vi("2019") == "2019" and date_vi(None) is None
    assert decimal_vi(12.46) == "12,5"


# -- the static page -------------------------------------------------------------------------------


def test_page_is_vietnamese_semantic_and_holds_the_query(samples_site):
    s = read(samples_site / "index.html")
    assert s.html["lang"] == "vi"
    assert s.find("meta", attrs={"name": "viewport"}) is not None
    assert QUERY in s.title.text
    box = s.find("input", id="q")
    assert box["value"] == QUERY and box.has_attr("readonly")
    assert s.find("label", attrs={"for": "q"}).text.strip()
    # The read-only box says, in words on the page, why it cannot search and what to run instead.
    note = s.find(id=box["aria-describedby"])
    assert "ttdn serve" in note.text and "Trang tĩnh" in note.text
    assert s.find("main") and s.find("aside", id="facets") and s.find("section", id="results")
    assert s.find("h1") is not None and s.find("footer") is not None
    assert s.find("a", class_="skip", href="#results")


def test_summary_gives_count_and_time(samples_site):
    s = read(samples_site / "index.html")
    assert s.find(id="total").text == "14"
    assert re.fullmatch(r"\d+,\d", s.find(id="took").text)
    assert "kết quả" in s.find(id="summary").text and "ms" in s.find(id="summary").text


def test_hits_show_headline_date_province_chips_and_snippet(samples_site):
    s = read(samples_site / "index.html")
    hits = s.select("ol.hits > li.hit")
    assert len(hits) == 14
    first = hits[0]
    assert first["data-id"] == "mau-05"
    assert first.find("h2").text.strip() == "Hưng Yên triển khai nhiệm vụ thông tin đối ngoại năm 2020"
    t = first.find("time")
    assert t["datetime"] == "2019-12-27" and t.text == "27/12/2019"
    assert first.find(class_="province").text == "Hưng Yên"
    chip = first.select_one("ul.chips a")
    assert chip.text == "59-KH/BCĐTTĐN"
    # The chip opens the lookup of that directive: every article citing it, with its card.
    lookup = read(samples_site / chip["href"])
    assert lookup.find(class_="directive-card").strong.text == "59-KH/BCĐTTĐN"
    assert {h["data-id"] for h in lookup.select("li.hit")} >= {"mau-05"}
    assert all(len(h.select("ul.chips")) <= 1 for h in hits)
    marks = first.find(class_="snippet").find_all("mark")
    assert [m.text for m in marks] == ["thông tin đối ngoại", "thông tin đối ngoại"]


def test_marks_cover_whole_words(samples_site):
    s = read(samples_site / "index.html")
    n = 0
    for p in s.select(".snippet, ol.hits h2"):
        for m in p.find_all("mark"):
            n += 1
            before = m.previous_sibling if isinstance(m.previous_sibling, str) else ""
            after = m.next_sibling if isinstance(m.next_sibling, str) else ""
            assert not (before[-1:].isalnum() or after[:1].isalnum()), (before[-10:], m.text, after[:10])
    assert n > 14


def test_facet_sidebar_has_the_four_groups_with_counts(samples_site):
    s = read(samples_site / "index.html")
    aside = s.find("aside", id="facets")
    for name, label in FACET_LABELS.items():
        sec = aside.find("section", attrs={"data-facet": name})
        assert sec is not None, name
        assert sec.find("h3").text == label
        items = sec.find_all("li")
        assert items and all(re.fullmatch(r"\d+", li.find(class_="count").text) for li in items)
    kinds = {li.a.text: int(li.find(class_="count").text)
             for li in aside.find("section", attrs={"data-facet": "kind"}).find_all("li")}
    assert kinds["Hội nghị tổng kết"] == 4
    # Values by count, ties by value (the years too); the years also newest first.
    by_time = [li.find(["a", "span"]).text for li in aside.select('section[data-facet="year"] details.by-time li')]
    assert by_time and by_time == sorted(by_time, reverse=True)
    for name in ("year", "province"):
        items = aside.find("section", attrs={"data-facet": name}).find("ul").find_all("li", recursive=False)
        pairs = [(-int(li.find(class_="count").text), li.find(["a", "span"]).text) for li in items]
        assert pairs == sorted(pairs), name


def test_facet_link_applies_the_value_and_the_filter_is_removable(samples_site):
    s = read(samples_site / "index.html")
    link = s.select_one('section[data-facet="kind"] li a')
    value, count = link.text, int(link.find_parent("li").find(class_="count").text)
    page = read(samples_site / link["href"])
    assert page.find(id="total").text == str(count)
    assert page.find("input", id="q")["value"] == QUERY
    chips = page.select("#active-filters li")
    assert len(chips) == 1 and "Loại bài" in chips[0].text and chips[0].strong.text == value
    assert chips[0].a["href"] == "index.html" and value in chips[0].a["aria-label"]
    active = page.select_one('section[data-facet="kind"] li.active a')
    assert active.text == value and active["aria-current"] == "true" and active["href"] == "index.html"
    assert all(value in " ".join(k.text for k in h.select(".meta")) for h in page.select("li.hit"))


def test_every_static_link_is_relative_and_opens_a_written_page(samples_site):
    pages = sorted(samples_site.glob("*.html"))
    assert len(pages) > 10
    names = {p.name for p in pages} | {p.name for p in samples_site.glob("*.csv")}  # and the page's table
    for p in pages:
        s = read(p)
        assert_inert(s)
        for a in s.find_all("a", href=True):
            href = a["href"]
            if href.startswith("#"):
                assert s.find(id=href[1:]) is not None, (p.name, href)
                continue
            assert "/" not in href and ":" not in href, (p.name, href)
            assert href in names, (p.name, href)
        assert s.find("form") is None  # nothing to submit offline


def test_bound_of_written_pages_follows_facet_pages(samples_index, tmp_path):
    with Searcher(samples_index) as s:
        out = site(s, tmp_path, facet_values=2)
        root = s.search(QUERY, limit=20)
    page = read(out / "index.html")
    for name in FACET_LABELS:
        sec = page.find("section", attrs={"data-facet": name})
        assert len({a["href"] for a in sec.find_all("a")}) <= 2  # (the years' "by time" list repeats them)
    cited = {d for h in root.hits for d in h.directives}
    groups = sum(1 for v in root.facets.values() if v)
    bars = sum(1 for _, n in root.timeline if n)
    # index + at most 2 per facet group + one lookup per cited directive + the other sort order + one per
    # timeline bar holding any article (at most TIMELINE_PAGES).
    assert len(list(out.glob("*.html"))) <= 1 + 2 * groups + len(cited) + 1 + min(bars, TIMELINE_PAGES)
    assert "--facet-pages" in page.find("aside").text


def test_filters_given_on_the_command_line_are_removable(samples_index, tmp_path):
    with Searcher(samples_index) as s:
        out = site(s, tmp_path, filters=Filters(province=["Nghệ An"]))
    page = read(out / "index.html")
    chip = page.select_one("#active-filters li")
    assert chip.strong.text == "Nghệ An"
    wider = read(out / chip.a["href"])
    assert int(wider.find(id="total").text) == 14 and wider.select_one("#active-filters") is None


def test_second_level_pages_lead_back_and_applied_values_are_not_offered_again(samples_index, tmp_path):
    with Searcher(samples_index) as s:
        out = site(s, tmp_path, filters=Filters(province=["nghe an"]))
    page = read(out / "index.html")
    assert page.find(id="back") is None
    # The applied province (typed "nghe an") is the facet's current value: a link to its removal.
    current = page.select('section[data-facet="province"] li.active a')
    assert [a.text for a in current] == ["Nghệ An"] and current[0]["aria-current"] == "true"
    assert current[0]["href"] == page.select_one("#active-filters li a")["href"]
    for p in out.glob("p-*.html"):
        sub = read(p)
        assert sub.find(id="back").a["href"] == "index.html", p.name
        assert len(sub.select("#active-filters li")) == len({li.text for li in sub.select("#active-filters li")})


def test_each_run_leaves_exactly_its_own_pages(samples_index, tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "ghi-chu.txt").write_text("của người dùng", "utf-8")
    with Searcher(samples_index) as s:
        write_static_site(s, QUERY, Filters(), tmp_path / "site")
        first = {p.name for p in (tmp_path / "site").glob("*.html")}
        write_static_site(s, "biên giới", Filters(), tmp_path / "site")
        write_static_site(s, "biên giới", Filters(), tmp_path / "fresh")
    second = {p.name for p in (tmp_path / "site").glob("*.html")}
    # The folder holds what a run into an empty folder writes, nothing of the earlier query's pages ...
    assert second == {p.name for p in (tmp_path / "fresh").glob("*.html")} and first - second
    # ... and the user's own files stay.
    assert (tmp_path / "site" / "ghi-chu.txt").read_text("utf-8") == "của người dùng"


# -- safety: data and queries render as text ---------------------------------------------------------


def test_markup_in_every_field_renders_as_text(xss_index, tmp_path):
    with Searcher(xss_index) as s:
        out = site(s, tmp_path)
    for p in out.glob("*.html"):
        assert_inert(read(p))
    page = read(out / "index.html")
    hits = {h["data-id"]: h for h in page.select("li.hit")}
    bad, good = ARTICLES[0], ARTICLES[1]
    assert set(hits) == {bad["id"], good["id"]}  # the id survived as one attribute value
    h = hits[bad["id"]]
    assert h.find("h2").text.strip() == bad["title"]
    assert h.find("h2").a is None  # a javascript: address is not linked
    assert h.find(class_="source").text == IMG
    assert SCRIPT in h.find(class_="snippet").text and IMG in h.find(class_="snippet").text
    assert {t.name for t in h.find(class_="snippet").find_all(True)} == {"mark"}
    g = hits[good["id"]]
    assert g.find("h2").a["href"] == good["url"] and g.find(class_="source").text == SCRIPT


@pytest.mark.parametrize("query", [SCRIPT, IMG, f"thông tin {SCRIPT} {IMG}"])
def test_markup_in_the_query_renders_as_text(xss_index, tmp_path, query):
    with Searcher(xss_index) as s:
        out = site(s, tmp_path, query=query)
    for p in out.glob("*.html"):
        assert_inert(read(p))
    page = read(out / "index.html")
    assert page.find("input", id="q")["value"] == query
    assert page.title.text.startswith(query)
    assert page.select_one("#summary .q").text == query


# -- live mode ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def live(xss_index):
    from ttdn_search.server import make_server

    server = make_server(xss_index, port=0)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.headers, soup_of(r.read().decode("utf-8"))
    except urllib.error.HTTPError as e:
        return e.code, e.headers, soup_of(e.read().decode("utf-8"))


def test_live_page_searches_and_links_run_new_searches(live):
    status, headers, s = get(live + "/?q=" + quote(QUERY))
    assert status == 200 and "default-src 'none'" in headers["Content-Security-Policy"]
    assert_inert(s)
    form = s.find("form", attrs={"role": "search"})
    assert form["method"] == "get" and form["action"] == "/"
    assert form.find("input", id="q")["value"] == QUERY and form.find("button")
    assert s.find(id="total").text == "2"
    link = s.select_one('section[data-facet="province"] li a')
    assert link["href"].startswith("/?")
    status, _, narrowed = get(live + link["href"])
    assert status == 200 and narrowed.find(id="total").text == "1"
    # The query box keeps the facet that is on, so a new query searches within it.
    hidden = narrowed.select('form input[type="hidden"]')
    assert [(i["name"], i["value"]) for i in hidden] == [("f_province", link.text)]
    remove = narrowed.select_one("#active-filters a")["href"]
    assert get(live + remove)[2].find(id="total").text == "2"
    chip = s.select_one("ul.chips a")
    lookup = get(live + chip["href"])[2]
    assert lookup.find(class_="directive-card").strong.text == chip.text


@pytest.mark.parametrize("params", [
    {"q": SCRIPT}, {"q": IMG}, {"q": QUERY, "f_province": IMG}, {"q": QUERY, "province": SCRIPT},
    {"q": QUERY, "year": IMG}, {"directive": SCRIPT}, {"q": QUERY, "sort": IMG},
])
def test_live_markup_in_parameters_renders_as_text(live, params):
    qs = "&".join(f"{k}={quote(v)}" for k, v in params.items())
    status, _, s = get(f"{live}/?{qs}")
    assert status in (200, 400)
    assert_inert(s)
    assert s.find("input", id="q")["value"] == params.get("q", "")
    for key, value in params.items():
        if key in ("q", "sort"):
            continue
        shown = [li.strong.text for li in s.select("#active-filters li")]
        error = s.find(class_="error")
        assert value in shown or (error is not None and value in error.text)


def test_live_unknown_path_is_404(live):
    status, _, s = get(live + "/khong-co")
    assert status == 404 and s.html["lang"] == "vi"


def test_live_and_static_pages_share_one_template(samples_index):
    from ttdn_search.render import page_view, render_page, run_state

    with Searcher(samples_index) as s:
        st = PageState(QUERY)
        res = run_state(s, st)
        live_page = soup_of(render_page(page_view(res, st, lambda x: "/" + x.query_string(), live=True)))
        static_page = soup_of(render_page(page_view(res, st, lambda x: None, live=False)))
    assert [h["data-id"] for h in live_page.select("li.hit")] == [h["data-id"] for h in static_page.select("li.hit")]
    assert live_page.find("form") is not None and static_page.find("form") is None


def test_live_pages_turn(samples_index):
    from ttdn_search.render import page_view, render_page, run_state

    link = lambda x: "/" + x.query_string()  # noqa: E731
    with Searcher(samples_index) as s:
        first = PageState(QUERY)
        p1 = soup_of(render_page(page_view(run_state(s, first, limit=5), first, link, live=True)))
        nxt = p1.find("a", rel="next")["href"]
        second = PageState.from_params(parse_qs(urlsplit(nxt).query))
        assert second == PageState(QUERY, page=2)
        p2 = soup_of(render_page(page_view(run_state(s, second, limit=5), second, link, live=True)))
    assert p1.find(id="shown").text == "1–5" and p2.find(id="shown").text == "6–10"
    assert p2.find("a", rel="prev")["href"] == "/" + first.query_string()
    ids1 = [h["data-id"] for h in p1.select("li.hit")]
    ids2 = [h["data-id"] for h in p2.select("li.hit")]
    assert len(ids1) == len(ids2) == 5 and not set(ids1) & set(ids2)
    # A facet link from page 2 starts again at page 1.
    assert "page=" not in p2.select_one('section[data-facet="kind"] li a')["href"]


@pytest.mark.parametrize("raw, page", [("2", 2), ("0", 1), ("-3", 1), ("abc", 1), ("", 1), ("99999", 50),
                                        ("9" * 5000, 1), ("²", 1), ("١٢", 1)])
def test_page_parameter_is_clamped(raw, page):
    assert PageState.from_params({"q": [QUERY], "page": [raw]}).page == page


def test_static_page_says_when_it_shows_only_the_first_hits(samples_index, tmp_path):
    with Searcher(samples_index) as s:
        out = site(s, tmp_path, limit=5)
    page = read(out / "index.html")
    assert page.find(id="shown").text == "1–5" and page.find("a", rel="next") is None
    assert "-n" in page.find("section", id="results").find("p", class_="note").text


# -- the real corpora ------------------------------------------------------------------------------


def check_site(out: Path) -> None:
    names = {p.name for p in out.glob("*.html")} | {p.name for p in out.glob("*.csv")}
    for p in out.glob("*.html"):
        s = read(p)
        assert_inert(s)
        assert s.html["lang"] == "vi" and s.find(id="total") is not None
        for a in s.find_all("a", href=True):
            href = a["href"]
            assert href.startswith("#") or href in names or urlsplit(href).scheme in ("http", "https"), (p.name, href)


@needs_shared
def test_seeds_page(seeds_index, tmp_path):
    with Searcher(seeds_index) as s:
        out = site(s, tmp_path)
    check_site(out)
    page = read(out / "index.html")
    assert page.find(id="total").text == "5" and len(page.select("li.hit")) == 5
    shown = {p.text for p in page.select("li.hit .province")}
    assert shown >= {"Nghệ An", "Hưng Yên"}
    assert all(d.text for d in page.select("li.hit time"))


@pytest.mark.skipif(not os.environ.get("TTDN_NEWS_INDEX"), reason="set TTDN_NEWS_INDEX to a built news-20k index")
@pytest.mark.parametrize("query, filters", [(QUERY, Filters()), ("kinh tế", Filters(year=["2020"])), ("", Filters())])
def test_news_20k_pages(tmp_path, query, filters):
    with Searcher(Path(os.environ["TTDN_NEWS_INDEX"])) as s:
        out = site(s, tmp_path, query=query, filters=filters)
    check_site(out)


def test_live_server_answers_a_failing_search_with_500(live, monkeypatch):
    import ttdn_search.server as server

    def boom(*a, **kw):
        raise RuntimeError("hỏng")

    monkeypatch.setattr(server, "run_state", boom)
    status, _, s = get(live + "/?q=" + quote(QUERY))
    assert status == 500 and s.html["lang"] == "vi" and "hỏng" not in s.text


def _raw(base: str, request: bytes) -> bytes:
    import socket

    host, port = urlsplit(base).hostname, urlsplit(base).port
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return data


def test_live_server_answers_head_and_reads_an_unescaped_utf8_query(live):
    status, _, escaped = get(live + "/?q=" + quote(QUERY))
    head = _raw(live, b"HEAD /?q=" + quote(QUERY).encode() + b" HTTP/1.0\r\n\r\n")
    assert head.startswith(b"HTTP/1.0 200") and b"Content-Length:" in head
    assert head.endswith(b"\r\n\r\n"), "HEAD sends headers only"
    # The query's UTF-8 bytes sent as they are, as some clients do, read as the same query.
    raw = _raw(live, b"GET /?q=" + QUERY.replace(" ", "+").encode("utf-8") + b" HTTP/1.0\r\n\r\n")
    body = soup_of(raw.split(b"\r\n\r\n", 1)[1].decode("utf-8"))
    assert body.find("input", id="q")["value"] == QUERY
    assert body.find(id="total").text == escaped.find(id="total").text


def test_live_server_refuses_other_methods_with_its_own_page_and_headers(live):
    for method in (b"POST", b"OPTIONS", b"PUT"):
        raw = _raw(live, method + b" / HTTP/1.0\r\nContent-Length: 0\r\n\r\n")
        head, _, body = raw.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.0 405") and b"Allow: GET, HEAD" in head, head
        assert b"default-src 'none'" in head and b"frame-ancestors 'none'" in head and b"nosniff" in head
        assert "chỉ để đọc" in body.decode("utf-8")
    head = _raw(live, b"HEAD / HTTP/1.0\r\n\r\n").split(b"\r\n\r\n")[0]
    server = [ln for ln in head.split(b"\r\n") if ln.lower().startswith(b"server:")]
    assert server == [b"Server: ttdn-search"], server  # no Python or http.server versions


def test_live_server_says_when_its_folder_is_gone(samples_index, tmp_path):
    import shutil

    from ttdn_search.server import App

    copy = tmp_path / "ix"
    shutil.copytree(samples_index, copy)
    app = App(copy, hosts=None)
    request = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "QUERY_STRING": "q=" + quote(QUERY)}
    assert app.answer(request)[0] == 200
    shutil.rmtree(copy)
    status, html, _ = app.answer(request)
    assert status == 503 and "Không tìm thấy chỉ mục" in html
