"""The ttdn command line: exit codes, JSON contract, messages (CliRunner, real indexes)."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests._shared import SEEDS, needs_shared
from ttdn_search.cli import main

SAMPLES = Path(__file__).resolve().parents[1] / "ttdn_search" / "samples"


def run(*args, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input)


def test_json_contract(samples_index):
    r = run("search", "thông tin đối ngoại", "--index", samples_index, "--json", "-n", "3")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert {"query", "total", "hits", "facets", "took_ms"} <= set(out)
    assert out["total"] >= 10 and len(out["hits"]) == 3
    for h in out["hits"]:
        assert {"id", "title", "date", "province", "provinces", "years", "directives", "score", "snippet"} <= set(h)
    assert {"province", "province_new", "year", "directive", "kind"} <= set(out["facets"])
    assert {"mentioned_year"} <= set(out["facets"])
    # Every facet value carries the filter text that selects exactly it.
    assert all({"value", "count", "filter"} == set(c) for c in out["facets"]["province"])
    for c in out["facets"]["province"][:3]:
        again = json.loads(run("search", "thông tin đối ngoại " + c["filter"], "--index", samples_index, "--json").stdout)
        assert again["total"] == c["count"], c


def test_empty_result_is_not_an_error(samples_index):
    r = run("search", "zzzqqxx", "--index", samples_index, "--json")
    assert r.exit_code == 0
    assert json.loads(r.stdout)["hits"] == []


def test_missing_index_says_where_and_what_to_run(tmp_path):
    r = run("search", "thông tin", "--index", tmp_path / "khong-co")
    assert r.exit_code == 1
    assert str(tmp_path / "khong-co") in r.stderr and "ttdn index" in r.stderr
    assert "Traceback" not in r.output


def test_usage_errors_exit_2(samples_index):
    assert run("search", "x", "--index", samples_index, "--year", "hai nghìn").exit_code == 2
    assert run("search", "x", "--index", samples_index, "--sort", "random").exit_code == 2
    assert run("nonexistent-command").exit_code == 2


def test_index_reports_skipped_files_and_exits_1(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "tot.txt").write_text(
        "Bài viết thử về thông tin đối ngoại tỉnh Nghệ An\n\nNội dung đầy đủ của bài viết thử, đủ dài để trở thành một đoạn văn hoàn chỉnh về đối ngoại.",
        "utf-8")
    (src / "hong.txt").write_bytes(b"\x00\xff\x00binary")
    r = run("index", src, "--index", tmp_path / "ix")
    assert r.exit_code == 1
    assert "hong.txt" in r.stderr
    assert "thêm 1" in r.stdout
    r = run("search", "đối ngoại", "--index", tmp_path / "ix", "--json")
    assert json.loads(r.stdout)["total"] == 1


def test_reindex_updates_not_duplicates(tmp_path):
    ix = tmp_path / "ix"
    assert run("index", SAMPLES, "--index", ix, "-q").exit_code == 0
    first = json.loads(run("stats", "--index", ix, "--json").stdout)["articles"]
    r = run("index", SAMPLES, "--index", ix, "--json")
    rep = json.loads(r.stdout)
    assert rep["unchanged"] == first and rep["added"] == 0 and rep["total"] == first
    assert run("index", SAMPLES, "--index", ix, "--rebuild", "-q").exit_code == 0
    assert json.loads(run("stats", "--index", ix, "--json").stdout)["articles"] == first


def test_directive_command_json(samples_index):
    r = run("directive", "ket luan 57", "--index", samples_index, "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["directives"][0]["id"] == "57-KL/TW"
    assert out["directives"][0]["type"] == "Kết luận"
    assert {h["id"] for h in out["hits"]} == {"mau-02", "mau-12"}
    dates = [h["date"] for h in out["hits"]]
    assert dates == sorted(dates, reverse=True)


def test_batch_queries_from_stdin(samples_index):
    lines = "thông tin đối ngoại\n" + json.dumps({"qid": "q2", "query": "biên giới", "province": "Lào Cai"}) + "\n{hỏng\n"
    r = run("search", "--queries", "-", "--index", samples_index, "--json", input=lines)
    assert r.exit_code == 1 and "dòng 3" in r.stderr  # the bad line is named; the others still answered
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert [row["qid"] for row in rows] == ["1", "q2", "3"]
    assert all("took_ms" in row for row in rows[:2])
    assert [h["id"] for h in rows[1]["hits"]] == ["mau-07"]
    assert "error" in rows[2]


def test_show_stats_facets(samples_index):
    r = run("show", "mau-05", "--index", samples_index, "--json")
    doc = json.loads(r.stdout)
    assert doc["tags"]["directives"] == ["59-KH/BCĐTTĐN"] and doc["tags"]["province"] == "Hưng Yên"
    assert run("show", "khong-co", "--index", samples_index).exit_code == 1
    st = json.loads(run("stats", "--index", samples_index, "--json").stdout)
    assert st["articles"] == 14 and st["size_bytes"] > 0 and st["facets"]["province"] >= 10
    fa = json.loads(run("facets", "--index", samples_index, "--json").stdout)
    assert {"value": "Nghệ An", "count": 1, "filter": 'province:"Nghệ An"'} in fa["province"]


def test_html_writes_a_page(samples_index, tmp_path):
    r = run("html", "thông tin đối ngoại", "--index", samples_index, "-o", tmp_path / "out")
    assert r.exit_code == 0, r.output
    page = Path(r.stdout.strip())
    html = page.read_text("utf-8")
    assert '<html lang="vi">' in html and "<mark>" in html


def test_extract_prints_tags(tmp_path):
    r = run("extract", SAMPLES / "trang-ninh-binh.txt", "--json")
    assert r.exit_code == 0
    row = json.loads(r.stdout.splitlines()[0])
    assert row["province"] == "Ninh Bình"
    assert set(row["directives"]) == {"16-KL/TW", "72/2015/NĐ-CP"}
    assert row["date"] == "2022-01-14"


@needs_shared
def test_seeds_all_found_without_boilerplate(seeds_index):
    r = run("search", "thông tin đối ngoại", "--index", seeds_index, "--json", "-n", "10")
    out = json.loads(r.stdout)
    assert out["total"] == 5
    for h in out["hits"]:
        for junk in ("Skip", "Banner", ".jpg", "POWERED", "Bình luận", "Lượt xem", "Tin liên quan", "Bài liên quan",
                     "Tin cùng chuyên mục", "Nổi bật", "Đừng bỏ lỡ", "Theo dõi trên"):
            assert junk not in h["title"] and junk not in h["snippet"]


@needs_shared
def test_dev_queries_run_through_batch_mode_in_one_process(samples_index):
    """All 1,200 dev queries (JSON objects with qid) go through one `ttdn search --queries` run."""
    from tests._shared import EVAL_DEV

    # The dev file's own "kind" (title, span...) is not our article-kind filter: pass qid and query.
    records = [json.loads(line) for line in (EVAL_DEV / "queries.jsonl").read_text("utf-8").splitlines() if line.strip()]
    lines = "\n".join(json.dumps({"qid": q["qid"], "query": q["query"]}, ensure_ascii=False) for q in records)
    r = run("search", "--queries", "-", "--index", samples_index, "--nl", "-n", "3", input=lines)
    assert r.exit_code == 0, r.output[-500:]
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    expected = [json.loads(line)["qid"] for line in lines.splitlines() if line.strip()]
    assert len(expected) == 1200
    assert [row["qid"] for row in rows] == expected
    assert all("took_ms" in row and "error" not in row for row in rows)
