"""What the filters and facets mean (issue #15): an article's own year against the years it mentions,
one facet value per province, the old units against the new ones, and the same answers on pages."""

import json

import pytest

from ttdn_search.errors import BadQuery
from ttdn_search.filters import Filters
from ttdn_search.indexer import build_index
from ttdn_search.search import Searcher

LEAD = "Ban Chỉ đạo công tác thông tin đối ngoại {where} tổ chức hội nghị. "
RECORDS = [
    # A 2024 article that mentions the 2020-2025 term: its year is 2024, not 2020.
    dict(id="nhiem-ky", date="2024-05-02", title="Đại hội nhiệm kỳ 2020 - 2025 sơ kết",
         text=LEAD.format(where="tỉnh Nghệ An") + "Đại hội Đảng bộ tỉnh Nghệ An nhiệm kỳ 2020 - 2025 đã đề ra mục tiêu."),
    dict(id="tth-2024", date="2024-03-01", title="Thừa Thiên Huế tổng kết thông tin đối ngoại",
         text=LEAD.format(where="tỉnh Thừa Thiên Huế") + "UBND tỉnh Thừa Thiên Huế chỉ đạo các sở."),
    # The same unit under its name from 2025.
    dict(id="hue-2025", date="2025-03-01", title="Huế tổng kết thông tin đối ngoại",
         text=LEAD.format(where="thành phố Huế") + "UBND thành phố Huế chỉ đạo các sở, ngành của Huế."),
    dict(id="hcm", date="2024-06-01", title="TP.HCM triển khai thông tin đối ngoại",
         text=LEAD.format(where="TP.HCM") + "UBND TP.HCM giao Sở Thông tin và Truyền thông TP.HCM chủ trì."),
    # Bình Dương joined Hồ Chí Minh on 1 July 2025: the unit filter finds it, the province filter does not.
    dict(id="binh-duong", date="2024-07-01", title="Bình Dương triển khai thông tin đối ngoại",
         text=LEAD.format(where="tỉnh Bình Dương") + "UBND tỉnh Bình Dương giao các sở chủ trì."),
    # No date but the lead's: "Sáng ngày 21/01/2019".
    dict(id="su-kien", title="Hội nghị tổng kết công tác thông tin đối ngoại năm 2018",
         text="Sáng ngày 21/01/2019, Ban Chỉ đạo công tác thông tin đối ngoại tỉnh Hà Nam tổ chức hội nghị. "
              "UBND tỉnh Hà Nam chỉ đạo."),
]


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    base = tmp_path_factory.mktemp("tags")
    src = base / "tin.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in RECORDS) + "\n", "utf-8")
    build_index([src], base / "ix", jobs=1)
    return base / "ix"


@pytest.fixture(scope="module")
def searcher(index):
    with Searcher(index) as s:
        yield s


def ids(res):
    return sorted(h.id for h in res.hits)


def facet(res, name):
    return {c.value: c.count for c in res.facets[name]}


def test_year_is_the_articles_own_and_mentioned_year_the_years_it_refers_to(searcher):
    assert "nhiem-ky" not in ids(searcher.search("", Filters(year=["2020"]), limit=50))
    assert "nhiem-ky" in ids(searcher.search("", Filters(mentioned=["2020"]), limit=50))
    assert ids(searcher.search("", Filters(year=["2024"]), limit=50)) == \
        ids(searcher.search("", Filters(date_from="2024", date_to="2024"), limit=50))
    assert ids(searcher.search("mentioned:2025", limit=50)) == ["nhiem-ky"]
    res = searcher.search("", limit=0)
    assert facet(res, "year") == {"2024": 4, "2025": 1, "2019": 1}
    assert "2020" in facet(res, "mentioned_year")


def test_the_event_date_stands_in_for_a_missing_publication_date(searcher):
    hit = searcher.search("", Filters(year=["2019"]), limit=5).hits
    assert [(h.id, h.date, h.date_source) for h in hit] == [("su-kien", "2019-01-21", "event")]


