import gzip
import json
from pathlib import Path

import pytest

from tests._shared import SEEDS, needs_shared
from ttdn_search.ingest import Article, Skipped, iter_articles
from ttdn_search.pagetext import clean_page

BOILERPLATE = [
    "Skip Ribbon Commands", "Skip to main content", "Theo dõi trên", "Banner Tỉnh ủy Nghệ An", "Home-latest-1",
    ".jpg", "POWERED BY ONECMS", "Bình luận", "Lượt xem", "Tin liên quan", "Bài liên quan", "Tin cùng chuyên mục",
    "Nổi bật", "Đừng bỏ lỡ",
]
SEED_TITLES = {
    "000_10203c5e9adb36f3": "Tổng kết công tác thông tin đối ngoại năm 2020 và triển khai nhiệm vụ năm 2021",
    "001_4ce81a3c9783a8e3": "Hội nghị tổng kết công tác thông tin đối ngoại năm 2018",
    "002_9c29e0d5c3706d39": "Đổi mới, nâng cao chất lượng, hiệu quả công tác thông tin đối ngoại",
    "003_a57d34146efc6618": "Hưng Yên: Triển khai nhiệm vụ công tác thông tin đối ngoại năm 2020",
    "004_e9ad9e5a389cc6b2": "Hội nghị tổng kết công tác Thông tin đối ngoại năm 2024, triển khai nhiệm vụ năm 2025",
}


def _articles(paths):
    items = list(iter_articles(paths))
    return [a for a in items if isinstance(a, Article)], [s for s in items if isinstance(s, Skipped)]


@needs_shared
def test_seed_titles_are_headlines_and_boilerplate_is_gone():
    arts, skipped = _articles([SEEDS])
    assert not skipped
    assert {a.id.split("/")[-1]: a.title for a in arts} == SEED_TITLES
    for a in arts:
        for junk in BOILERPLATE:
            assert junk not in a.title
            assert junk not in a.text, (a.id, junk)
        assert len(a.text) > 1500


@needs_shared
def test_seed_bylines_kept_for_taggers():
    arts, _ = _articles([SEEDS / "003_a57d34146efc6618.txt"])
    assert any("27/12/2019" in line for line in arts[0].meta_lines)


def test_unseen_site_shapes():
    page = "\n".join([
        "Đăng nhập | Đăng ký",
        "Menu",
        "TRANG THÔNG TIN ĐIỆN TỬ BAN TUYÊN GIÁO TỈNH ỦY",
        "Quảng Bình tổng kết công tác thông tin đối ngoại năm 2022",
        "Cập nhật lúc 10:20, 05/01/2023",
        "anh-hoi-nghi-01.png",
        "Ngày 4/1/2023, Ban Chỉ đạo công tác thông tin đối ngoại tỉnh Quảng Bình tổ chức hội nghị tổng kết, đánh giá kết quả năm 2022 và triển khai nhiệm vụ năm 2023.",
        "Các đại biểu thống nhất nhiều giải pháp nâng cao hiệu quả quảng bá hình ảnh tỉnh với bạn bè quốc tế trong năm mới.",
        "Share Facebook Twitter",
        "Lượt đọc: 1.024",
        "Xem thêm",
        "Quảng Bình đón đoàn nhà báo nước ngoài",
        "Hội nghị báo cáo viên tháng 12",
    ])
    cp = clean_page(page)
    assert cp.title == "Quảng Bình tổng kết công tác thông tin đối ngoại năm 2022"
    body = "\n".join(cp.body)
    assert body.startswith("Ngày 4/1/2023")
    for junk in ("png", "Share", "Lượt đọc", "Xem thêm", "đoàn nhà báo nước ngoài", "báo cáo viên", "Đăng nhập"):
        assert junk not in body


def test_caption_label_is_not_a_related_list():
    page = "\n".join([
        "Hội nghị thông tin đối ngoại khu vực miền Trung năm 2023",
        "Sáng nay, hội nghị thông tin đối ngoại khu vực miền Trung được tổ chức tại Đà Nẵng với sự tham dự của nhiều đại biểu.",
        "Toàn cảnh hội nghị",
        "Phát biểu khai mạc, lãnh đạo Ban Tuyên giáo Trung ương nhấn mạnh vai trò của thông tin đối ngoại trong tình hình mới.",
        "Các đại biểu đã thảo luận về giải pháp đổi mới nội dung và phương thức thông tin đối ngoại trên môi trường số.",
    ])
    cp = clean_page(page)
    assert "Các đại biểu đã thảo luận" in "\n".join(cp.body)


def test_html_reader_drops_scripts_nav_and_link_lists(tmp_path):
    samples = Path(__file__).resolve().parents[1] / "ttdn_search" / "samples"
    arts, skipped = _articles([samples / "trang-quang-ninh.html"])
    assert not skipped
    a = arts[0]
    assert a.title == "Quảng Ninh phát huy thông tin đối ngoại vùng biên"
    assert a.date == "2023-05-22"
    for junk in ("tracker", "color:red", "Trang chủ", "Quảng Ninh đón khách quốc tế", "bình luận ẩn", "Bản quyền"):
        assert junk not in a.text
    assert "180-KH/TU" in a.text


