"""Saved searches: `ttdn watch add/list/rm/run`, what is new since the last run, kept through rebuilds."""

import json
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from ttdn_search.cli import main
from ttdn_search.search import Searcher
from ttdn_search.watch import WATCH_FILE, read_watches

SAMPLES = Path(__file__).resolve().parents[1] / "ttdn_search" / "samples" / "articles.jsonl"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def _recs() -> list[dict]:
    return [json.loads(line) for line in SAMPLES.read_text("utf-8").splitlines() if line.strip()]


def _write(path: Path, recs) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), "utf-8")
    return path


@pytest.fixture()
def ix(tmp_path) -> Path:
    recs = _recs()
    assert run("index", _write(tmp_path / "first.jsonl", recs[:7]), "--index", tmp_path / "ix", "-q").exit_code == 0
    return tmp_path / "ix"


def _news(ix: Path, *args) -> dict:
    r = run("watch", "run", "--index", ix, "--json", *args)
    assert r.exit_code == 0, r.output
    return {w["name"]: w for w in json.loads(r.stdout)["watches"]}


def test_a_second_run_reports_nothing_new(ix, tmp_path):
    assert run("watch", "add", "ttdn", "thông tin đối ngoại", "--index", ix).exit_code == 0
    assert run("watch", "add", "lai-chau", "", "-p", "Lai Châu", "--index", ix).exit_code == 0
    first = _news(ix)
    assert first["ttdn"]["new"] == 0 and first["lai-chau"]["new"] == 0  # nothing indexed since they were saved
    recs = _recs()
    run("index", _write(tmp_path / "more.jsonl", recs[7:]), "--index", ix, "-q")
    added = {r["id"] for r in recs[7:]}
    with Searcher(ix) as s:
        want = {h.id for h in s.search("thông tin đối ngoại", limit=100).hits} & added
    news = _news(ix)
    assert want and {h["id"] for h in news["ttdn"]["hits"]} == want and news["ttdn"]["new"] == len(want)
    again = _news(ix)
    assert again["ttdn"]["new"] == 0 and again["lai-chau"]["new"] == 0
    # Lines say so too, and the exit code is 0 either way (cron).
    r = run("watch", "run", "--index", ix)
    assert r.exit_code == 0 and "ttdn: «thông tin đối ngoại»: không có bài mới" in r.stdout


def test_since_looks_back_without_recording_the_run(ix, tmp_path):
    run("watch", "add", "all", "", "--index", ix)
    run("index", _write(tmp_path / "more.jsonl", _recs()[7:]), "--index", ix, "-q")
    looked = _news(ix, "--since", "1d")
    assert looked["all"]["new"] == len(_recs())  # everything was indexed today
    assert _news(ix)["all"]["new"] == len(_recs()) - 7  # the plain run still sees what is new since add
    assert _news(ix)["all"]["new"] == 0
    for bad in ("hôm qua", "2026-13-01", "99999999999d"):
        r = run("watch", "run", "--index", ix, "--since", bad)
        assert r.exit_code == 2 and "--since" in r.stderr, (bad, r.output)


def test_changed_articles_are_new_and_unchanged_ones_are_not(ix, tmp_path):
    run("watch", "add", "all", "", "--index", ix)
    recs = _recs()
    run("index", _write(tmp_path / "same.jsonl", recs[:7]), "--index", ix, "-q")  # nothing changed
    assert _news(ix)["all"]["new"] == 0
    changed = {**recs[2], "text": recs[2]["text"] + "\nBài được cập nhật thêm một đoạn mới."}
    run("index", _write(tmp_path / "changed.jsonl", [changed]), "--index", ix, "-q")
    news = _news(ix)["all"]
    assert news["new"] == 1 and news["hits"][0]["id"] == recs[2]["id"]


def test_watches_and_what_they_saw_survive_a_rebuild(ix, tmp_path):
    run("watch", "add", "all", "", "--index", ix)
    recs = _recs()
    r = run("index", _write(tmp_path / "first.jsonl", recs[:7]), "--index", ix, "-q", "--rebuild")
    assert r.exit_code == 0, r.output
    assert set(read_watches(ix)) == {"all"}
    assert _news(ix)["all"]["new"] == 0  # the same articles rebuilt: nothing new
    run("index", _write(tmp_path / "all.jsonl", recs), "--index", ix, "-q", "--rebuild")
    assert {h["id"] for h in _news(ix, "-n", "100")["all"]["hits"]} == {r["id"] for r in recs[7:]}


