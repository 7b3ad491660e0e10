"""Nasty input files: each is read or reported in one line with its path; nothing else is lost; memory stays bounded."""

import json
import os
import shutil
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest

from tests.nasty.generate import HERE as NASTY, encode_cp1258, encode_tcvn3, small_files, write_generated

REPO = Path(__file__).resolve().parents[1]
FILES = NASTY / "files"

# What becomes of every nasty input: the district its article names (indexed), or the reason it is skipped.
INDEXED = {
    "good.txt": "Đô Lương",
    "utf8-bom.txt": "Yên Thành",
    "utf16-le-bom.txt": "Kỳ Anh",
    "utf16-be-bom.txt": "Hương Sơn",
    "tcvn3.txt": "Quỳnh Lưu",
    "cp1258.txt": "Cẩm Xuyên",
    "nfd.txt": "Hương Khê",
    "crlf-mixed.txt": "Nghi Lộc",
    "scripts.html": "Diễn Châu",
    "broken.html": "Nghĩa Đàn",
    "deep.html": "Con Cuông",
    "records.jsonl:1": "Thanh Chương",
    "records.jsonl:10": "Nam Đàn",
    "records.jsonl:12": "Anh Sơn",
    "bigline.jsonl:1": "Tân Kỳ",
    "bigline.jsonl:3": "Quế Phong",
    "truncated.jsonl.gz:1": "Hưng Nguyên",
    "truncated.jsonl.gz:2": "Tương Dương",
}
SKIPPED = {
    "latin1.txt": "không phải UTF-8",
    "nul.txt": "byte NUL",
    "utf16-no-bom.txt": "byte NUL",
    "random.txt": "không phải tệp văn bản",
    "image.html": "không phải tệp văn bản",
    "gzip-as-text.txt": "không phải tệp văn bản",
    "empty.txt": "tệp rỗng",
    "blank.txt": "tệp rỗng",
    "only-boilerplate.txt": "không có nội dung",
    "big.txt": "tệp quá lớn",
    "bigline.jsonl:2": "dòng quá dài",
    "records.jsonl:2": "thiếu trường 'text'",
    "records.jsonl:3": "'text' không phải chuỗi",
    "records.jsonl:4": "'text' không phải chuỗi",
    "records.jsonl:5": "'text' rỗng",
    "records.jsonl:6": "không phải một đối tượng JSON",
    "records.jsonl:7": "JSON hỏng",
    "records.jsonl:8": "không phải UTF-8",
    "records.jsonl:11": "trùng id 'nasty-jsonl-1'",
    "truncated.jsonl.gz": "lỗi đọc tệp",
    "loop": "vòng lặp liên kết",
    "dangling.txt": "lỗi đọc tệp",
    "self.txt": "lỗi đọc tệp",
}

# Run the CLI in a child and report its own peak resident memory on the way out.
_RUN_WITH_PEAK = (
    "import resource, sys\n"
    "from ttdn_search.cli import main\n"
    "try:\n"
    "    main(sys.argv[1:], prog_name='ttdn')\n"
    "finally:\n"
    "    sys.stderr.write('PEAK_RSS_KB %d\\n' % resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
)


def _env() -> dict:
    return dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))


def _index(paths, index: Path) -> tuple[subprocess.CompletedProcess, int]:
    r = subprocess.run([sys.executable, "-c", _RUN_WITH_PEAK, "index", *map(str, paths), "--index", str(index),
                        "--jobs", "1"], env=_env(), capture_output=True, text=True, timeout=600)
    lines = r.stderr.splitlines()
    assert lines and lines[-1].startswith("PEAK_RSS_KB"), r.stderr
    return subprocess.CompletedProcess(r.args, r.returncode, r.stdout, "\n".join(lines[:-1])), int(lines[-1].split()[1])


def test_committed_files_match_the_generator():
    expected = small_files()
    on_disk = {p.name: p.read_bytes() for p in FILES.iterdir()}
    assert on_disk == expected, "run: python tests/nasty/generate.py"