def test_facets_list_values_by_count_or_years_by_time(searcher):
    res = searcher.search("", limit=0)
    years = [(c.value, c.count) for c in res.facets["year"]]
    assert years == [("2024", 4), ("2019", 1), ("2025", 1)]  # by count, ties by value
    by_time = searcher.search("", limit=0, facet_order="time")
    assert [c.value for c in by_time.facets["year"]] == ["2025", "2024", "2019"]


def test_one_unit_one_province_value_whatever_its_name(searcher):
    res = searcher.search("", limit=0)
    provinces = facet(res, "province")
    assert provinces.get("Thừa Thiên Huế") == 2 and "Huế" not in provinces
    for typed in ("Huế", "hue", "Thừa Thiên Huế", "TT-Huế"):
        assert ids(searcher.search("", Filters(province=[typed]), limit=50)) == ["hue-2025", "tth-2024"], typed


def test_province_filters_the_province_facet_and_unit_the_new_units(searcher):
    res = searcher.search("", limit=0)
    for c in res.facets["province"] + res.facets["province_new"]:
        # The filter text each value carries selects exactly its count, typed as a query or applied.
        assert searcher.search(c.filter, limit=0).total == c.count, c
        assert searcher.search("", Filters.facet("province" if c.filter.startswith("province") else "province_new",
                                                 c.value), limit=0).total == c.count, c
    assert ids(searcher.search("", Filters(province=["Hồ Chí Minh"]), limit=50)) == ["hcm"]
    assert ids(searcher.search("", Filters(unit=["Hồ Chí Minh"]), limit=50)) == ["binh-duong", "hcm"]
    # An old unit's name given as a unit: the unit it joined.
    assert ids(searcher.search("", Filters(unit=["Bình Dương"]), limit=50)) == ["binh-duong", "hcm"]
    assert facet(res, "province_new")["Hồ Chí Minh"] == 2


@pytest.mark.parametrize("bad", [Filters(unit=["Atlantis"]), Filters(mentioned=["20x0"])])
def test_bad_values_of_the_new_filters_are_usage_errors(searcher, bad):
    with pytest.raises(BadQuery):
        searcher.search("", bad)


def _page(app, query_string: str) -> tuple[int, str]:
    status, html, _ = app.answer({"REQUEST_METHOD": "GET", "PATH_INFO": "/", "QUERY_STRING": query_string})
    return status, html


def test_pages_accept_every_spelling_and_report_bad_values(index):
    from ttdn_search.server import App

    app = App(index, hosts=None)
    for qs in ("f_province=hue", "f_province=Hu%E1%BA%BF", "province=Th%E1%BB%ABa+Thi%C3%AAn+Hu%E1%BA%BF"):
        status, html = _page(app, qs)
        assert status == 200 and '<span id="total">2</span>' in html.replace("\n", ""), qs
    for qs, word in (("f_province=Atlantis", "Atlantis"), ("f_year=20x0", "20x0"), ("unit=Atlantis", "Atlantis")):
        status, html = _page(app, qs)
        assert status == 400 and word in html and "không" in html.lower(), qs


def test_an_applied_value_is_shown_as_applied_not_offered_again(index):
    from ttdn_search.server import App

    status, html = _page(App(index, hosts=None), "province=hue")
    assert status == 200
    # The facet's own value links to the page without the filter, marked as the current one.
    assert 'aria-current="true"' in html
    assert "f_province=Th%E1%BB%ABa" not in html


def test_dates_that_do_not_exist_are_refused_and_a_reversed_span_is_the_same_span(searcher):
    with pytest.raises(BadQuery, match="không có thật"):
        searcher.search("", Filters(date_from="2024-02-31"))
    forward = searcher.search("", Filters(date_from="2019", date_to="2024-06"), limit=0).total
    assert forward == searcher.search("", Filters(date_from="2024-06", date_to="2019"), limit=0).total > 0