def test_commits_in_the_same_second_are_never_missed(tmp_path, monkeypatch):
    """Every commit stamps later than the one before, so a run between two commits made within one second
    reports the second one next time."""
    monkeypatch.setenv("TTDN_BATCH_SIZE", "1")
    recs = _recs()
    ix = tmp_path / "ix"
    run("index", _write(tmp_path / "a.jsonl", recs[:1]), "--index", ix, "-q")
    run("watch", "add", "all", "", "--index", ix)
    seen = set()
    for k, rec in enumerate(recs[1:6], 1):
        run("index", _write(tmp_path / f"r{k}.jsonl", [rec]), "--index", ix, "-q")
        got = [h["id"] for h in _news(ix)["all"]["hits"]]
        assert got == [rec["id"]], (k, got)
        seen.update(got)
    with Searcher(ix) as s:
        stamps = sorted(a for comp, _ in s.segments.parts for a in comp.added)
    assert len(set(stamps)) == len(stamps)  # one stamp per commit, strictly increasing


def test_list_and_rm_and_errors(ix):
    assert run("watch", "add", "ket-luan-57", "57-KL/TW", "--index", ix).exit_code == 0
    r = run("watch", "list", "--index", ix)
    assert r.exit_code == 0 and r.stdout.startswith("ket-luan-57: «57-KL/TW»")
    listed = json.loads(run("watch", "list", "--index", ix, "--json").stdout)["watches"]
    assert [w["name"] for w in listed] == ["ket-luan-57"]
    dup = run("watch", "add", "ket-luan-57", "khác", "--index", ix)
    assert dup.exit_code == 1 and "Đã có tìm kiếm lưu tên «ket-luan-57»" in dup.stderr
    for name in ("có dấu cách", "-x", "", "a" * 101, "a/b"):
        assert run("watch", "add", name, "x", "--index", ix).exit_code == 2, name
    assert run("watch", "add", "q", "!!!", "--index", ix).exit_code == 2  # a query that cannot run
    assert run("watch", "run", "khong-co", "--index", ix).exit_code == 1
    assert run("watch", "rm", "ket-luan-57", "--index", ix).exit_code == 0
    assert run("watch", "rm", "ket-luan-57", "--index", ix).exit_code == 1
    r = run("watch", "run", "--index", ix)
    assert r.exit_code == 0 and "Chưa có tìm kiếm nào" in r.stdout


def test_a_damaged_file_is_reported_and_never_overwritten(ix):
    path = ix / WATCH_FILE
    for bad in ("{", '{"version": 1, "watches": [{"name": 1}]}', "[]", '{"version": 9, "watches": []}'):
        path.write_text(bad, "utf-8")
        for args in (("add", "x", "y"), ("run",), ("list",), ("rm", "x")):
            r = run("watch", *args, "--index", ix)
            assert r.exit_code == 1 and "bị hỏng" in r.stderr and "Traceback" not in r.output, (bad, args)
        assert path.read_text("utf-8") == bad
    assert not list(ix.glob("*.tmp"))


