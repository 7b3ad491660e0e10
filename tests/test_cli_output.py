"""What each command prints for a person (not JSON): the lines users read, on the bundled samples."""

import re
from pathlib import Path

from click.testing import CliRunner

from ttdn_search.cli import main

SAMPLES = Path(__file__).resolve().parents[1] / "ttdn_search" / "samples"


def run(*args):
    r = CliRunner().invoke(main, [str(a) for a in args])
    return r.exit_code, r.stdout.splitlines(), r.stderr


def test_search_prints_count_hits_ids_snippets_and_facets(samples_index):
    code, lines, err = run("search", "thông tin đối ngoại", "-n", "2", "--index", samples_index)
    assert code == 0 and not err
    assert re.fullmatch(r"14 kết quả cho «thông tin đối ngoại» \(\d+\.\d ms\)", lines[0])
    assert lines[1].startswith("1. ") and lines[4].startswith("2. ")
    assert lines[1].endswith("]") and " · " in lines[1]  # [date · province · directives]
    assert re.fullmatch(r"   mau-\d\d", lines[2]) and re.fullmatch(r"   mau-\d\d", lines[5])
    assert "thông tin đối ngoại" in lines[3]  # the snippet, highlight marks undone
    assert "<mark>" not in "\n".join(lines)
    # Each group names the option its values are typed back with.
    assert lines[-2].startswith("— Tỉnh (-p): ") and "| Năm (-y): " in lines[-2] and "| Văn bản (-d): " in lines[-2]
    assert lines[-1].startswith("— Theo tháng ")  # the set's timeline
    assert len(lines) == 9


def test_search_without_accents_suggests_them(samples_index):
    code, lines, _ = run("search", "thong tin doi ngoai", "-n", "1", "--index", samples_index)
    assert code == 0
    assert lines[1] == "Có phải bạn muốn tìm: thông tin đối ngoại"


def test_empty_search_prints_the_count_alone(samples_index):
    code, lines, _ = run("search", "zzqqx", "--index", samples_index)
    assert code == 0 and len(lines) == 1 and lines[0].startswith("0 kết quả cho «zzqqx»")


def test_directive_prints_the_document_counts_and_articles(samples_index):
    code, lines, _ = run("directive", "ket luan 57", "--index", samples_index)
    assert code == 0
    assert lines[0].startswith("57-KL/TW  Kết luận · ")
    assert lines[1] == "2 bài dẫn văn bản này."
    assert lines[2] == "Theo tỉnh: Lâm Đồng (1), Nghệ An (1)"
    assert lines[3] == "Theo đơn vị sau 1/7/2025: Lâm Đồng (1), Nghệ An (1)"
    assert lines[4].startswith("Theo năm: ") and lines[5].startswith("Theo tháng 2023-09…2025-08: ")
    assert lines[6] == "Thường được dẫn cùng: 112-QĐ/TU (1)"
    assert lines[7].startswith("Bài đầu tiên: 2023-09-12 · ") and lines[7].endswith("(mau-02)")
    assert lines[8].startswith("Bài mới nhất: 2025-08-05 · ") and lines[8].endswith("(mau-12)")
    assert lines[9].startswith("1. ") and lines[9].endswith("(mau-12)")  # newest first
    assert lines[10].startswith("2. ") and lines[10].endswith("(mau-02)")


def test_facets_stats_and_show_print_labels_and_values(samples_index):
    code, lines, _ = run("facets", "--index", samples_index)
    assert code == 0 and lines[0] == "Tỉnh/thành (14)" and '  Nghệ An: 1  [province:"Nghệ An"]' in lines
    code, lines, _ = run("stats", "--index", samples_index)
    assert code == 0 and "Số bài: 14" in lines and lines[0] == f"Chỉ mục: {samples_index}"
    code, lines, _ = run("show", "mau-05", "--index", samples_index)
    assert code == 0
    assert lines[0] == "Hưng Yên triển khai nhiệm vụ thông tin đối ngoại năm 2020"
    assert "id: mau-05" in lines and "province: Hưng Yên" in lines and 'directives: ["59-KH/BCĐTTĐN"]' in lines
    assert sum(line.startswith("date: ") for line in lines) == 1  # printed once, not again from the tags


def test_index_prints_its_summary(tmp_path):
    code, lines, _ = run("index", SAMPLES, "--index", tmp_path / "ix")
    assert code == 0
    assert re.fullmatch(r"Xong: thêm 14, cập nhật 0, không đổi 0, trùng lặp 0, bỏ qua 0; chỉ mục '.*ix' có 14 bài "
                        r"\(\d+\.\d s\)\.", lines[-1])


def test_nothing_from_an_article_or_a_file_name_can_drive_the_terminal(tmp_path):
    """OSC/CSI escapes in titles set the window title, cleared the screen and planted hyperlinks in
    `ttdn search` and `show` (piped output kept OSC). Text is cleaned at ingest; what a file name still
    carries is printed escaped; JSON escapes the C1 controls too."""
    import json

    rec = {"id": "esc1", "title": "T\x1b]0;PWNED\x07 tin \x1b[2J đối ngoại \x9b31m",
           "text": "Nội dung \x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\ thông tin đối ngoại \x00 x \x9d0;t\x9c."}
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "esc.jsonl").write_text(json.dumps(rec) + "\n", "utf-8")
    name = tmp_path / "in" / "a\x1b]0;PWN\x07.txt"
    name.write_text("Tiêu đề về đối ngoại\n\nNội dung thông tin đối ngoại dài đủ để lập chỉ mục.\n", "utf-8")
    ix = str(tmp_path / "ix")
    runner = CliRunner()
    assert runner.invoke(main, ["index", str(tmp_path / "in"), "--index", ix, "-q"]).exit_code == 0
    outs = [runner.invoke(main, args) for args in (
        ["search", "đối ngoại", "--index", ix], ["show", "esc1", "--index", ix], ["search", "đối ngoại", "--index", ix, "--json"],
        ["search", "đối ngoại", "--index", ix, "--nl"], ["show", "esc1", "--index", ix, "--json"], ["facets", "--index", ix])]
    for r in outs:
        assert r.exit_code == 0, r.output
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", r.output), repr(r.output)
        assert "PWNED" not in r.output and "http://evil" not in r.output
    assert "\\x1b]0;PWN\\x07" in outs[0].output  # the file-named article's id, shown escaped