@pytest.fixture(scope="module")
def nasty(tmp_path_factory):
    """Every nasty file in one folder, and the result of indexing it with the CLI."""
    base = tmp_path_factory.mktemp("nasty")
    folder = base / "nasty"
    shutil.copytree(FILES, folder)
    write_generated(folder)
    baseline_run, baseline_kb = _index([FILES / "good.txt"], base / "baseline-index")
    assert baseline_run.returncode == 0, baseline_run.stderr
    t0 = time.time()
    run, peak_kb = _index([folder], base / "index")
    return folder, base / "index", run, peak_kb, baseline_kb, time.time() - t0


def _where(line: str, folder: Path) -> str:
    """'records.jsonl:3' from 'Bỏ qua: /tmp/.../records.jsonl:3: reason'."""
    rest = line.removeprefix("Bỏ qua: ").removeprefix("Lưu ý: ").removeprefix(str(folder) + os.sep)
    name, _, tail = rest.partition(": ")
    return name


def test_each_bad_input_gets_one_line_with_its_path(nasty):
    folder, _, run, *_ = nasty
    assert run.returncode == 1, "exit 1 tells that something was skipped"
    assert "Traceback" not in run.stderr
    lines = [ln for ln in run.stderr.splitlines() if ln.strip()]
    skip_lines = [ln for ln in lines if ln.startswith("Bỏ qua: ")]
    notices = [ln for ln in lines if ln.startswith("Lưu ý: ")]
    # and the one summary line at the end, grouped by reason
    assert lines[-1].startswith(f"Đã bỏ qua {len(skip_lines)} mục: ")
    assert len(skip_lines) + len(notices) + 1 == len(lines), f"unexpected stderr lines: {lines}"
    # A record indexed with its unusable date left out says so, with its file and line.
    assert {_where(ln, folder) for ln in notices} == {"records.jsonl:12"}, notices
    assert "không phải chuỗi ngày tháng" in notices[0]
    got = {_where(ln, folder): ln for ln in skip_lines}
    assert len(got) == len(skip_lines), "one message per input"
    assert set(got) == set(SKIPPED), (sorted(set(got) - set(SKIPPED)), sorted(set(SKIPPED) - set(got)))
    for where, reason in SKIPPED.items():
        assert str(folder / where.split(":")[0]) in got[where]
        assert reason in got[where], got[where]
    assert f"bỏ qua {len(SKIPPED)}" in run.stdout


def test_nothing_else_is_lost(nasty):
    from ttdn_search.search import Searcher

    _, index, run, *_ = nasty
    with Searcher(index) as s:
        assert s.doc_count == len(INDEXED)
        for where, place in INDEXED.items():
            res = s.search(f'"{place}"', limit=5)
            assert res.total == 1, (where, place, [h.id for h in res.hits])
            hit = res.hits[0]
            assert place in hit.title or place in s.document(hit.id)["text"], where
            # Legacy encodings, NFD and UTF-16 come out as clean NFC text.
            doc = s.document(hit.id)
            assert unicodedata.is_normalized("NFC", doc["text"]) and "\x00" not in doc["text"]
        # Scripts, styles, comments and JSON-LD never reach the text.
        doc = s.document(s.search('"Diễn Châu"').hits[0].id)
        for junk in ("Mã kịch bản", "Không phải nội dung", "không phải nội dung", "bình luận:", "font", "khối CDATA", "ONECMS", "Trang chủ"):
            assert junk not in doc["text"], junk


def test_memory_stays_bounded(nasty):
    """The 50 MB file is skipped unread and the 17 MB JSONL line is never held whole: peak RSS barely moves."""
    *_, peak_kb, baseline_kb, seconds = nasty
    extra_mb = (peak_kb - baseline_kb) / 1024
    print(f"peak RSS {peak_kb / 1024:.0f} MB, baseline {baseline_kb / 1024:.0f} MB, +{extra_mb:.0f} MB, {seconds:.1f} s")
    assert extra_mb < 80, f"indexing the nasty files took {extra_mb:.0f} MB more than one small file"


# ---------------------------------------------------------------------------------------------
# Legacy encodings


ARTICLE = (
    "Sáng 8/1, Ban Tuyên giáo Tỉnh ủy Nghệ An tổ chức hội nghị tổng kết công tác thông tin đối ngoại năm 2023. "
    "Đồng chí Trưởng ban nhấn mạnh: các cơ quan báo chí cần chủ động, kịp thời đấu tranh phản bác thông tin sai trái, "
    "thù địch; quảng bá hình ảnh quê hương, con người xứ Nghệ với bạn bè quốc tế."
)


