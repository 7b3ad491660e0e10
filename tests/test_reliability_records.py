"""No single record may ever fail a batch (issue #16): a record too odd to index whole is bounded or
skipped with its file and line, and every other record of its batch is indexed."""

import json

from ttdn_search.indexer import build_index
from ttdn_search.search import Searcher


def test_a_huge_glued_word_loses_nothing(tmp_path):
    glued = "thongtindoingoai" * 4200  # 67,200 letters, no space: text pasted from a PDF
    recs = [{"id": f"tot-{i}", "text": f"Bài số {i}: hội nghị thông tin đối ngoại tỉnh lần thứ {i}."} for i in range(300)]
    recs.insert(150, {"id": "dinh-lien", "title": "Văn bản dán từ PDF", "text": f"Mở đầu {glued} kết thúc."})
    src = tmp_path / "tin.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), "utf-8")
    report = build_index([src], tmp_path / "ix", jobs=1)
    assert report.added == 301 and not report.skipped
    with Searcher(tmp_path / "ix") as s:
        assert s.doc_count == 301
        assert s.search("hội nghị thông tin đối ngoại", limit=0).total == 300
        # Found by what the word starts with: the query is cut as the index was.
        assert [h.id for h in s.search(glued[:200], limit=3).hits] == ["dinh-lien"]


def test_a_link_to_an_index_is_the_same_index(tmp_path):
    import os

    import pytest

    from ttdn_search.errors import IndexLocked
    from ttdn_search.folder import run_lock

    samples = __import__("pathlib").Path(__file__).resolve().parents[1] / "ttdn_search" / "samples"
    real, link = tmp_path / "ix_two", tmp_path / "ix_link"
    build_index([samples], real, jobs=1)
    os.symlink(real, link)
    # One run holds the folder: a second one through the link waits for the same lock.
    with run_lock(real, wait=0):
        with pytest.raises(IndexLocked):
            build_index([samples], link, jobs=1, lock_wait=0)
    # A rebuild through the link replaces the folder, and the link still points at it.
    build_index([samples / "articles.jsonl"], link, rebuild=True, jobs=1)
    assert link.is_symlink() and os.path.realpath(link) == str(real.resolve())
    with Searcher(real) as s, Searcher(link) as t:
        assert s.doc_count == t.doc_count < 14


def test_a_folder_that_lost_its_table_of_contents_is_damaged_not_empty(tmp_path):
    from pathlib import Path

    import pytest

    from ttdn_search.errors import IndexDamaged

    samples = Path(__file__).resolve().parents[1] / "ttdn_search" / "samples"
    ix = tmp_path / "ix"
    build_index([samples], ix, jobs=1)
    for toc in ix.glob("_MAIN_*.toc"):
        toc.unlink()
    before = sorted(p.name for p in ix.iterdir())
    # Searching says damaged and how to rebuild, not "no index here, create one" ...
    with pytest.raises(IndexDamaged, match="--rebuild"):
        Searcher(ix)
    # ... and following it with a plain index run touches nothing (Whoosh would delete the segments).
    with pytest.raises(IndexDamaged, match="--rebuild"):
        build_index([samples / "articles.jsonl"], ix, jobs=1)
    assert sorted(p.name for p in ix.iterdir()) == before
    build_index([samples], ix, rebuild=True, jobs=1)
    with Searcher(ix) as s:
        assert s.doc_count == 14


def test_a_long_lived_searcher_sees_a_rebuild_that_kept_the_generation(tmp_path):
    from pathlib import Path

    samples = Path(__file__).resolve().parents[1] / "ttdn_search" / "samples"
    ix = tmp_path / "ix"
    build_index([samples], ix, jobs=1)  # one commit: generation 1
    with Searcher(ix) as s:
        assert s.doc_count == 14 and s.up_to_date()
        build_index([samples / "articles.jsonl"], ix, rebuild=True, jobs=1)  # one commit again: generation 1
        assert not s.up_to_date()  # `ttdn serve` asks this before every request
        s.refresh()
        assert s.up_to_date() and s.doc_count == Searcher(ix).doc_count < 14


