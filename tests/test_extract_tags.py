"""tag(): the Tags record an article gets, and its JSON form."""

from types import SimpleNamespace

from ttdn_search.extract import Directive, Tags, tag
from ttdn_search.extract.kinds import find_kinds, vocabulary


def _article(title, text, date=None, meta=()):
    return SimpleNamespace(id="a1", title=title, text=text, date=date, meta_lines=list(meta))


def test_tag_json_shape():
    a = _article(
        "Bình Thuận: Triển khai Kết luận 57-KL/TW",
        "Ngày 5/1/2024, Ban Thường vụ Tỉnh ủy Bình Thuận triển khai Kết luận số 57-KL/TW ngày 15/6/2023 "
        "của Bộ Chính trị và Chỉ thị 26.",
    )
    out = tag(a).to_json()
    assert set(out) == {"date", "date_source", "event_date", "province", "provinces", "provinces_new", "years", "directives",
                        "directive_details", "short_refs", "kind"}
    assert out["directives"] == ["57-KL/TW"]
    assert out["directive_details"][0] == {"id": "57-KL/TW", "type": "Kết luận", "issuer": "Bộ Chính trị (khóa XIII)", "date": "2023-06-15"}
    assert out["province"] == "Bình Thuận"
    assert out["provinces"] == ["Bình Thuận"]
    assert out["provinces_new"] == ["Lâm Đồng"]  # a filter on the new Lâm Đồng finds it
    assert out["years"] == [2023, 2024]
    assert out["short_refs"] == ["Chỉ thị 26"]
    assert out["date"] is None


def test_tag_uses_meta_lines_and_record_date():
    a = _article("Hội nghị", "Chiều 15/01, Tỉnh ủy tổ chức hội nghị.", date="2025-01-16T08:00:00+07:00",
                 meta=["Banner Tỉnh ủy Nghệ An (Home-latest-1)"])
    t = tag(a)
    assert t.date == "2025-01-16"
    assert t.province == "Nghệ An"
    b = _article("Hội nghị", "Chiều 15/01, Tỉnh ủy tổ chức hội nghị.", date="2025-01-20",
                 meta=["Đăng ngày: 16/01/2025 - Lượt xem: 76"])
    assert tag(b).date == "2025-01-16"


def test_title_repeated_in_text_is_tagged_once():
    a = _article("Hưng Yên: Triển khai nhiệm vụ", "Hưng Yên: Triển khai nhiệm vụ\nNội dung.")
    assert tag(a).provinces == ["Hưng Yên"]


def test_empty_article():
    t = tag(_article("", ""))
    assert t == Tags()
    assert t.to_json()["directives"] == []


def test_directive_dataclass():
    d = Directive("57-KL/TW", "Kết luận", "Trung ương", "2023-06-15")
    assert d.to_json()["issuer"] == "Trung ương"


def test_kinds():
    assert "Hội nghị tổng kết" in vocabulary()
    assert find_kinds("Hội nghị tổng kết công tác thông tin đối ngoại năm 2018") == ["Hội nghị tổng kết"]
    assert "Triển khai nhiệm vụ" in find_kinds("Hưng Yên: Triển khai nhiệm vụ công tác thông tin đối ngoại năm 2020")
    assert "Kế hoạch" in find_kinds("Ban hành Kế hoạch thông tin đối ngoại năm 2024")
    assert find_kinds("Một bài viết", "Sáng nay, tỉnh tổ chức tập huấn nghiệp vụ.") == ["Tập huấn, bồi dưỡng"]
    assert find_kinds("Cầu vượt biển dài nhất Việt Nam") == []
