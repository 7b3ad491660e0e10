"""Property-based: whatever a user types or passes as a filter, search answers or says what is wrong, never a traceback.

Library: `Searcher.search` returns a SearchResult or raises BadQuery (a one-line message, exit 2 in the CLI).
CLI: `ttdn search` exits 0 with JSON (results or none) or 2 with "Lỗi: ..." on stderr.
Set TTDN_FUZZ_EXAMPLES to run more examples than CI does (e.g. 5000).
"""

import json
import os

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ttdn_search.cli import main
from ttdn_search.errors import BadQuery
from ttdn_search.filters import Filters
from ttdn_search.results import SearchResult

EXAMPLES = int(os.environ.get("TTDN_FUZZ_EXAMPLES") or 150)
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))

# Pieces of query syntax and of real queries, to be shuffled into each other and into random text.
SYNTAX = ['"', "(", ")", "AND", "OR", "NOT", "-", "&&", "||", ":", "province:", "tinh:\"", "year:", "y:", "from:",
          "to:", "directive:", "d:", "kind:", "unit:", "loai:", "nam:2019-", "*", "?", "~", "^", "\\", "/", "'",
          "57-KL/TW", "Kết luận 57", "ket luan", "số 72/2015/NĐ-CP", "Nghệ An", "thông tin đối ngoại", "hội nghị",
          "2024", "-2024", "--", "\x00", "\u0301", "\u200b", "\ufeff", "\U0001f600", "\n", "\t", " ", "  "]
syntax_soup = st.lists(st.one_of(st.sampled_from(SYNTAX), st.text(max_size=6)), max_size=25).map(" ".join)
queries = st.one_of(
    st.text(max_size=80),
    syntax_soup,
    st.sampled_from(SYNTAX),
    st.builds(lambda s, n: s * n, st.sampled_from(SYNTAX + ["thông tin ", "a", "x"]), st.integers(1, 10_000)),
)

odd = st.one_of(st.text(max_size=15), st.sampled_from([
    "", " ", "2024", "2019-2021", "2021-2019", "1900", "20245", "-1", "0", "2024-02-30", "2024-13", "2024-00-01",
    "2024-1-1", "99999999999999999999", "Nghệ An", "nghe an", "TP.HCM", "Atlantis", "57-KL/TW", "ket luan 57",
    "Hội nghị tổng kết", "\x00", "１２３", "٢٠٢٤",
]))
filters = st.builds(
    Filters,
    st.lists(odd, max_size=2), st.lists(odd, max_size=2), st.lists(odd, max_size=2), st.lists(odd, max_size=2),
    st.one_of(st.none(), odd), st.one_of(st.none(), odd), st.lists(odd, max_size=2), st.lists(odd, max_size=2),
    st.lists(st.tuples(st.sampled_from(["province", "unit", "year", "mentioned", "directive", "kind", "bogus"]), odd),
             max_size=2),
)


@pytest.fixture(scope="module")
def searcher(samples_index):
    from ttdn_search.search import Searcher

    with Searcher(samples_index) as s:
        yield s


@FUZZ
@given(q=queries, f=st.one_of(st.just(Filters()), filters), sort=st.sampled_from(["relevance", "date"]),
       limit=st.integers(0, 50), offset=st.integers(0, 50))
def test_library_never_raises_anything_but_bad_query(searcher, q, f, sort, limit, offset):
    try:
        res = searcher.search(q, filters=f, limit=limit, offset=offset, sort=sort)
    except BadQuery as exc:
        msg = str(exc)
        assert msg and "\n" not in msg and "Traceback" not in msg
        return
    assert isinstance(res, SearchResult)
    assert len(res.hits) <= limit and res.total >= 0
    json.dumps(res.to_json(), ensure_ascii=False)


FILTER_OPTIONS = ["-p", "-y", "-d", "--kind", "--from", "--to"]
cli_args = st.lists(st.tuples(st.sampled_from(FILTER_OPTIONS), odd.filter(lambda v: "\x00" not in v)), max_size=3)


def _check_cli(result) -> None:
    assert result.exit_code in (0, 2), (result.exit_code, result.output, result.exception)
    # SystemExit is how click exits; anything else escaped the CLI's error handling.
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output and "Traceback" not in result.stderr
    if result.exit_code == 0:
        out = json.loads(result.stdout)
        assert out["total"] >= 0 and isinstance(out["hits"], list)
    else:
        lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
        assert lines, "exit 2 without a message"
        assert lines[-1].startswith(("Lỗi: ", "Error: ")), result.stderr


@FUZZ
@given(q=queries.filter(lambda s: "\x00" not in s), opts=cli_args, sort=st.sampled_from(["relevance", "date", "bogus"]),
       limit=st.sampled_from(["0", "3", "-1", "x", "10001"]),
       offset=st.sampled_from(["0", "2", "-3", "x", "99999999999999"]))
def test_cli_search_exits_0_or_2_with_a_message(samples_index, q, opts, sort, limit, offset):
    args = ["search", "--index", str(samples_index), "--json", "--sort", sort, "-n", limit, "--offset", offset]
    for name, value in opts:
        args += [name, value]
    # After "--", as a user types a query that starts with "-" ("-p" would be read as an option).
    _check_cli(CliRunner().invoke(main, [*args, "--", q]))


@FUZZ
@given(q=queries.filter(lambda s: "\x00" not in s and s.strip()), opts=cli_args)
def test_cli_directive_exits_0_or_2_with_a_message(samples_index, q, opts):
    args = ["directive", "--index", str(samples_index), "--json"]
    for name, value in opts:
        args += [name, value]
    _check_cli(CliRunner().invoke(main, [*args, "--", q]))


@pytest.mark.parametrize("q", [
    "NOT", "OR", "AND", "-", "(", ")", '"', "((((", "))))", '"thông tin', "thông tin)", "NOT NOT NOT",
    "province:", 'province:"', "year:abc", "(" * 5000 + "a", "NOT " * 400 + "a", "x" * 10_000, "thông tin " * 1000,
])
def test_operators_alone_and_unbalanced(searcher, q):
    """Each either answers or raises BadQuery with a message; the deep ones do not exhaust the stack."""
    try:
        res = searcher.search(q)
    except BadQuery as exc:
        assert "quá dài" in str(exc) or "không hợp lệ" in str(exc) or "Không" in str(exc)
    else:
        assert res.total >= 0


def test_long_query_is_a_usage_error_with_a_message(samples_index):
    result = CliRunner().invoke(main, ["search", "thông tin " * 1000, "--index", str(samples_index)])
    assert result.exit_code == 2
    assert "quá dài" in result.stderr


@pytest.mark.parametrize("args, needle", [
    (["-y", "hai nghìn"], "Năm không hợp lệ"),
    (["--from", "2024-13"], "Tháng không hợp lệ"),
    (["--to", "hôm qua"], "Ngày không hợp lệ"),
    (["-p", "Atlantis"], "Không biết tỉnh/thành"),
    (["-d", "không phải số hiệu"], "Không nhận ra số hiệu"),
    (["--kind", "tiểu thuyết"], "Không biết loại bài"),
])
def test_every_filter_with_an_invalid_value(samples_index, args, needle):
    result = CliRunner().invoke(main, ["search", "thông tin", "--index", str(samples_index), *args])
    assert result.exit_code == 2, result.output
    assert needle in result.stderr and result.stderr.startswith("Lỗi: ")
