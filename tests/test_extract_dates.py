"""Dates: publication date from bylines or the record, years referred to, event dates with inferred year."""

from types import SimpleNamespace

import pytest

from ttdn_search.extract.dates import (
    byline_date, event_date, parse_record_date, publication_date, record_date, years,
)
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


@pytest.mark.parametrize(
    "value,iso",
    [
        ("2025-11-08T13:15:46+07:00", "2025-11-08"),
        ("2021/04/30", "2021-04-30"),
        ("31/12/2024", "2024-12-31"),  # the usual Vietnamese form
        ("31-12-2024 10:05", "2024-12-31"),
        ("5.1.2024", "2024-01-05"),
        ("", None),
        (None, None),
    ],
)
def test_record_dates_in_every_usual_form(value, iso):
    assert parse_record_date(value) == (iso, None)


@pytest.mark.parametrize("value", ["2024-02-30", "31/13/2024", "hôm qua", "12/2024", 20240101, [2024]])
def test_unusable_record_dates_say_why(value):
    iso, problem = parse_record_date(value)
    assert iso is None and problem


@pytest.mark.parametrize(
    "body,anchor,iso",
    [
        ("Sáng ngày 21/01/2019, Ban Chỉ đạo tổ chức hội nghị", None, "2019-01-21"),
        ("Ngày 26/12/2019, tại Hội trường Tỉnh ủy, hội nghị triển khai", None, "2019-12-26"),
        ("(TTXVN) - Sáng nay (5/3), hội nghị khai mạc", "2024-03-05", "2024-03-05"),
        # A January article about a December event: the year before.
        ("Tối 28/12, lễ tổng kết diễn ra", "2024-01-05", "2023-12-28"),
        # No year anywhere: never guessed.
        ("Chiều 15/01, hội nghị", None, None),
        # The review of one year and the plan for the next are held at the turn of the year.
        ("Chiều 15/01, Ban Chỉ đạo tổng kết năm 2024, triển khai nhiệm vụ năm 2025", None, "2025-01-15"),
        ("Ngày 24-12, Ban Chỉ đạo tổng kết năm 2020 và triển khai nhiệm vụ năm 2021", None, "2020-12-24"),
        ("Sáng 15/1, hội nghị tổng kết năm 2018 diễn ra", None, "2019-01-15"),
        # Only a year stated for the date: not an edition's year, nor a birth year, nor history.
        ("Ngày 2/3, báo chí Nga nhắc lại sự kiện từ năm 1969", None, None),
        ("Tối 13/6, tuyển Việt Nam hòa Jordan ở vòng loại Asian Cup 2019", None, None),
        ("Ngày 16/6, bệnh viện tiếp nhận em Hùng, SN 2004", None, None),
        ("Chiều 12/7, hội nghị sơ kết 6 tháng đầu năm 2023", None, "2023-07-12"),
        ("Sáng 4-7, Chính phủ họp phiên thường kỳ tháng 6-2017", None, "2017-07-04"),
        # A time of day names the event's date anywhere in the lead; the record's date gives its year.
        ("Việt Nam đánh bại Jordan 2-0 ở lượt ra quân, tối 6/1.", "2026-01-06", "2026-01-06"),
        ("Bộ ảnh chụp trưa 28.10 ở TP.Huế được đăng lên mạng", "2025-10-28", "2025-10-28"),
        # A document's date is not the event's, nor is a byline.
        ("Triển khai Kế hoạch số 59-KH/BCĐTTĐN ngày 28/01/2019 về hoạt động", None, None),
        ("08/01/2024, 05:10\nTiếp tục đổi mới công tác", None, None),
        # Far into the text is not the lead.
        ("Hội nghị diễn ra. " + "Nội dung dài. " * 40 + "Ngày 5/6/2020 có đoàn khách.", None, None),
    ],
)
def test_event_date_from_the_lead(body, anchor, iso):
    assert event_date(body, anchor) == iso