def test_inputs_that_are_not_regular_files_or_not_utf8_names_are_reported_and_the_rest_indexed(tmp_path):
    import os

    src = tmp_path / "in"
    src.mkdir()
    good = {"id": "tot", "text": "Bài tốt về thông tin đối ngoại của tỉnh."}
    (src / "tot.jsonl").write_text(json.dumps(good, ensure_ascii=False) + "\n", "utf-8")
    os.mkfifo(src / "ong.jsonl")  # a FIFO: reading it would wait forever
    os.symlink("/dev/zero", src / "khong.txt")  # never ends
    os.symlink("/dev/zero", src / "khong.jsonl")
    deep = "[" * 2000 + "]" * 2000  # nested past Python's recursion limit
    (src / "sau.jsonl").write_text(deep + "\n" + json.dumps({"id": "sau-2", "text": "Bài thứ hai vẫn được đọc."}) + "\n",
                                   "utf-8")
    name = os.fsdecode(b"bai-\xff\xfe.txt")  # a file name that is not UTF-8
    (src / name).write_text("Tiêu đề bài\n\nNội dung bài có tên tệp lạ về thông tin đối ngoại.", "utf-8")
    said = []
    report = build_index([src], tmp_path / "ix", jobs=1, on_skip=said.append)
    reasons = {os.path.basename(s.path): s.reason for s in report.skipped}
    assert "không phải tệp thường" in reasons["ong.jsonl"]
    assert "không phải tệp thường" in reasons["khong.txt"] and "không phải tệp thường" in reasons["khong.jsonl"]
    assert reasons["sau.jsonl"] == "JSON lồng quá sâu"
    with Searcher(tmp_path / "ix") as s:
        ids = sorted(d["id"] for d in s.documents())
    assert ids[:2] == ["in/bai-\ufffd\ufffd", "sau-2"] and "tot" in ids and len(ids) == 3


def test_a_long_lived_searcher_answers_after_a_rebuild_swapped_its_files(tmp_path):
    def write(path, prefix, n, text):
        path.write_text("".join(json.dumps({"id": f"{prefix}{i}", "text": text.format(i)}, ensure_ascii=False) + "\n"
                                for i in range(n)), "utf-8")

    write(tmp_path / "a.jsonl", "a", 400, "Bài {0} hội nghị thông tin đối ngoại tỉnh số {0}.")
    build_index([tmp_path / "a.jsonl"], tmp_path / "ix", jobs=1, batch_size=50)
    with Searcher(tmp_path / "ix") as s:  # --queries and the library keep one searcher for long
        write(tmp_path / "b.jsonl", "b", 30, "Tin {} về biên giới và hội nghị.")
        build_index([tmp_path / "b.jsonl"], tmp_path / "ix", rebuild=True, jobs=1)
        # It crashed with TypeError in stored_fields; now it reopens and answers from the new index.
        res = s.search("hội nghị", limit=5)
        assert res.total == 30 and all(h.id.startswith("b") for h in res.hits)