@pytest.mark.parametrize("encode, name", [(encode_tcvn3, "tcvn3"), (encode_cp1258, "cp1258")])
def test_legacy_encodings_are_detected_and_converted(encode, name):
    from ttdn_search.ingest import decode_bytes
    from ttdn_search.legacy import detect_legacy

    data = encode(ARTICLE)
    assert detect_legacy(data) == name
    assert decode_bytes(data) == ARTICLE


@pytest.mark.parametrize("data", [
    "Le café de la gare était déjà très animé à l'aube; les élèves attendaient le train.".encode("latin-1"),
    "Müller und Größe: eine naïve Fassade über die man in Zürich spricht.".encode("cp1252"),
    "Ñandú, pingüino y cigüeña en la montaña; el niño comió piñones.".encode("latin-1"),
    ARTICLE.encode("utf-8"),  # UTF-8 read as a legacy encoding is mojibake: refused
    ARTICLE.encode("utf-8")[:-1] + b"\xe1",
    bytes(range(128, 256)) * 4,
])
def test_legacy_detection_does_not_misfire(data):
    from ttdn_search.legacy import decode_legacy

    assert decode_legacy(data) is None


def test_utf8_is_never_read_as_legacy():
    from ttdn_search.ingest import decode_bytes

    for text in (ARTICLE, "Hà Nội – thủ đô", "café résumé naïve", unicodedata.normalize("NFD", ARTICLE)):
        assert decode_bytes(text.encode("utf-8")) == text


