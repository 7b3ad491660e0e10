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