def test_ctrl_c_during_a_parallel_run_prints_one_message_not_worker_tracebacks(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    text = "Ban Chỉ đạo công tác thông tin đối ngoại tỉnh tổ chức hội nghị tổng kết năm {0} tại hội trường. " * 20
    (tmp_path / "tin.jsonl").write_text("".join(json.dumps({"id": f"t{i}", "text": text.format(i)}, ensure_ascii=False)
                                                + "\n" for i in range(15000)), "utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "ttdn_search", "index", str(tmp_path / "tin.jsonl"), "--index",
                             str(tmp_path / "ix"), "-j", "2", "-q"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    time.sleep(3)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, (out, err)
    assert "Traceback" not in err and len(err.strip().splitlines()) <= 2, err
    assert "Ctrl-C" in err


def test_titles_ids_and_blank_lines_are_bounded(tmp_path):
    """A 2,000,000-character title took 18 s to index and 1 s per search showing it; a 1 MB gzip of
    blank lines (a billion of them) ran for more than 300 s. Long titles keep their start (the whole
    title is still found in the text), absurd ids and titles are skipped with a reason, blank runs are
    counted in bulk."""
    import gzip
    import time

    from ttdn_search.ingest import MAX_ID_CHARS, MAX_TITLE_CHARS

    long_title = ("Hội nghị thông tin đối ngoại " * 400) + "kết thúc bằng chữ cuốiđộcnhất"
    assert len(long_title) > MAX_TITLE_CHARS
    src = tmp_path / "in.jsonl.gz"
    with gzip.open(src, "wb") as f:
        f.write(b"\n" * 50_000_000)
        rows = [{"id": "long-title", "title": long_title, "text": "Nội dung bài về biên giới."},
                {"id": "x" * (MAX_ID_CHARS + 1), "text": "Một bài có id quá dài."},
                {"id": "huge-title", "title": "chữ " * 300_000, "text": "Nội dung."},
                {"id": "fine", "text": "Tiêu đề bình thường\n\nNội dung bình thường về thông tin đối ngoại."}]
        f.write("\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode() + b"\n" + b"\n" * 1000)
    t = time.perf_counter()
    report = build_index([src], tmp_path / "ix", jobs=1)
    assert time.perf_counter() - t < 60
    assert report.total == 2
    skipped = {s.line: s.reason for s in report.skipped}
    assert set(skipped) == {50_000_002, 50_000_003}, skipped
    assert "id dài" in skipped[50_000_002] and "quá dài" in skipped[50_000_003]
    assert [n.line for n in report.notices] == [50_000_001] and "tiêu đề dài" in report.notices[0].reason
    with Searcher(tmp_path / "ix") as s:
        doc = s.document("long-title")
        assert len(doc["title"]) <= MAX_TITLE_CHARS + 1 and doc["title"].endswith("…")
        assert [h.id for h in s.search("cuốiđộcnhất").hits] == ["long-title"]


def test_a_hostile_corpus_keeps_every_good_article_and_names_every_bad_input(tmp_path):
    """The adversarial run's inputs in one folder, with good articles among them: every good article
    is indexed, every bad input is one line naming it, nothing hangs and nothing is a traceback."""
    import gzip
    import os
    import subprocess
    import sys
    import time

    d = tmp_path / "hostile"
    d.mkdir()
    good = {}

    def article(i, **extra):
        rec = {"id": f"good-{i}", "title": f"Tin tốt số {i}", "text": f"Nội dung tốt số {i} về thông tin đối ngoại.", **extra}
        good[rec["id"]] = rec
        return json.dumps(rec, ensure_ascii=False)

    lines = [article(1), "[" * 1000 + "]" * 1000, article(2, text="Chữ" + "a" * 67_000 + " và thông tin đối ngoại."),
             json.dumps({"id": "huge-title", "title": "chữ " * 500_000, "text": "x"}),
             json.dumps({"id": "i" * 2000, "text": "Một bài có id quá dài."}),
             article(3, title="Tiêu \x1b]0;PWNED\x07đề \x1b[2J sạch"), "{broken", article(4)]
    (d / "mixed.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    os.mkfifo(d / "fifo.jsonl")
    (d / "zero.txt").symlink_to("/dev/zero")
    (d / "zero.jsonl").symlink_to("/dev/zero")
    (d / "loop.txt").symlink_to(d / "loop.txt")
    with gzip.open(d / "blank.jsonl.gz", "wb") as f:
        f.write(b"\n" * 20_000_000)
    name = os.fsdecode(b"t\xean-l\xe0-latin1.txt")
    (d / name).write_text("Tiêu đề bài tên lạ\n\nNội dung bài có tên tệp không phải UTF-8 về thông tin đối ngoại.\n", "utf-8")
    t = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "ttdn_search", "index", str(d), "--index", str(tmp_path / "ix"), "-j", "1"],
                         capture_output=True, text=True, errors="replace", timeout=300)
    took = time.perf_counter() - t
    assert "Traceback" not in run.stderr and run.returncode == 1, run.stderr  # 1: inputs that could not be read
    named = [ln for ln in run.stderr.splitlines() if ln.startswith(("Bỏ qua: ", "Lưu ý: "))]
    expected = {"mixed.jsonl:2": "JSON lồng quá sâu", "mixed.jsonl:4": "quá dài", "mixed.jsonl:5": "id dài",
                "mixed.jsonl:7": "JSON hỏng", "fifo.jsonl": "không phải tệp thường", "zero.txt": "không phải tệp thường",
                "zero.jsonl": "không phải tệp thường", "loop.txt": "", "blank.jsonl.gz": "tệp rỗng"}
    for where, reason in expected.items():
        hits = [ln for ln in named if f"{d}/{where}:" in ln or ln.endswith(f"{d}/{where}")]
        assert len(hits) == 1 and reason in hits[0], (where, hits, named)
    assert len(named) == len(expected), named
    assert took < 120, took
    with Searcher(tmp_path / "ix") as s:
        ids = {f["id"] for f in s.documents()}
        assert set(good) <= ids and len(ids) == len(good) + 1, ids  # and the oddly named file
        assert s.document("good-3")["title"].split() == ["Tiêu", "đề", "sạch"]


def test_review_findings_hold(tmp_path, monkeypatch):
    """A blank run without a newline is bounded; a stray OSC keeps the text after it; a lone surrogate
    is U+FFFD, not a traceback; a timeline bar's link keeps the page's own dates; the live CSV download
    stops at its bound."""
    import io
    import time

    from ttdn_search.lines import numbered_lines
    from ttdn_search.normalize import normalize
    from ttdn_search.render import PageState

    t = time.perf_counter()
    got = list(numbered_lines(io.BufferedReader(io.BytesIO(b" " * (64 << 20) + b'\n{"a": 1}\n')), 1 << 20))
    assert got == [(1, None), (2, b'{"a": 1}\n')] and time.perf_counter() - t < 5
    assert normalize("tin \x1b] và thông tin đối ngoại") == "tin  và thông tin đối ngoại"  # not cut at ESC ]
    assert normalize("a\ud800b") == "a\ufffdb"
    src = tmp_path / "s.jsonl"
    src.write_text('{"id": "s1", "title": "Tin \\ud800 lạ", "text": "Nội dung thông tin đối ngoại."}\n', "utf-8")
    assert build_index([src], tmp_path / "ix", jobs=1).total == 1
    bar = PageState("x", (("from", "2024-03-15"), ("to", "2024-12"))).dated("2024-03", "2024-03")
    assert dict(bar.filters) == {"from": "2024-03-15", "to": "2024-03"}
    assert dict(PageState("x").dated("2024", "2024").filters) == {"from": "2024", "to": "2024"}
