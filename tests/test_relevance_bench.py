"""The relevance benchmark's metrics and engine adapters, on six small Vietnamese articles."""

import importlib.util
import json
import sys
import types
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench" / "relevance.py"


@pytest.fixture(scope="module")
def rel():
    spec = importlib.util.spec_from_file_location("bench_relevance", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


ARTICLES = [
    {"id": "a1", "title": "Đà Nẵng đón tàu du lịch quốc tế đầu tiên trong năm",
     "text": "Sáng nay, cảng Tiên Sa đón hơn hai nghìn du khách từ tàu biển quốc tế cập cảng."},
    {"id": "a2", "title": "Hà Nội triển khai Nghị quyết 57-NQ/TW về khoa học công nghệ",
     "text": "Thành ủy yêu cầu các sở ngành xây dựng kế hoạch chuyển đổi số trong quý ba."},
    {"id": "a3", "title": "Nghệ An: Đào móng nhà, phát hiện hũ sành chứa tiền cổ",
     "text": "Trong lúc đào móng, gia đình ông Hòa phát hiện một hũ sành chứa khoảng mười ký tiền xu."},
    {"id": "a4", "title": "Thủy điện miền Trung xả lũ sau mưa lớn",
     "text": "Các hồ thủy điện ở Quảng Nam điều tiết nước để bảo đảm an toàn cho vùng hạ du."},
    {"id": "a5", "title": "Giá lúa gạo tăng mạnh ở đồng bằng sông Cửu Long",
     "text": "Nông dân An Giang phấn khởi vì giá lúa tăng, thương lái đến tận ruộng thu mua."},
    {"id": "a6", "title": "Đường sắt tốc độ cao Bắc Nam được Quốc hội thông qua",
     "text": "Dự án đường sắt dài hơn một nghìn năm trăm ki-lô-mét đi qua hai mươi tỉnh thành."},
]

QUERIES = [
    {"qid": "t1", "query": "Đà Nẵng đón tàu du lịch quốc tế đầu tiên trong năm", "relevant_ids": ["a1"], "kind": "title"},
    # Without diacritics: "Da" must match "Đà", which needs đ -> d folding.
    {"qid": "tn1", "query": "Da Nang don tau du lich quoc te dau tien trong nam", "relevant_ids": ["a1"], "kind": "title_noaccent"},
    {"qid": "tn3", "query": "Nghe An: Dao mong nha, phat hien hu sanh chua tien co", "relevant_ids": ["a3"], "kind": "title_noaccent"},
    {"qid": "s4", "query": "hồ thủy điện ở Quảng Nam điều tiết nước", "relevant_ids": ["a4"], "kind": "span"},
    {"qid": "sn5", "query": "nong dan An Giang phan khoi vi gia lua tang", "relevant_ids": ["a5"], "kind": "span_noaccent"},
    # Nothing in the corpus has these words: the known item is absent from the results.
    {"qid": "t0", "query": "Tàu vũ trụ hạ cánh trên sao Hỏa", "relevant_ids": ["a2"], "kind": "title"},
]


@pytest.mark.parametrize(
    "ranked, relevant, k, recall, mrr",
    [
        (["a1", "a2", "a3"], ["a1"], 10, 1.0, 1.0),       # found first
        (["a2", "a3", "a1"], ["a1"], 10, 1.0, 1 / 3),     # found third
        (["a2", "a3"], ["a1"], 10, 0.0, 0.0),             # absent
        ([], ["a1"], 10, 0.0, 0.0),                        # no results at all
        (["a2", "a3", "a1"], ["a1"], 2, 0.0, 0.0),        # below the cut-off
        (["a2", "a1", "a3"], ["a1", "a3"], 10, 1.0, 0.5),  # two relevant: first one at rank 2
        (["a2", "a1"], ["a1", "a3"], 10, 0.5, 0.5),
    ],
)
def test_metrics(rel, ranked, relevant, k, recall, mrr):
    assert rel.recall_at_k(ranked, relevant, k) == pytest.approx(recall)
    assert rel.mrr_at_k(ranked, relevant, k) == pytest.approx(mrr)


@pytest.fixture
def data(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in ARTICLES), encoding="utf-8")
    queries = tmp_path / "queries.jsonl"
    queries.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in QUERIES), encoding="utf-8")
    return corpus, queries


def scores_by_qid(rel, engine, queries):
    out = {}
    for q in queries:
        ranked = engine.search(q.query, 10)
        out[q.qid] = (rel.recall_at_k(ranked, q.relevant_ids), rel.mrr_at_k(ranked, q.relevant_ids))
    return out


