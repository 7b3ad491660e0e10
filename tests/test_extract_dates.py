"""Dates: publication date from bylines or the record, years referred to, event dates with inferred year."""

from types import SimpleNamespace

import pytest

from ttdn_search.extract.dates import byline_date, event_dates, publication_date, record_date, years
from ttdn_search.normalize import normalize


@pytest.mark.parametrize(
    "line,iso",
    [
        ("Đăng ngày: 27/12/2019 - Lượt xem: 76", "2019-12-27"),
        ("08/01/2024, 05:10", "2024-01-08"),
        ("08:07, 12/07/2018", "2018-07-12"),
        ("Thứ ba - 29/08/2023 10:47", "2023-08-29"),
        ("07/11/2018 | 09:38", "2018-11-07"),
        ("Thứ Năm, 11/1/2024 18:30'(GMT+7)", "2024-01-11"),
        ("11-10-2023, 18:32", "2023-10-11"),
        ("Đăng ngày 06/06/2019", "2019-06-06"),
        ("21:11 29/12/2024", "2024-12-29"),
        ("30/11/2024 09:27", "2024-11-30"),
        ("12/08/2017 - 10:19", "2017-08-12"),
        ("Thứ Năm, 15/10/2020, 16:21 (GMT+7)", "2020-10-15"),
        ("Cập nhật lúc: 18:00 |22/05/2022", "2022-05-22"),
        ("10/10/2017 21:21'", "2017-10-10"),
    ],
)
def test_byline(line, iso):
    assert byline_date([line]) == iso


@pytest.mark.parametrize(
    "line",
    [
        "Sáng 24/11, Ban Chỉ đạo tổ chức hội nghị",
        "Thứ Bảy, 22/9/2018",  # the page header's "today", not a byline
        "KỶ NIỆM 80 NĂM NGÀY THÀNH LẬP QUÂN ĐỘI NHÂN DÂN VIỆT NAM (22/12/1944 - 22/12/2024)",
        "Ngày 26/12/2019, tại Hội trường Nhà làm việc các ban xây dựng đảng Tỉnh ủy, Ban Chỉ đạo tổ chức",
        "32/13/2020 10:00",
    ],
)
def test_not_byline(line):
    assert byline_date([line]) is None


def test_publication_date_priority():
    a = SimpleNamespace(text="Sáng 24/11, hội nghị...", date="2023-11-25", meta_lines=["Đăng ngày: 24/11/2023 - Lượt xem: 5"])
    assert publication_date(a) == "2023-11-24"
    b = SimpleNamespace(text="Tiêu đề\n08/01/2024, 05:10\nNội dung", date=None, meta_lines=[])
    assert publication_date(b) == "2024-01-08"
    c = SimpleNamespace(text="Sáng 24/11, hội nghị...", date="2025-11-08T13:15:46.539709+07:00", meta_lines=[])
    assert publication_date(c) == "2025-11-08"
    d = SimpleNamespace(text="Sáng 24/11, hội nghị...", date=None, meta_lines=[])
    assert publication_date(d) is None


def test_record_date():
    assert record_date("2026-03-24T04:02:00+07:00") == "2026-03-24"
    assert record_date("2021-04-30") == "2021-04-30"
    assert record_date(None) is None


@pytest.mark.parametrize(
    "text,expected",
    [
        ("năm 2020", [2020]),
        ("nhiệm kỳ 2020 - 2025", [2020, 2025]),
        ("giai đoạn 2011-2020", [2011, 2020]),
        ("ngày 15/6/2023", [2023]),
        ("đến năm 2030, tầm nhìn đến năm 2045", [2030, 2045]),
        ("quý I / 2021", [2021]),
        ("sinh năm 1960", [1960]),
        ("SN 1964", [1964]),
        ("Luật bảo vệ môi trường 2014", [2014]),
        ("2.000 người", []),
        ("1000 tỷ đồng", []),
        ("2000 ha đất", []),
        ("lúc 20:15", []),
        ("khoá XII, Đại hội XIII", []),
        ("Covid-19", []),
        ("hơn 1.500 đại biểu", []),
        ("tổng đài 1900 1234", []),
        ("Quyết định 1987/QĐ-TTg", []),
    ],
)
def test_years(text, expected):
    t = normalize(text)
    from ttdn_search.extract.directives import _matches

    assert years(t, exclude=[(s, e) for s, e, _ in _matches(t)]) == expected


def test_years_from_normative_id_via_tag():
    from ttdn_search.extract import tag

    a = SimpleNamespace(id="x", title="", text="Nghị định 72/2015/NĐ-CP", date=None, meta_lines=[])
    assert tag(a).years == [2015]


def test_event_dates():
    assert event_dates("Sáng 24/11, hội nghị khai mạc", "2023-11-25") == ["2023-11-24"]
    # a January article about a December event: the year before
    assert event_dates("Tối 28/12, lễ tổng kết", "2024-01-05") == ["2023-12-28"]
    assert event_dates("ngày 15/6/2023", None) == ["2023-06-15"]
    assert event_dates("Sáng 24/11", None) == []


@pytest.mark.parametrize(
    "text,expected",
    [
        ("ngày 12.1.2018", [2018]),
        ("Tháng 9.2016, phiến quân", [2016]),
        ("từ khoảng 2015 đến nay", [2015]),
        ("Vietnam Idol Kids 2017 - Thần tượng", [2017]),
        ("giá 1.250.000 đồng", []),
    ],
)
def test_years_more(text, expected):
    assert years(normalize(text)) == expected
