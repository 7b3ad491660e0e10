"""The everyday edges of the commands (issue #17): quiet runs, nothing to index, unwritable paths, batch
errors, help texts. Each test fails without its fix."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ttdn_search.cli import main

SAMPLES = Path(__file__).resolve().parents[1] / "ttdn_search" / "samples"


def run(*args, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input)


def test_quiet_hides_progress_only_never_the_skips_and_the_summary(tmp_path):
    bad = tmp_path / "in"
    bad.mkdir()
    (bad / "hong.html").write_bytes(b"\x00\xff\x00 binary")
    (bad / "bai.txt").write_text("Tin về thông tin đối ngoại\n\nNội dung một bài viết ngắn về hợp tác.", "utf-8")
    r = run("index", bad, "--index", tmp_path / "ix", "-q")
    assert r.exit_code == 1
    assert "Bỏ qua:" in r.stderr and "hong.html" in r.stderr
    assert r.stdout.startswith("Xong: thêm 1,")


@pytest.mark.parametrize("make", [lambda p: p / "does-not-exist", lambda p: (p / "rong").mkdir() or p / "rong"])
def test_nothing_to_index_creates_nothing_and_exits_1(tmp_path, make):
    src = make(tmp_path)
    r = run("index", src, "--index", tmp_path / "ix")
    assert r.exit_code == 1 and "Không tìm thấy bài nào" in r.stderr and "chưa tạo chỉ mục" in r.stderr
    assert not (tmp_path / "ix").exists()
    assert "Traceback" not in r.output


def test_rebuild_from_nothing_keeps_the_index(tmp_path):
    assert run("index", SAMPLES, "--index", tmp_path / "ix", "-q").exit_code == 0
    (tmp_path / "rong").mkdir()
    r = run("index", tmp_path / "rong", "--index", tmp_path / "ix", "--rebuild")
    assert r.exit_code == 1 and "giữ nguyên" in r.stderr
    out = json.loads(run("stats", "--index", tmp_path / "ix", "--json").stdout)
    assert out["articles"] == 14


def test_unwritable_and_impossible_paths_are_one_line_errors(tmp_path, samples_index):
    afile = tmp_path / "afile"
    afile.write_text("x")
    for args in (["html", "x", "--index", samples_index, "-o", afile / "sub"],
                 ["index", SAMPLES, "--index", afile / "ix"],
                 ["html", "x", "--index", samples_index, "-o", "/proc/ttdn-forbidden"]):
        r = run(*args)
        assert r.exit_code == 1, (args, r.output)
        assert r.stderr.startswith("Lỗi: ") and len(r.stderr.strip().splitlines()) == 1, r.stderr
        assert "Traceback" not in r.output


def test_batch_exits_1_and_names_the_lines_that_failed(samples_index):
    lines = "thông tin đối ngoại\n{hỏng\n" + json.dumps({"query": "x", "year": "20x0"}) + "\n"
    r = run("search", "--queries", "-", "--index", samples_index, input=lines)
    assert r.exit_code == 1
    assert len([ln for ln in r.stdout.splitlines() if ln.startswith("{")]) == 3
    assert "2 truy vấn lỗi (dòng 2, 3)" in r.stderr


def test_batch_refuses_a_query_argument_too(samples_index):
    r = run("search", "thông tin", "--queries", "-", "--index", samples_index, input="biên giới\n")
    assert r.exit_code == 2 and "--queries" in r.stderr


@pytest.mark.parametrize("command, option", [("directive", "--offset"), ("directive", "--limit"),
                                             ("html", "--limit"), ("html", "--sort"), ("facets", "--json"),
                                             ("stats", "--json"), ("show", "--json")])
def test_every_option_has_help(command, option):
    out = run(command, "--help").stdout
    options = out.split("Tùy chọn:", 1)[1]
    line = next(ln for ln in options.splitlines() if ln.strip().startswith(("-", "--")) and option in ln)
    assert len(line.split(option, 1)[1].strip()) > 3, line


def test_record_dates_vietnamese_form_read_and_impossible_ones_reported_not_dropped(tmp_path):
    src = tmp_path / "ngay.jsonl"
    body = "Ban Chỉ đạo công tác thông tin đối ngoại tỉnh tổ chức hội nghị tổng kết năm {}."
    recs = [
        {"id": "vn", "title": "Hội nghị một", "date": "31/12/2024", "text": body.format(2024)},
        {"id": "bad", "title": "Hội nghị hai", "date": "2024-02-30", "text": body.format(2023)},
    ]
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in recs) + "\n", "utf-8")
    r = run("index", src, "--index", tmp_path / "ix", "-q")
    assert r.exit_code == 0, r.output  # a record kept without its date is not a failure
    assert f"Lưu ý: {src}:2: ngày '2024-02-30' không có thật" in r.stderr
    assert r.stdout.startswith("Xong: thêm 2,")
    out = json.loads(run("search", "", "--index", tmp_path / "ix", "--json", "--sort", "date").stdout)
    dates = {h["id"]: (h["date"], h["date_source"]) for h in out["hits"]}
    assert dates == {"vn": ("2024-12-31", "record"), "bad": (None, None)}
    assert json.loads(run("search", "", "--index", tmp_path / "ix", "--json", "--from", "2024-12-31").stdout)["total"] == 1


def test_exit_codes_tell_skipped_records_from_failures(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    good = json.dumps({"id": "a", "text": "Nội dung bài a về thông tin đối ngoại."}, ensure_ascii=False)
    other = json.dumps({"id": "a", "text": "Một bài khác dùng lại id a."}, ensure_ascii=False)
    (src / "tin.jsonl").write_text(f"{good}\n{{hỏng\n{other}\n", "utf-8")
    r = run("index", src, "--index", tmp_path / "ix", "-q")
    assert r.exit_code == 3, r.output  # indexed; some records skipped: its own code
    assert r.stdout.startswith("Xong: thêm 1,")
    # One line at a glance: how many, why, where.
    summary = r.stderr.strip().splitlines()[-1]
    assert summary.startswith("Đã bỏ qua 2 mục: ") and "tin.jsonl:2" in summary and "tin.jsonl:3" in summary
    assert "JSON hỏng: tên trường phải nằm trong dấu nháy kép (cột 2)" in r.stderr  # not json's English
    # A file that cannot be read at all is a failure, whatever else was indexed.
    (src / "hong.html").write_bytes(b"\x00\xff\x00 binary")
    assert run("index", src, "--index", tmp_path / "ix", "-q").exit_code == 1
    assert run("index", SAMPLES, "--index", tmp_path / "ix2", "-q").exit_code == 0


def test_a_batch_line_nested_too_deep_is_one_failed_line(tmp_path):
    batch = tmp_path / "q.jsonl"
    batch.write_text('{"q": ' + "[" * 3000 + "]" * 3000 + '}\n{"query": "thông tin"}\n', "utf-8")
    ix = tmp_path / "ix"
    assert run("index", SAMPLES, "--index", ix, "-q").exit_code == 0
    r = run("search", "--queries", batch, "--index", ix, "--nl")
    assert r.exit_code == 1 and "dòng 1" in r.stderr and "Traceback" not in r.output
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert lines[0]["error"].endswith("JSON lồng quá sâu") and lines[1]["total"] > 0


def test_text_arguments_that_are_not_utf8_are_a_usage_error(samples_index, tmp_path):
    """A terminal set to another encoding: `show` of such an id was "index damaged", a search looked
    for U+FFFD. Paths may be any bytes; queries, ids and filter values are text."""
    import os
    import subprocess
    import sys

    bad = os.fsdecode(b"th\xf4ng")
    for args in (["show", bad], ["search", bad], ["search", "x", "-p", bad], ["html", bad, "-o", str(tmp_path / "o")],
                 ["directive", bad]):
        r = subprocess.run([sys.executable, "-m", "ttdn_search", *args, "--index", str(samples_index)],
                           capture_output=True, text=True, errors="replace")
        assert r.returncode == 2, (args, r.stderr)
        assert r.stderr.startswith("Lỗi: Tham số") and "không phải UTF-8" in r.stderr and "Traceback" not in r.stderr


def test_a_read_only_index_is_searched_and_a_run_into_it_says_why(samples_index, tmp_path):
    import os
    import subprocess

    ro = tmp_path / "ro"
    ro.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "--bind", str(samples_index), str(ro)], capture_output=True).returncode:
        pytest.skip("cannot bind-mount a read-only copy here (needs root and mount permission)")
    try:
        assert subprocess.run(["mount", "-o", "remount,ro,bind", str(ro)], capture_output=True).returncode == 0
        r = CliRunner().invoke(main, ["search", "thông tin", "--index", str(ro)])
        assert r.exit_code == 0 and "kết quả" in r.stdout
        r = CliRunner().invoke(main, ["index", str(SAMPLES), "--index", str(ro), "-q"])
        assert r.exit_code == 1 and "hệ thống tệp chỉ đọc" in r.stderr and len(r.stderr.splitlines()) == 1, r.output
        r = CliRunner().invoke(main, ["html", "x", "--index", str(samples_index), "--output", str(ro / "out")])
        assert r.exit_code == 1 and "hệ thống tệp chỉ đọc" in r.stderr, r.output
    finally:
        subprocess.run(["umount", str(ro)], capture_output=True)