def test_tcvn3_table_matches_glibc():
    """The table was written from TCVN 5712:1993; glibc's TCVN5712-1 converter must agree on every byte."""
    from ttdn_search.legacy import TCVN3

    if shutil.which("iconv") is None:
        pytest.skip("iconv is not installed")
    probe = subprocess.run(["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=b"\xb5", capture_output=True)
    if probe.returncode != 0:
        pytest.skip("this iconv has no TCVN5712-1")
    # One byte per line: glibc composes a tone-mark byte with the letter before it.
    data = b"\n".join(bytes([b]) for b in range(0x80, 0x100))
    theirs = subprocess.run(["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=data, capture_output=True,
                            check=True).stdout.decode("utf-8").split("\n")
    assert theirs == [TCVN3[b] for b in range(0x80, 0x100)]


# ---------------------------------------------------------------------------------------------
# Deep HTML, unreadable files


def test_deeply_nested_html_is_linear():
    from ttdn_search.htmltext import html_to_page

    body = "<p>Nội dung bài viết về thông tin đối ngoại của tỉnh Nghệ An năm 2024.</p>"
    times = []
    for n in (5000, 50000):
        t0 = time.perf_counter()
        page = html_to_page("<html><body>" + "<div>" * n + body + "</div>" * n + "</body></html>")
        times.append(time.perf_counter() - t0)
        assert page.lines == ["Nội dung bài viết về thông tin đối ngoại của tỉnh Nghệ An năm 2024."]
        unclosed = html_to_page("<div><span><table>" * n + body)
        assert unclosed.lines[-1].startswith("Nội dung")
    assert times[1] < 40 * max(times[0], 0.01), times  # ten times the depth: about ten times the time, not a hundred


def _as_nobody_prefix():
    """preexec_fn that drops root to 'nobody', or None when the tests do not run as root."""
    if os.geteuid() != 0:
        return None

    def drop():
        os.setgid(65534)
        os.setuid(65534)

    return drop


def test_unreadable_file_and_folder(tmp_path):
    """chmod 000 is no barrier to root (CI runs as root), so as root the index run drops to 'nobody'."""
    import tempfile

    from tests.nasty.generate import _page

    drop = _as_nobody_prefix()
    base = Path(tempfile.mkdtemp(prefix="ttdn-perm-")) if drop else tmp_path
    try:
        base.chmod(0o777)
        corpus = base / "corpus"
        corpus.mkdir()
        corpus.chmod(0o755)
        (corpus / "ok.txt").write_text(_page("Quỳ Hợp", "bình thường"), "utf-8")
        (corpus / "secret.txt").write_text(_page("Quỳ Châu", "không có quyền đọc"), "utf-8")
        (corpus / "secret.txt").chmod(0)
        (corpus / "closed").mkdir()
        (corpus / "closed" / "inside.txt").write_text(_page("Kỳ Sơn", "trong thư mục đóng"), "utf-8")
        (corpus / "closed").chmod(0)
        index = base / "index"
        if drop:
            try:
                probe = subprocess.run([sys.executable, "-c", "import ttdn_search.cli, pyvi"], env=_env(),
                                       preexec_fn=drop, capture_output=True, text=True)
            except OSError as exc:
                pytest.skip(f"running as root and user 'nobody' cannot run {sys.executable}: {exc}")
            if probe.returncode != 0:
                pytest.skip(f"running as root and user 'nobody' cannot import ttdn_search here: {probe.stderr[-200:]}")
        r = subprocess.run([sys.executable, "-m", "ttdn_search", "index", str(corpus), "--index", str(index), "-j", "1"],
                           env=_env(), preexec_fn=drop, capture_output=True, text=True, timeout=300)
        assert r.returncode == 1, r.stderr
        assert "Traceback" not in r.stderr
        lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
        assert sorted(lines) == sorted([
            f"Bỏ qua: {corpus / 'closed'}: không đọc được thư mục (Permission denied)",
            f"Bỏ qua: {corpus / 'secret.txt'}: không có quyền đọc tệp",
        ]), lines
        assert "thêm 1," in r.stdout
    finally:
        for p in (corpus / "closed", corpus / "secret.txt"):
            if p.exists():
                p.chmod(0o755)
        if drop:
            shutil.rmtree(base, ignore_errors=True)


def test_permission_errors_reported_in_process(tmp_path, monkeypatch):
    """Runs as root too: the operating system's refusals are simulated where the reader meets them."""
    from tests.nasty.generate import _page
    from ttdn_search.ingest import Article, Skipped, iter_articles

    (tmp_path / "ok.txt").write_text(_page("Quỳ Hợp", "bình thường"), "utf-8")
    (tmp_path / "secret.txt").write_text(_page("Quỳ Châu", "không có quyền đọc"), "utf-8")
    (tmp_path / "closed").mkdir()
    (tmp_path / "closed" / "inside.txt").write_text(_page("Kỳ Sơn", "trong thư mục đóng"), "utf-8")
    real_read, real_scandir = Path.read_bytes, os.scandir

    def read_bytes(self):
        if self.name == "secret.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real_read(self)

    def scandir(path):
        if Path(path).name == "closed":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    monkeypatch.setattr(os, "scandir", scandir)
    items = list(iter_articles([tmp_path]))
    assert [a.title for a in items if isinstance(a, Article)] == [
        "Huyện Quỳ Hợp tổng kết công tác thông tin đối ngoại năm 2023"]
    assert sorted(str(s) for s in items if isinstance(s, Skipped)) == [
        f"{tmp_path / 'closed'}: không đọc được thư mục (Permission denied)",
        f"{tmp_path / 'secret.txt'}: không có quyền đọc tệp",
    ]


def test_nul_byte_anywhere_is_refused(tmp_path):
    """Not only in the first 8 KB: a NUL deep in a long file would otherwise reach the index."""
    from tests.nasty.generate import _page
    from ttdn_search.ingest import Skipped, read_file

    data = (_page("Nghi Xuân", "dài") * 40).encode("utf-8")
    assert len(data) > 20_000
    path = tmp_path / "late-nul.txt"
    path.write_bytes(data[:15_000] + b"\x00" + data[15_000:])
    (item,) = read_file(path)
    assert isinstance(item, Skipped) and "byte NUL ở vị trí 15000" in item.reason


def test_batch_size_knob(monkeypatch):
    from ttdn_search.indexer import DEFAULT_BATCH, batch_size_from_env

    for value, expected in (("25", 25), ("0", 1), ("abc", DEFAULT_BATCH), ("", DEFAULT_BATCH)):
        monkeypatch.setenv("TTDN_BATCH_SIZE", value)
        assert batch_size_from_env() == expected
