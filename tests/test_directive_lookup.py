"""Directive lookup on real news: every spelling a user types finds the same articles as the canonical id."""

import gzip
import json
import re

import pytest
from click.testing import CliRunner

from tests._shared import NEWS, needs_shared
from ttdn_search.cli import main

# Three directives that news-20k cites, and 20+ spellings of each as users and pages write them.
SPELLINGS = {
    "167/2013/NĐ-CP": [
        "167/2013/NĐ-CP", "167/2013/nđ-cp", "167/2013/ND-CP", "167/2013/nd-cp", "167 / 2013 / NĐ - CP",
        "167/2013/NĐ - CP", "167/2013/Nđ-Cp", "167–2013–NĐ–CP".replace("–", "/", 2), "167∕2013∕NĐ‐CP",
        "Nghị định 167/2013/NĐ-CP", "Nghị định số 167/2013/NĐ-CP", "nghi dinh 167/2013/ND-CP",
        "nghị định số: 167/2013/NĐ-CP", "NĐ 167/2013/NĐ-CP", "Decree 167/2013/ND-CP", "số 167/2013/NĐ-CP",
        "0167/2013/NĐ-CP", " 167/2013/NĐ-CP ", "Nghị định 167/2013", "nghi dinh 167", "Nghị định số 167",
        "nđ 167",
    ],
    "102-QĐ/TW": [
        "102-QĐ/TW", "102-qđ/tw", "102-QD/TW", "102-qd/tw", "102 - QĐ/TW", "102 -QĐ/ TW", "102 - QĐ / TW",
        "102–QĐ/TW", "102‐QĐ∕TW", "102-Qđ/Tw", "102-QĐ/TƯ", "Quy định 102-QĐ/TW", "Quy định số 102-QĐ/TW",
        "quy dinh so 102-QD/TW", "Quyết định số 102-QĐ/TW", "QĐ 102-QĐ/TW", "số 102-QĐ/TW", "0102-QĐ/TW",
        "Regulation No. 102-QD/TW", "quyết định 102", "quy dinh 102", "Quy định số 102",
    ],
    "5-CT/TW": [
        "5-CT/TW", "05-CT/TW", "5-ct/tw", "05-ct/tw", "5 - CT/TW", "05 - CT/TW", "5 -CT/ TW", "5–CT/TW",
        "05‐CT∕TW", "5-Ct/Tw", "5-CT/TƯ", "Chỉ thị 05-CT/TW", "Chỉ thị số 05-CT/TW", "chi thi so 05-CT/TW",
        "CT 05-CT/TW", "số 05-CT/TW", "Directive 05-CT/TW", "chỉ thị 05", "chi thi 5", "Chỉ thị số 05",
        "CT 05",
    ],
}


