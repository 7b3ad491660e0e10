"""The progress line of `ttdn index`: a real total, rate and time left, few redraws, lines of their own."""

import gzip
import io
import json

from ttdn_search.progress import REDRAWS_PER_SECOND, Progress, count_records


class Clock:
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t


def test_total_counts_jsonl_records_and_page_files_cheaply(tmp_path):
    (tmp_path / "a.jsonl").write_text("\n".join(json.dumps({"text": f"bài {i}"}) for i in range(5)), "utf-8")
    with gzip.open(tmp_path / "b.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write("".join(json.dumps({"text": f"bài {i}"}) + "\n" for i in range(7)))
    (tmp_path / "c.txt").write_text("Tiêu đề\n\nNội dung.", "utf-8")
    assert count_records([tmp_path, tmp_path / "missing.jsonl"]) == 5 + 7 + 1


def test_redraws_a_few_times_a_second_with_rate_and_time_left():
    out, clock = io.StringIO(), Clock()
    bar = Progress(out, 1000, clock=clock)
    for _ in range(100):  # 100 articles in 0.1 s: one redraw at most
        clock.t += 0.001
        bar.advance()
    assert out.getvalue().count("\r") <= 1
    for _ in range(400):  # 400 more over 4 s
        clock.t += 0.01
        bar.advance()
    assert out.getvalue().count("\r") <= 2 + 4 * REDRAWS_PER_SECOND
    line = bar.line()
    assert line.startswith("Đang lập chỉ mục: 500/1.000 (50%)") and "bài/s" in line and "còn khoảng" in line
    bar.close()
    assert out.getvalue().endswith("\r")  # the line is wiped: the summary starts on a clean line


def test_lines_said_in_between_stand_on_their_own():
    out, clock = io.StringIO(), Clock()
    bar = Progress(out, 10, clock=clock)
    bar.advance()
    bar.say("Bỏ qua: a.jsonl:2: JSON hỏng")
    text = out.getvalue()
    # The progress line is cleared before the message and drawn again after it, never glued to it.
    assert "\rBỏ qua: a.jsonl:2: JSON hỏng\n" in text.replace(" " * len(bar.line()), "")
    assert text.rstrip().endswith(bar.line())


def test_a_short_count_never_shows_more_done_than_total():
    bar = Progress(io.StringIO(), 2, clock=Clock())
    bar.advance(5)
    assert "5/5" in bar.line()


def test_the_cli_draws_it_on_a_terminal_only(tmp_path):
    import os
    import pty
    import subprocess
    import sys

    src = tmp_path / "tin.jsonl"
    src.write_text("".join(json.dumps({"id": f"b{i}", "text": f"Bài số {i} về thông tin đối ngoại tỉnh."},
                                      ensure_ascii=False) + "\n" for i in range(300)), "utf-8")
    cmd = [sys.executable, "-m", "ttdn_search", "index", str(src), "--index", str(tmp_path / "ix"), "-j", "1"]
    primary, secondary = pty.openpty()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=secondary)
    os.close(secondary)
    chunks = []
    while True:
        try:
            data = os.read(primary, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    out, _ = proc.communicate(timeout=120)
    os.close(primary)
    tty = b"".join(chunks).decode("utf-8", "replace")
    assert proc.returncode == 0 and out.decode().startswith("Xong: thêm 300,")
    assert "Đang lập chỉ mục:" in tty and "/300" in tty
    assert tty.count("\r") < 60, "redrawn a few times a second, not per article"
    # Not a terminal: no progress line at all.
    piped = subprocess.run(cmd + ["--rebuild"], capture_output=True, text=True, timeout=120)
    assert piped.returncode == 0 and "Đang lập chỉ mục" not in piped.stderr and "\r" not in piped.stderr


def test_counting_never_opens_a_fifo_or_a_device(tmp_path):
    import os

    os.mkfifo(tmp_path / "ong.jsonl")
    os.symlink("/dev/zero", tmp_path / "khong.jsonl")
    (tmp_path / "a.jsonl").write_text('{"text": "x"}\n', "utf-8")
    assert count_records([tmp_path]) == 1