def test_jsonl_bad_lines_reported_rest_read(tmp_path):
    p = tmp_path / "a.jsonl.gz"
    lines = [
        json.dumps({"id": "x1", "title": "Bài một", "text": "Nội dung bài một về thông tin đối ngoại.", "date": "2024-01-02"}),
        "{hỏng",
        json.dumps({"id": "x2", "title": "Thiếu nội dung"}),
        json.dumps({"id": "x3", "text": 42}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"text": "Bài không có id và không có tiêu đề nhưng có nội dung."}),
    ]
    with gzip.open(p, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    arts, skipped = _articles([p])
    assert [a.id for a in arts] == ["x1", f"{tmp_path.name}/a.jsonl:6"]
    assert arts[0].date == "2024-01-02" and arts[0].title == "Bài một"
    assert sorted(s.line for s in skipped) == [2, 3, 4, 5]
    assert all(str(p) in str(s) for s in skipped)


def test_bad_files_are_skipped_with_path(tmp_path):
    (tmp_path / "rong.txt").write_bytes(b"")
    (tmp_path / "nhi-phan.txt").write_bytes(b"\x00\x01\x02binary\x00")
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 \xff\xfe garbage".encode("latin-1"))
    (tmp_path / "tot.txt").write_text("Tiêu đề bài viết mẫu về đối ngoại\n\nĐây là nội dung đầy đủ của bài viết mẫu, đủ dài để là một đoạn văn của bài báo về công tác thông tin đối ngoại.", "utf-8")
    (tmp_path / "utf16.txt").write_bytes("Tiêu đề bài UTF-16 về thông tin đối ngoại\n\nNội dung bài viết được lưu bằng UTF-16 có BOM, vẫn phải đọc được như thường.".encode("utf-16"))
    arts, skipped = _articles([tmp_path])
    assert sorted(a.id.split("/")[-1] for a in arts) == ["tot", "utf16"]
    reasons = {Path(s.path).name: s.reason for s in skipped}
    assert set(reasons) == {"rong.txt", "nhi-phan.txt", "latin1.txt"}


def test_missing_path_reported(tmp_path):
    _, skipped = _articles([tmp_path / "khong-co"])
    assert skipped and "không tồn tại" in skipped[0].reason


def test_records_without_an_id_are_named_by_file_and_line(tmp_path):
    for name in ("mixed.jsonl", "packed.jsonl.gz"):
        p = tmp_path / name
        line = json.dumps({"text": "Nội dung một bài không có id về thông tin đối ngoại."}) + "\n"
        if name.endswith(".gz"):
            with gzip.open(p, "wt", encoding="utf-8") as fh:
                fh.write("\n" + line)
        else:
            p.write_text("\n" + line, "utf-8")
    arts, _ = _articles([tmp_path])
    assert sorted(a.id for a in arts) == [f"{tmp_path.name}/mixed.jsonl:2", f"{tmp_path.name}/packed.jsonl:2"]


def test_numbered_lines_reads_as_readline_does_whatever_the_chunk(monkeypatch):
    """The JSONL reader takes a megabyte at a time; it must hand out exactly the lines, numbers and
    too-long markers that reading line by line gives, wherever the chunks cut."""
    import io
    import random

    from ttdn_search import lines as L

    def by_readline(data: bytes, limit: int):
        fh, out, n = io.BytesIO(data), [], 0
        while raw := fh.readline(limit + 1):
            n += 1
            if len(raw) > limit and not raw.endswith(b"\n"):
                while raw and not raw.endswith(b"\n"):
                    raw = fh.readline(7)
                out.append((n, None))
            elif raw.strip():
                out.append((n, raw))
        return out

    rng = random.Random(7)
    for _ in range(2000):
        parts = [rng.choice([b"", b" ", b"\r", b'{"a": 1}', b"x" * rng.randrange(1, 60)]) for _ in range(rng.randrange(20))]
        data = b"\n".join(parts) + rng.choice([b"", b"\n"])
        monkeypatch.setattr(L, "_CHUNK", rng.choice([1, 3, 8, 64, 1 << 20]))
        assert list(L.numbered_lines(io.BytesIO(data), 20)) == by_readline(data, 20), data


def test_a_rerun_skips_unchanged_records_fast_however_the_file_is_spelled(tmp_path, monkeypatch):
    """The fast skip (no page cleaning) worked only for the spelling of the first run: the same file
    given by its absolute path re-read every record (49-62 s against 1.8 s on news-20k)."""
    import json

    from ttdn_search import ingest
    from ttdn_search.indexer import build_index

    (tmp_path / "c").mkdir()
    src = tmp_path / "c" / "in.jsonl"
    src.write_text("".join(json.dumps({"text": f"Bài {i} về thông tin đối ngoại và hợp tác."}, ensure_ascii=False) + "\n"
                           for i in range(20)), "utf-8")
    monkeypatch.chdir(tmp_path)
    build_index(["c/in.jsonl"], tmp_path / "ix", jobs=1)
    cleaned = []
    real = ingest.clean_page
    monkeypatch.setattr(ingest, "clean_page", lambda *a, **kw: cleaned.append(1) or real(*a, **kw))
    for spelling in (str(src), "./c/in.jsonl", "c/../c/in.jsonl", str(tmp_path / "c" / "." / "in.jsonl")):
        report = build_index([spelling], tmp_path / "ix", jobs=1)
        assert report.unchanged == 20 and report.added == 0, spelling
        assert not cleaned, f"{spelling}: records re-read"
    assert build_index(["c"], tmp_path / "ix", jobs=1).unchanged == 20 and not cleaned  # its folder: same ids
