"""The results page in a real browser: headless Chromium, driven over the DevTools protocol on a pipe."""

import os
import threading
from urllib.parse import quote

import pytest

from tests._cdp import Browser, find_chromium
from tests._xss import ARTICLES, IMG, SCRIPT
from ttdn_search.render import write_static_site
from ttdn_search.filters import Filters
from ttdn_search.search import Searcher

pytestmark = pytest.mark.browser

QUERY = "thông tin đối ngoại"
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    exe = find_chromium()
    if exe is None:
        reason = "needs Debian's chromium (apt-get install chromium, or `make browser`)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"CI: {reason}")
        pytest.skip(reason)
    b = Browser(exe, tmp_path_factory.mktemp("chromium-profile"))
    yield b
    b.close()


@pytest.fixture()
def page(browser):
    p = browser.page(bypass_csp=True)
    yield p
    p.close()


def serve(index_dir):
    from ttdn_search.server import make_server

    server = make_server(index_dir, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def text(page, selector):
    return page.js(f"(document.querySelector({selector!r}) || {{}}).textContent")


def assert_nothing_ran(page, browser):
    assert page.js("window.__xss") == []
    assert browser.dialogs == []
    assert page.js("document.querySelectorAll('script, img, iframe, object, embed').length") == 0
    assert page.js("[...document.querySelectorAll('*')].flatMap(e => [...e.attributes])"
                   ".filter(a => a.name.startsWith('on')).length") == 0


def assert_png(path):
    data = path.read_bytes()
    assert data[:8] == PNG and len(data) > 1000


@pytest.fixture(scope="module")
def static_site(samples_index, tmp_path_factory):
    out = tmp_path_factory.mktemp("static") / "site"
    with Searcher(samples_index) as s:
        write_static_site(s, QUERY, Filters(), out)
    return out


def test_static_page_facet_click_filters_and_keyboard_removes(page, browser, static_site, tmp_path):
    page.goto((static_site / "index.html").as_uri())
    assert text(page, "#total") == "14" and page.js("document.querySelector('#active-filters')") is None
    assert page.js("document.documentElement.lang") == "vi"
    count = text(page, 'section[data-facet="kind"] li .count')
    value = text(page, 'section[data-facet="kind"] li a')
    page.click('section[data-facet="kind"] li a')
    assert page.js("location.protocol") == "file:" and page.js("location.pathname").endswith(".html")
    assert text(page, "#total") == count
    assert text(page, "#active-filters strong") == value
    assert page.js("document.querySelectorAll('li.hit').length") == int(count)
    assert_png(page.screenshot(tmp_path / "static.png"))
    # Keyboard: the first Tab lands on the skip link, visibly outlined; Tab on to the remover and Enter.
    page.key("Tab", "Tab", 9)
    assert page.js("document.activeElement.className") == "skip"
    assert page.js("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    assert page.js("document.activeElement.getBoundingClientRect().left") >= 0
    page.js("document.querySelector('#active-filters a').focus()")
    page.key("Enter", "Enter", 13, wait_load=True)
    assert page.js("location.pathname").endswith("/index.html") and text(page, "#total") == "14"
    assert_nothing_ran(page, browser)


def test_static_page_fits_a_phone(page, static_site, tmp_path):
    page.send("Emulation.setDeviceMetricsOverride", width=360, height=740, deviceScaleFactor=1, mobile=True)
    page.goto((static_site / "index.html").as_uri())
    assert page.js("document.documentElement.scrollWidth") <= 360
    # Results come before the facets on a narrow screen.
    assert page.js("document.querySelector('#results').getBoundingClientRect().top"
                   " < document.querySelector('#facets').getBoundingClientRect().top")
    assert_png(page.screenshot(tmp_path / "phone.png", width=360, height=740))


def test_live_query_box_and_facets_run_new_searches(page, browser, samples_index, tmp_path):
    server, base = serve(samples_index)
    try:
        page.goto(f"{base}/?q={quote(QUERY)}")
        assert text(page, "#total") == "14"
        # Type a new query into the box and submit it with Enter.
        page.js("document.querySelector('#q').select()")
        page.js("document.querySelector('#q').focus()")
        page.type_text("Nghệ An")
        page.key("Enter", "Enter", 13, wait_load=True)
        assert page.js("new URL(location.href).searchParams.get('q')") == "Nghệ An"
        assert page.js("document.querySelector('#q').value") == "Nghệ An"
        narrowed = int(text(page, "#total"))
        assert 0 < narrowed < 14
        value = text(page, 'section[data-facet="year"] li a')
        count = text(page, 'section[data-facet="year"] li .count')
        page.click('section[data-facet="year"] li a')
        assert text(page, "#total") == count
        assert text(page, "#active-filters strong") == value
        assert page.js("new URL(location.href).searchParams.get('f_year')") == value
        assert_png(page.screenshot(tmp_path / "live.png"))
        page.click("#active-filters a")
        assert int(text(page, "#total")) == narrowed
        assert_nothing_ran(page, browser)
    finally:
        server.shutdown()
        server.server_close()


def test_markup_from_data_and_query_never_runs_static(page, browser, xss_index, tmp_path):
    out = tmp_path / "site"
    with Searcher(xss_index) as s:
        write_static_site(s, f"thông tin {SCRIPT} {IMG}", Filters(), out)
    page.goto((out / "index.html").as_uri())
    assert page.js("document.querySelector('#q').value") == f"thông tin {SCRIPT} {IMG}"
    titles = page.js("[...document.querySelectorAll('li.hit h2')].map(h => h.textContent.trim())")
    assert ARTICLES[0]["title"] in titles
    assert page.js("[...document.querySelectorAll('a')].filter(a => a.protocol === 'javascript:').length") == 0
    page.click('section[data-facet="province"] li a')
    assert text(page, "#total") == "1"
    assert_nothing_ran(page, browser)


def test_markup_from_data_and_query_never_runs_live(page, browser, xss_index):
    server, base = serve(xss_index)
    try:
        for qs in (f"q={quote(SCRIPT)}", f"q={quote(QUERY)}&f_province={quote(IMG)}",
                   f"q={quote(QUERY)}&province={quote(SCRIPT)}"):
            page.goto(f"{base}/?{qs}")
            assert_nothing_ran(page, browser)
        page.goto(f"{base}/?q={quote(QUERY)}")
        assert ARTICLES[1]["source"] in page.js("document.body.textContent")
        page.click('section[data-facet="year"] li a')
        assert_nothing_ran(page, browser)
    finally:
        server.shutdown()
        server.server_close()


def test_the_timeline_bars_filter_to_their_month(page, browser, samples_index, tmp_path):
    """The inline SVG chart: no script, each bar a link whose page counts what the bar said."""
    server, base = serve(samples_index)
    try:
        page.goto(f"{base}/?q={quote(QUERY)}")
        bars = page.js("[...document.querySelectorAll('#timeline svg a')].map(a => a.getAttribute('aria-label'))")
        assert bars and all("bài" in b for b in bars)
        box = page.js("(() => { const r = document.querySelector('#timeline svg').getBoundingClientRect();"
                      " return [r.width, r.height]; })()")
        assert box[0] > 200 and box[1] >= 50, box  # drawn, and wide enough to click
        when = page.js("[...document.querySelectorAll('#timeline svg a')].sort((x, y) =>"
                       " y.getBoundingClientRect().height - x.getBoundingClientRect().height)[0].dataset.when")
        label = next(b for b in bars if b.startswith(f"tháng {when[5:]}/{when[:4]}"))
        count = label.rsplit(": ", 1)[1].split()[0]
        page.click(f'#timeline a[data-when="{when}"]')  # a real mouse click on the tallest bar
        assert page.js("new URL(location.href).searchParams.get('from')") == when
        assert text(page, "#total") == count
        assert_nothing_ran(page, browser)
        assert_png(page.screenshot(tmp_path / "timeline.png"))
    finally:
        server.shutdown()
        server.server_close()