@pytest.fixture(scope="module")
def news_index(tmp_path_factory):
    """An index of the news-20k articles that cite the three directives, plus 150 others."""
    if not NEWS.is_file():
        pytest.skip(f"needs {NEWS}")
    from ttdn_search.indexer import build_index

    numbers = re.compile(r"167\s*/\s*2013|102\s*-\s*Q[ĐD]|0?5\s*-\s*CT", re.IGNORECASE)
    picked = []
    others = 0
    with gzip.open(NEWS, "rt", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            if numbers.search(rec["text"]) or numbers.search(rec.get("title") or ""):
                picked.append(line)
            elif others < 150 and len(picked) % 2 == 0:
                picked.append(line)
                others += 1
    src = tmp_path_factory.mktemp("news") / "subset.jsonl"
    src.write_text("".join(picked), "utf-8")
    ix = src.parent / "index"
    build_index([src], ix)
    return ix


def _ids(args):
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 0, r.output
    return sorted(h["id"] for h in json.loads(r.stdout)["hits"])


@needs_shared
@pytest.mark.parametrize("canonical", list(SPELLINGS))
def test_every_spelling_finds_the_same_articles(news_index, canonical):
    assert len(SPELLINGS[canonical]) >= 20
    expected = _ids(["directive", canonical, "--index", str(news_index), "--json", "-n", "500"])
    assert len(expected) >= 5
    for spelling in SPELLINGS[canonical]:
        got_lookup = _ids(["directive", spelling, "--index", str(news_index), "--json", "-n", "500"])
        got_filter = _ids(["search", "-d", spelling, "--index", str(news_index), "--json", "-n", "500"])
        assert got_lookup == expected, spelling
        assert got_filter == expected, spelling


@needs_shared
def test_whole_query_directive_behaves_as_lookup(news_index):
    r = CliRunner().invoke(main, ["search", "102-qd/tw", "--index", str(news_index), "--json", "-n", "500"])
    out = json.loads(r.stdout)
    assert [d["id"] for d in out["directives"]] == ["102-QĐ/TW"]
    expected = _ids(["directive", "102-QĐ/TW", "--index", str(news_index), "--json", "-n", "500"])
    assert sorted(h["id"] for h in out["hits"]) == expected


def _run(args):
    return CliRunner().invoke(main, [str(a) for a in args])


@needs_shared
@pytest.mark.parametrize("typed", ["102/QĐ-TW", "102/QD-TW"])
def test_swapped_separators_answer_for_the_document_and_say_so(news_index, typed):
    r = _run(["directive", typed, "--index", news_index, "--json", "-n", "500"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["interpreted"] == "102-QĐ/TW" and out["interpreted_why"] == "directive"
    assert sorted(h["id"] for h in out["hits"]) == _ids(["directive", "102-QĐ/TW", "--index", str(news_index),
                                                         "--json", "-n", "500"])
    text = _run(["directive", typed, "--index", news_index]).output
    assert text.startswith("Đang hiện kết quả cho «102-QĐ/TW»")
    # A search for it says the same.
    out = json.loads(_run(["search", typed, "--index", news_index, "--json", "-n", "3"]).stdout)
    assert out["interpreted"] == "102-QĐ/TW" and [d["id"] for d in out["directives"]] == ["102-QĐ/TW"]


@needs_shared
@pytest.mark.parametrize("typed", ["5-CT", "CT-5", "5 CT TW", "5CT/TW", "Chỉ thị 5 của Ban Bí thư", "chi thi so 05 cua bo chinh tri"])
def test_partial_forms_resolve(news_index, typed):
    expected = _ids(["directive", "5-CT/TW", "--index", str(news_index), "--json", "-n", "500"])
    assert _ids(["directive", typed, "--index", str(news_index), "--json", "-n", "500"]) == expected, typed


@needs_shared
def test_a_well_formed_reference_no_article_cites_answers_none_with_exit_0(news_index):
    r = _run(["directive", "ket luan 72", "--index", news_index])
    assert r.exit_code == 0, r.output
    assert "Không bài nào trong chỉ mục dẫn «ket luan 72»" in r.output
    assert json.loads(_run(["directive", "ket luan 72", "--index", news_index, "--json"]).stdout)["total"] == 0
    assert _run(["search", "-d", "ket luan 72", "--index", news_index, "--json"]).exit_code == 0
    # Not a document at all: a usage error.
    assert _run(["directive", "hội nghị", "--index", news_index]).exit_code == 2


@needs_shared
def test_a_decree_cited_by_number_and_year_is_tagged(news_index):
    # baomoi-22326411 writes only "nghị định 167/2013"; every nghị định is the Chính phủ's.
    doc = json.loads(_run(["show", "baomoi-22326411", "--index", news_index, "--json"]).stdout)
    assert "167/2013/NĐ-CP" in doc["tags"]["directives"]


def test_a_directive_lookup_says_where_when_and_with_what(samples_index):
    """Beside its articles: counts by province and by new unit, a timeline, the directives cited with it,
    and the first and latest article citing it (each of them one of the citing articles)."""
    import json

    from click.testing import CliRunner

    from ttdn_search.cli import main
    from ttdn_search.search import Searcher

    with Searcher(samples_index) as s:
        res = s.lookup_directive("57-KL/TW", limit=100)
        dated = sorted((h.date, h.id) for h in res.hits if h.date)
    assert res.summary["first"]["id"] == dated[0][1] and res.summary["latest"]["id"] == dated[-1][1]
    assert all(c["id"] != "57-KL/TW" and c["count"] > 0 for c in res.summary["cited_with"])
    assert sum(n for _, n in res.timeline) + res.undated == res.total
    out = json.loads(CliRunner().invoke(main, ["directive", "57-KL/TW", "--index", str(samples_index), "--json"]).stdout)
    assert out["first"] == res.summary["first"] and out["timeline"]
    text = CliRunner().invoke(main, ["directive", "ket luan 57", "--index", str(samples_index)]).stdout
    for label in ("Theo tỉnh:", "Theo đơn vị sau 1/7/2025:", "Theo tháng", "Bài đầu tiên:", "Bài mới nhất:"):
        assert label in text, label