def test_fts5_adapter(rel, data, tmp_path):
    corpus, queries_path = data
    queries = rel.load_queries(queries_path)
    engine = rel.Fts5Engine()
    engine.build(rel.Corpus(corpus), tmp_path)
    got = scores_by_qid(rel, engine, queries)
    assert got["t1"] == (1.0, 1.0)
    assert got["s4"] == (1.0, 1.0)
    assert got["t0"] == (0.0, 0.0)
    # remove_diacritics 2 folds tone marks but not đ: "Da Nang" misses "Đà Nẵng", "Dao" misses "Đào".
    assert got["tn1"] == (0.0, 0.0)
    assert got["tn3"] == (0.0, 0.0)
    assert got["sn5"] == (1.0, 1.0)
    assert engine.search('Nghị quyết 57-NQ/TW: (khoa học) "công nghệ" +-*^~', 10) == ["a2"]
    engine.close()


def test_fts5_query_is_escaped(rel):
    assert rel.Fts5Engine.match_expression('57-NQ/TW "OR" NEAR(a)') == '"57" "NQ" "TW" "OR" "NEAR" "a"'
    assert rel.Fts5Engine.match_expression("?! --") == ""


def test_tantivy_adapter(rel, data, tmp_path):
    pytest.importorskip("tantivy")
    corpus, queries_path = data
    queries = rel.load_queries(queries_path)
    engine = rel.TantivyEngine()
    engine.build(rel.Corpus(corpus), tmp_path)
    got = scores_by_qid(rel, engine, queries)
    # ascii_fold maps đ to d, so accent-free titles are found too.
    for qid in ("t1", "tn1", "tn3", "s4", "sn5"):
        assert got[qid] == (1.0, 1.0), qid
    assert got["t0"] == (0.0, 0.0)
    # Query syntax in the user's text stays literal.
    assert engine.search('Nghị quyết 57-NQ/TW: (khoa học) "công nghệ" +-*^~', 10) == ["a2"]
    assert engine.query_string("57-NQ/TW AND") == '+"57" +"nq" +"tw" +"and"'
    assert engine.query_string("?! --") == ""
    engine.close()


def test_run_engine_aggregates_per_kind(rel, data, tmp_path):
    corpus, queries_path = data
    result = rel.run_engine(rel.Fts5Engine(), rel.Corpus(corpus), rel.load_queries(queries_path), tmp_path)
    assert result.kinds["title"].n == 2
    assert result.kinds["title"].recall == pytest.approx(0.5)  # t1 found, t0 absent
    assert result.kinds["title"].mrr == pytest.approx(0.5)
    assert result.kinds["title_noaccent"].recall == 0.0
    assert result.kinds["span"].mrr == 1.0
    assert result.all.n == len(QUERIES)
    assert result.all.recall == pytest.approx(3 / 6)
    assert result.build_seconds >= 0 and result.median_query_ms >= 0
    table = rel.format_table([result])
    assert "| fts5 | 0.500 | 0.500 | 0.000 | 0.000 | 1.000 | 1.000 | 1.000 | 1.000 |" in table
    assert table.splitlines()[0].startswith("| engine | title R@10 | title MRR@10 | title_noaccent R@10")


def test_ttdn_adapter_uses_public_api(rel, data, tmp_path, monkeypatch):
    """The ttdn adapter builds with build_index and reads ids from Searcher(...).search(...).hits."""
    calls = {}

    def build_index(paths, index_dir, rebuild=False):
        calls["build"] = (paths, index_dir, rebuild)

    class Searcher:
        def __init__(self, index_dir):
            calls["open"] = index_dir

        def search(self, query, limit=10):
            hits = [types.SimpleNamespace(id="a3"), types.SimpleNamespace(id="a1")]
            return types.SimpleNamespace(hits=hits[:limit])

    monkeypatch.setitem(sys.modules, "ttdn_search.indexer", types.SimpleNamespace(build_index=build_index))
    monkeypatch.setitem(sys.modules, "ttdn_search.search", types.SimpleNamespace(Searcher=Searcher))
    corpus, _ = data

    engine = rel.TtdnEngine()
    engine.build(rel.Corpus(corpus), tmp_path)
    assert calls["build"] == ([str(corpus)], str(tmp_path / "ttdn"), True)
    assert engine.search("Nghệ An", 10) == ["a3", "a1"]

    calls.clear()
    reused = rel.TtdnEngine(tmp_path / "built")
    reused.build(rel.Corpus(corpus), tmp_path)
    assert "build" not in calls and calls["open"] == str(tmp_path / "built")


def test_main_writes_table_and_json(rel, data, tmp_path, capsys):
    corpus, queries_path = data
    out = tmp_path / "figures.json"
    code = rel.main(["--corpus", str(corpus), "--queries", str(queries_path), "--engines", "fts5",
                     "--limit-docs", "3", "--workdir", str(tmp_path / "work"), "--json", str(out)])
    assert code == 0
    assert "| fts5 |" in capsys.readouterr().out
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["n_docs"] == 3
    # Only queries whose article is among the first three remain (t1, tn1, tn3, t0).
    assert figures["n_queries"] == {"title": 2, "title_noaccent": 2}
    assert figures["engines"]["fts5"]["kinds"]["title"]["recall"] == pytest.approx(0.5)
