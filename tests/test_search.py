"""Search behaviour on the bundled sample articles: small, real Vietnamese cases."""

import pytest

from ttdn_search.errors import BadQuery
from ttdn_search.filters import Filters


def ids(res):
    return [h.id for h in res.hits]


def test_title_words_rank_their_article_first(searcher):
    res = searcher.search("Khánh Hòa đưa thông tin đối ngoại lên nền tảng số")
    assert ids(res)[0] == "mau-10"


def test_tone_mark_variants_match(searcher):
    # The article writes "Khánh Hoà" in its body and "Khánh Hòa" in its title.
    a = searcher.search("Khánh Hoà", limit=20)
    b = searcher.search("Khánh Hòa", limit=20)
    assert "mau-10" in ids(a) and ids(a) == ids(b)


def test_accent_free_and_d_fold(searcher):
    res = searcher.search("da nang quang ba hinh anh")
    assert ids(res)[0] == "mau-06"
    res = searcher.search("thong tin doi ngoai vung bien gioi")
    assert "mau-07" in ids(res)[:3]


def test_accented_query_prefers_exact_diacritics(searcher):
    # "đối ngoại" and "dội ngoài" fold alike; the exact spelling must come first.
    res = searcher.search("biên giới")
    top = res.hits[0]
    assert "biên giới" in (top.title + top.snippet).lower()


@pytest.mark.parametrize("q", ["57-KL/TW", "57 - KL/TW", "57-kl/tw", "kết luận 57", "ket luan 57"])
def test_directive_spellings_find_the_same_articles(searcher, q):
    res = searcher.search(q, limit=20)
    assert set(ids(res)) == {"mau-02", "mau-12"}
    assert [d.id for d in res.directives] == ["57-KL/TW"]


def test_phrase_across_segmentation_error(searcher):
    # pyvi glues "đối ngoại tỉnh" into one word; the syllable view still matches the phrase.
    res = searcher.search('"thông tin đối ngoại tỉnh"', limit=20)
    assert {"mau-01", "mau-05"} <= set(ids(res))
    assert all("thông tin đối ngoại tỉnh" in (h.snippet.replace("<mark>", "").replace("</mark>", "")).lower()
               or "thông tin đối ngoại tỉnh" in h.title.lower() for h in res.hits)


def test_boolean_operators(searcher):
    both = set(ids(searcher.search("biên giới AND Lào", limit=20)))
    assert both == {"mau-01", "mau-07"}  # "Lào" and "Lào Cai"
    assert set(ids(searcher.search('biên giới AND "Lào có chung"', limit=20))) == {"mau-01"}
    either = set(ids(searcher.search("Huế OR Đà Nẵng", limit=20)))
    assert {"mau-06", "mau-08"} <= either
    without = set(ids(searcher.search("thông tin đối ngoại NOT Nghệ An", limit=50)))
    assert "mau-02" not in without and "mau-01" in without
    grouped = ids(searcher.search("(Festival OR Đà Nẵng) AND phóng viên", limit=20))
    assert grouped[0] == "mau-06" and "mau-02" not in grouped


def test_filters_and_facets(searcher):
    res = searcher.search("thông tin đối ngoại", filters=Filters(province=["nghe an"]), limit=20)
    assert ids(res) == ["mau-02"]
    res = searcher.search("", filters=Filters(unit=["Lâm Đồng"]), limit=20)
    # The new Lâm Đồng takes in Bình Thuận; the province filter is the old unit alone.
    assert {"mau-04", "mau-12"} <= set(ids(res))
    assert "mau-04" not in ids(searcher.search("", filters=Filters(province=["Lâm Đồng"]), limit=20))
    res = searcher.search("", filters=Filters(year=["2019-2020"]), limit=50)
    for h in res.hits:
        assert set(h.years) & {2019, 2020} or (h.date or "")[:4] in ("2019", "2020")
    dates = [h.date for h in res.hits if h.date]
    assert dates == sorted(dates, reverse=True)


def test_query_field_syntax(searcher):
    res = searcher.search('province:"Hưng Yên" directive:59-KH/BCĐTTĐN')
    assert ids(res) == ["mau-05"]


def test_facet_counts_match_filtered_totals(searcher):
    res = searcher.search("thông tin đối ngoại", limit=0)
    for name, counts in res.facets.items():
        for c in counts:
            sub = searcher.search("thông tin đối ngoại", filters=Filters.facet(name, c.value), limit=0)
            assert sub.total == c.count, (name, c.value)


