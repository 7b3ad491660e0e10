"""Timelines: every search answers with its set's monthly counts, drawn on both pages, one line in the CLI."""

import json
import re

from click.testing import CliRunner

from ttdn_search.cli import main
from ttdn_search.filters import Filters
from ttdn_search.timeline import MAX_MONTH_BARS, bars, spark_line

QUERIES = ["", "thông tin đối ngoại", "hội nghị tổng kết", "biên giới"]


def test_timeline_counts_are_the_filtered_totals_of_each_month(searcher):
    for q in QUERIES:
        res = searcher.search(q, limit=0)
        months = [m for m, n in res.timeline if n]
        assert months, q
        for m, n in res.timeline:
            if n:  # (a month with none has no link: filtered to it, a looser reading may answer instead)
                assert searcher.search(q, Filters(date_from=m, date_to=m), limit=0).total == n, (q, m)
        # Every month between the first and the last is there, zeros included; the rest have no date.
        assert [m for m, _ in res.timeline] == sorted({m for m, _ in res.timeline})
        assert sum(n for _, n in res.timeline) + res.undated == res.total


def test_timeline_of_a_filter_set_and_of_a_directive(searcher):
    res = searcher.search("", Filters(province=["Lào Cai"]), limit=0)
    assert sum(n for _, n in res.timeline) + res.undated == res.total > 0
    d = searcher.lookup_directive("57-KL/TW")
    assert d.timeline and sum(n for _, n in d.timeline) + d.undated == d.total


def test_json_and_the_cli_line(samples_index):
    out = json.loads(CliRunner().invoke(main, ["search", "thông tin", "--index", str(samples_index), "--json"]).stdout)
    assert out["timeline"] and all(set(x) == {"month", "count"} for x in out["timeline"])
    assert sum(x["count"] for x in out["timeline"]) + out["undated"] == out["total"]
    text = CliRunner().invoke(main, ["search", "thông tin", "--index", str(samples_index)]).stdout
    line = [ln for ln in text.splitlines() if ln.startswith("— Theo ")]
    assert len(line) == 1 and "nhiều nhất" in line[0]


def test_a_long_span_is_drawn_by_year():
    timeline = [(f"{y}-{m:02d}", (y + m) % 3) for y in range(2000, 2015) for m in range(1, 13)]
    unit, bs = bars(timeline)
    assert len(timeline) > MAX_MONTH_BARS and unit == "năm" and [b.label for b in bs] == [str(y) for y in range(2000, 2015)]
    assert sum(b.count for b in bs) == sum(n for _, n in timeline)
    assert bars(timeline[:24])[0] == "tháng" and len(bars(timeline[:24])[1]) == 24
    assert spark_line(timeline[:24]).startswith("Theo tháng 2000-01…2001-12: ")


def test_pages_draw_the_bars_as_links_to_their_months(samples_index, tmp_path):
    from ttdn_search.render import PageState, page_view, render_page, run_state, write_static_site
    from ttdn_search.search import Searcher

    with Searcher(samples_index) as s:
        state = PageState("thông tin")
        res = run_state(s, state)
        html = render_page(page_view(res, state, lambda st: "/" + st.query_string(), live=True))
        svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
        links = re.findall(r'<a href="([^"]+)" aria-label="([^"]+)" data-when="[^"]+">', svg)
        assert len(links) == sum(1 for _, n in res.timeline if n) and "<script" not in svg
        for href, label in links:
            assert "from=" in href and "to=" in href and "bài" in label
        page = write_static_site(s, "thông tin", Filters(), tmp_path / "site")
    static = page.read_text("utf-8")
    hrefs = re.findall(r'<a href="(p-[0-9a-f]{12}\.html)" aria-label="(tháng [^"]+): (\d+) bài" data-when', static)
    assert hrefs, "the static page's bars open pages written beside it"
    for href, _, count in hrefs:
        linked = (tmp_path / "site" / href).read_text("utf-8")
        assert re.search(r'<span id="total">(\d+)</span>', linked).group(1) == count