def test_concurrent_adds_lose_nothing(ix):
    errors = []

    def add(k):
        r = run("watch", "add", f"w{k}", "thông tin", "--index", ix)
        if r.exit_code:
            errors.append(r.output)

    threads = [threading.Thread(target=add, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and set(read_watches(ix)) == {f"w{k}" for k in range(8)}


def test_the_tin_moi_page(ix, tmp_path):
    from bs4 import BeautifulSoup

    run("watch", "add", "ttdn", "thông tin đối ngoại", "--index", ix)
    run("watch", "add", "none", "zzqqx", "--index", ix)
    run("index", _write(tmp_path / "more.jsonl", _recs()[7:]), "--index", ix, "-q")
    r = run("watch", "run", "--index", ix, "--html", tmp_path / "site")
    assert r.exit_code == 0, r.output
    soup = BeautifulSoup((tmp_path / "site" / "tin-moi.html").read_text("utf-8"), "html.parser")
    sections = {s["data-name"]: s for s in soup.select("section.watch")}
    assert set(sections) == {"ttdn", "none"}
    assert sections["ttdn"].select("li.hit") and not sections["none"].select("li.hit")
    assert "Không có bài mới" in sections["none"].get_text()
    assert soup.find("h1").get_text() == "Tin mới"


def test_no_index_no_watches(tmp_path):
    for args in (("add", "x", "y"), ("run",), ("list",), ("rm", "x")):
        r = run("watch", *args, "--index", tmp_path / "none")
        assert r.exit_code == 1 and "Không tìm thấy chỉ mục" in r.stderr, args
    assert not (tmp_path / "none").exists()


def test_nothing_is_left_beside_the_folder(ix):
    run("watch", "add", "x", "thông tin", "--index", ix)
    run("watch", "run", "--index", ix)
    assert sorted(p.name for p in ix.parent.iterdir() if p.name.startswith(".")) == [".ix.lock"]


def test_new_articles_that_the_search_does_not_find_are_not_news(ix, tmp_path):
    """The reading and strictness are the whole index's: a new article holding only some of the words (or
    another reading of them) is not reported, as `ttdn search` would not show it."""
    run("watch", "add", "dn", "đối ngoại Lào Cai", "--index", ix)
    run("watch", "add", "tk", "hội nghị tổng kết thông tin đối ngoại", "--index", ix)
    unrelated = [
        {"id": "moi-1", "title": "Lào Cai khai mạc hội chợ thương mại biên giới", "date": "2026-11-30",
         "text": "Sáng 30/11, tỉnh Lào Cai khai mạc hội chợ thương mại quốc tế với hơn 400 gian hàng."},
        {"id": "moi-2", "title": "Hội nghị tổng kết công tác thi đua khen thưởng năm 2026", "date": "2026-11-30",
         "text": "Hội nghị tổng kết công tác thi đua khen thưởng của tỉnh được tổ chức sáng nay."},
    ]
    run("index", _write(tmp_path / "new.jsonl", unrelated), "--index", ix, "-q")
    news = _news(ix)
    assert news["dn"]["new"] == 0 and news["tk"]["new"] == 0, news


def test_a_failed_page_loses_nothing_and_the_hint_shows_them_again(ix, tmp_path):
    run("watch", "add", "all", "", "--index", ix)
    run("index", _write(tmp_path / "more.jsonl", _recs()[7:]), "--index", ix, "-q")
    (tmp_path / "afile").write_text("x")
    r = run("watch", "run", "--index", ix, "--html", tmp_path / "afile" / "sub")
    assert r.exit_code == 1
    r = run("watch", "run", "--index", ix, "-n", "2")
    more = [line for line in r.stdout.splitlines() if "tin nữa" in line]
    assert r.exit_code == 0 and more, r.stdout
    again = more[0].split("xem lại cả lần này: ")[1].split()
    assert again[:3] == ["ttdn", "watch", "run"]
    shown = run(*again[1:], "--index", ix, "--json")
    assert json.loads(shown.stdout)["watches"][0]["new"] == len(_recs()) - 7  # all of them, looked back
    assert _news(ix)["all"]["new"] == 0


def test_a_rebuild_that_mends_a_damaged_index_keeps_the_watches(ix, tmp_path):
    run("watch", "add", "all", "", "--index", ix)
    for toc in ix.glob("_MAIN_*.toc"):
        toc.unlink()
    r = run("index", _write(tmp_path / "first.jsonl", _recs()[:7]), "--index", ix, "-q", "--rebuild")
    assert r.exit_code == 0, r.output
    assert set(read_watches(ix)) == {"all"}


def test_a_rebuild_mends_a_damaged_signature_block(ix, tmp_path):
    from ttdn_search.engine.companion import Companion

    run("watch", "add", "all", "", "--index", ix)
    path = next(ix.glob("*.ttdn"))
    c = Companion(path)
    at = c._sigs_at + 5  # inside the first signature
    c.close()
    data = bytearray(path.read_bytes())
    data[at] ^= 0xFF
    path.write_bytes(bytes(data))
    (ix / "copies.bin").unlink()
    r = run("index", _write(tmp_path / "first.jsonl", _recs()[:7]), "--index", ix, "-q", "--rebuild")
    assert r.exit_code == 0, r.output
    assert run("search", "thông tin", "--index", ix).exit_code == 0
    assert set(read_watches(ix)) == {"all"}


def test_an_update_of_metadata_only_is_not_news(ix, tmp_path):
    run("watch", "add", "all", "", "--index", ix)
    recs = _recs()
    moved = [{**r, "source": "báo khác", "url": "https://example.org/" + r["id"]} for r in recs[:3]]
    r = run("index", _write(tmp_path / "moved.jsonl", moved), "--index", ix, "-q")
    assert "cập nhật 3" in r.stdout
    assert _news(ix)["all"]["new"] == 0


def test_stamps_never_go_back_even_when_the_latest_are_merged_away_or_rebuilt(ix, tmp_path, monkeypatch):
    import time as _time

    from ttdn_search.folder import read_meta

    run("watch", "add", "all", "", "--index", ix)
    recs = _recs()
    run("index", _write(tmp_path / "b.jsonl", recs[7:9]), "--index", ix, "-q")
    assert _news(ix)["all"]["new"] == 2
    high = read_meta(ix)["stamp"]
    # The clock goes back an hour; the rebuild drops the articles stamped last; a new one still comes after.
    real = _time.time
    monkeypatch.setattr(_time, "time", lambda: real() - 3600)
    run("index", _write(tmp_path / "a.jsonl", recs[:7] + recs[9:10]), "--index", ix, "-q", "--rebuild")
    assert read_meta(ix)["stamp"] > high
    news = _news(ix)["all"]
    assert [h["id"] for h in news["hits"]] == [recs[9]["id"]]