def test_bad_filter_values_are_usage_errors(searcher):
    for f in (Filters(year=["20x0"]), Filters(province=["Atlantis"]), Filters(date_from="2020-13-01")):
        with pytest.raises(BadQuery):
            searcher.search("thông tin", filters=f)


def test_accent_restoration_suggestion(searcher):
    res = searcher.search("thong tin doi ngoai")
    assert res.suggestion == "thông tin đối ngoại"
    assert res.total > 0


def test_spelling_suggestion_when_nothing_found(searcher):
    # One slip (two letters swapped): the corrected reading answers, and says so.
    res = searcher.search("thông tin đối ngaoi")
    assert res.interpreted == "thông tin đối ngoai" and res.interpreted_why == "spelling" and res.total >= 1
    # "đối ngoai" is a word typed with diacritics, so its toneless "ngoai" is read as typed: only the
    # folded level holds it ("đối ngoại").
    assert res.query == "thông tin đối ngaoi" and res.match == "folded"


def test_spelling_correction_tries_two_edits_only_on_syllable_lengths(searcher, monkeypatch):
    """A Vietnamese syllable has at most 7 letters: a longer unknown word is a name, a code or noise, and
    two edits of it would cost (52 x length)^2 look-ups (a query of a few such words took minutes)."""
    import ttdn_search.suggest as sg

    calls = []
    real = sg.edits
    monkeypatch.setattr(sg, "edits", lambda w: calls.append(w) or real(w))
    res = searcher.search("thông tin qxzwvkjqpxzw bvcxzlkjhgfd")
    assert len(calls) <= 2  # one set of single edits per word at most, no edits of edits
    assert res.suggestion is None or "qxzwvkjqpxzw" in res.suggestion


def test_paging_and_sort(searcher):
    first = searcher.search("thông tin đối ngoại", limit=3)
    second = searcher.search("thông tin đối ngoại", limit=3, offset=3)
    assert not set(ids(first)) & set(ids(second))
    by_date = searcher.search("thông tin đối ngoại", sort="date", limit=20)
    dates = [h.date for h in by_date.hits if h.date]
    assert dates == sorted(dates, reverse=True)


def test_a_query_with_nothing_to_search_is_a_usage_error(searcher):
    for q in ("!!! ???", "😀", "-"):
        with pytest.raises(BadQuery, match="Không có chữ hay số"):
            searcher.search(q)
    assert searcher.search("", limit=0).total == searcher.search("-covid", limit=0).total > 0


def test_a_name_that_is_no_filter_is_said_not_silently_searched(searcher):
    """`foo:bar` was searched as words without a word to the user."""
    res = searcher.search("nguon:baochinhphu thông tin")
    assert res.notes and "«nguon:»" in res.notes[0] and "province:" in res.notes[0]
    assert res.to_json()["notes"] == res.notes
    assert not searcher.search("https://example.vn thông tin").notes  # a link is no filter attempt
    assert not searcher.search("year:2024 thông tin").notes
    from click.testing import CliRunner

    from ttdn_search.cli import main

    out = CliRunner().invoke(main, ["search", "nguon:baochinhphu thông tin", "--index", str(searcher.index_dir)]).stdout
    assert "«nguon:» không phải tên bộ lọc" in out


def test_a_one_off_search_loads_no_heavy_module(samples_index):
    """`ttdn search` from a cold process: numpy (about 80 ms to import), pyvi, jinja2, multiprocessing
    and Whoosh's query machinery serve indexing, pages and batches, not one search."""
    import subprocess
    import sys
    from pathlib import Path

    heavy = ("numpy", "pyvi", "sklearn", "scipy", "jinja2", "multiprocessing", "whoosh.searching")
    code = (
        "import sys\n"
        "from ttdn_search.cli import main\n"
        "try:\n"
        "    main(['search', 'hợp tác kinh tế đối ngoại', '--index', sys.argv[1]])\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        f"print('LOADED', sorted(m for m in {heavy!r} if m in sys.modules))\n"
    )
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", code, str(samples_index)], capture_output=True, text=True,
                         cwd=root, check=True)
    assert out.stdout.splitlines()[-1] == "LOADED []"
