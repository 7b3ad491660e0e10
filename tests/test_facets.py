"""Facet counts equal the number of matching articles with that value, for random queries and filters."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ttdn_search.filters import Filters
from ttdn_search.search import Searcher

WORDS = ["thông tin", "đối ngoại", "hội nghị", "tổng kết", "biên giới", "kết luận", "tỉnh", "thong tin", "du lich",
         "quốc tế", "phóng viên", "kế hoạch", "2019", "57-KL/TW", "Nghệ An", ""]
FILTER_VALUES = {
    "province": ["Nghệ An", "Lâm Đồng", "ha nam", "TP.HCM", "Hưng Yên"],
    "year": ["2019", "2020", "2018-2021", "2025"],
    "directive": ["57-KL/TW", "72/2015/ND-CP", "chi thi 26"],
}


@st.composite
def cases(draw):
    q = " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=0, max_size=3)))
    f = Filters()
    for name, values in FILTER_VALUES.items():
        chosen = draw(st.lists(st.sampled_from(values), max_size=2, unique=True))
        getattr(f, name).extend(chosen)
    return q, f


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=cases())
def test_facet_counts_equal_filtered_totals(samples_index, case):
    query, filters = case
    with Searcher(samples_index) as s:
        res = s.search(query, filters=filters, limit=0, facet_limit=0)
        assert res.facets, "every search carries facets"
        for name, counts in res.facets.items():
            for c in counts:
                narrowed = filters.merged({"f_" + name: [c.value]})
                sub = s.search(query, filters=narrowed, limit=0, facets=False)
                assert sub.total == c.count, (query, name, c.value)
            # No article is counted under a value it does not have: every count is at most the total.
            assert all(c.count <= res.total for c in counts)
