"""Copies collapsed: the same text republished (other ids, small edits, boilerplate) is one group, found at
index time, kept by incremental runs, shown as one hit with its copies; counts by articles or groups."""

import json
import random
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from ttdn_search.cli import main
from ttdn_search.engine import copies as C
from ttdn_search.engine.groups import COPIES_FILE
from ttdn_search.filters import Filters
from ttdn_search.indexer import build_index
from ttdn_search.search import Searcher

SAMPLES = Path(__file__).resolve().parents[1] / "ttdn_search" / "samples" / "articles.jsonl"


def _samples() -> list[dict]:
    return [json.loads(line) for line in SAMPLES.read_text("utf-8").splitlines() if line.strip()]


def _republished(rec: dict, new_id: str, rng: random.Random) -> dict:
    """Another portal's copy: its own id, title and date, a byline, one paragraph left out."""
    paras = rec["text"].split("\n")
    if len(paras) > 3:
        del paras[rng.randrange(1, len(paras))]
    return {**rec, "id": new_id, "title": "Tin: " + rec["title"], "source": "portal.example",
            "date": rec["date"][:8] + "28", "text": "\n".join(paras) + "\nTheo TTXVN."}


def _corpus() -> tuple[list[dict], set[frozenset]]:
    """The samples, some of them republished once or twice, and the groups expected (as sets of ids)."""
    rng = random.Random(5)
    recs = _samples()
    out = list(recs)
    groups = []
    for i, rec in enumerate(recs[:6]):
        copies = [_republished(rec, f"{rec['id']}-copy{k}", rng) for k in range(1 + i % 2)]
        out.extend(copies)
        groups.append(frozenset([rec["id"], *(c["id"] for c in copies)]))
    # The same text under another id, unchanged: always one group.
    same = {**recs[7], "id": "same-as-07"}
    out.append(same)
    groups.append(frozenset([recs[7]["id"], same["id"]]))
    rng.shuffle(out)
    return out, set(groups)


def _write(path: Path, recs: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), "utf-8")
    return path


def _groups(index: Path) -> set[frozenset]:
    with Searcher(index) as s:
        g = s.copies()
        return {frozenset(s._reader.stored_fields(d)["id"] for d in members) for members in g.members}


@pytest.fixture(scope="module")
def copies_index(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("copies")
    recs, _ = _corpus()
    build_index([_write(tmp / "c.jsonl", recs)], tmp / "ix", jobs=1)
    return tmp / "ix"


def test_republished_articles_form_their_groups_and_nothing_else(copies_index):
    _, expected = _corpus()
    assert _groups(copies_index) == expected


def test_groups_do_not_depend_on_how_the_articles_were_indexed(tmp_path, monkeypatch):
    """One run, or many small runs with updates and merges in between: the same groups."""
    recs, expected = _corpus()
    from ttdn_search.engine.whoosh_store import Store
    from ttdn_search.engine.merging import max_segments

    monkeypatch.setenv("TTDN_BATCH_SIZE", "1")
    ix = tmp_path / "ix"
    for k in range(0, len(recs), 2):  # many runs of a few articles: segments, then merges (the tiers)
        build_index([_write(tmp_path / f"part{k}.jsonl", recs[k : k + 2])], ix, jobs=1)
        seen = {r["id"] for r in recs[: k + 2]}
        assert _groups(ix) == {g & seen for g in expected if len(g & seen) > 1}  # after every run
    assert len(Store.open(ix).segment_sizes()) < len(recs)  # one segment per article committed: merges happened
    assert len(Store.open(ix).segment_sizes()) <= max_segments(len(recs))
    assert _groups(ix) == expected
    # An incremental run that changes one copy into another article takes it out of its group, and back.
    victim = next(r for r in recs if r["id"].endswith("-copy0"))
    other = {**victim, "text": "Một bài hoàn toàn khác về lễ hội văn hóa, du lịch và ẩm thực của địa phương, "
                               "không liên quan đến bài gốc nào trong bộ mẫu, được viết riêng cho kiểm thử này."}
    build_index([_write(tmp_path / "changed.jsonl", [other])], ix, jobs=1)
    changed = {g - {victim["id"]} if victim["id"] in g else g for g in expected}
    assert _groups(ix) == {g for g in changed if len(g) > 1}
    build_index([_write(tmp_path / "back.jsonl", [victim])], ix, jobs=1)
    assert _groups(ix) == expected


def test_results_show_one_article_per_group_with_its_copies(copies_index):
    with Searcher(copies_index) as s:
        res = s.search("thông tin đối ngoại", limit=50)
        every = s.search("thông tin đối ngoại", limit=50, collapse=False)
        ids = [h.id for h in res.hits]
        assert len(ids) == res.groups < res.total == len(every.hits)
        group_of = {i: g for g in _groups(copies_index) for i in g}
        assert len({group_of.get(i, i) for i in ids}) == len(ids)  # one per group
        for h in res.hits:
            listed = {c["id"] for c in h.copies}
            assert h.copies_total == len(listed) == len(group_of.get(h.id, {h.id})) - 1
            assert listed == set(group_of.get(h.id, {h.id})) - {h.id}
        # The hit shown is its group's best ranked article: the ranking without collapsing, first of each.
        seen, first = set(), []
        for h in every.hits:
            g = group_of.get(h.id, frozenset([h.id]))
            if g not in seen:
                seen.add(g)
                first.append(h.id)
        assert ids == first


def test_pages_of_collapsed_results_hold_every_group_once(copies_index):
    with Searcher(copies_index) as s:
        whole = s.search("", limit=100)
        paged = []
        for page in range(0, whole.groups, 4):
            paged += [h.id for h in s.search("", limit=4, offset=page).hits]
        assert paged == [h.id for h in whole.hits] and len(paged) == whole.groups


def test_facets_count_articles_or_groups(copies_index):
    with Searcher(copies_index) as s:
        group_of = {i: g for g in _groups(copies_index) for i in g}
        every = s.search("", limit=1000, collapse=False)
        by_groups = s.search("", limit=0, count="groups", facet_limit=0)
        by_articles = s.search("", limit=0, facet_limit=0)
        assert by_groups.count_unit == "groups" and by_articles.count_unit == "articles"
        assert by_groups.total == by_articles.total == len(every.hits)
        for name, values in by_groups.facets.items():
            for fc in values:
                holders = [h for h in s.search(fc.filter, limit=1000, collapse=False).hits]
                assert fc.count == len({group_of.get(h.id, h.id) for h in holders}), (name, fc.value)
        for name, values in by_articles.facets.items():
            for fc in values:
                assert fc.count == s.search(fc.filter, limit=0).total, (name, fc.value)


def test_a_stale_or_damaged_copies_file_is_not_trusted(copies_index, tmp_path):
    import shutil

    from ttdn_search.engine.groups import read_groups
    from ttdn_search.search import Searcher

    ix = tmp_path / "ix"
    shutil.copytree(copies_index, ix)
    expected = _groups(copies_index)
    path = ix / COPIES_FILE
    good = path.read_bytes()
    with Searcher(ix) as s:
        generation, view = s._reader.generation(), s._view
        assert read_groups(ix, generation, view) is not None
        assert read_groups(ix, generation + 1, view) is None  # of another generation: stale
    flipped = bytearray(good)
    flipped[len(good) // 2] ^= 1
    for bad in (good[:-1], bytes(flipped), b"", good[:20], good + b"x"):
        path.write_bytes(bad)
        assert _groups(ix) == expected  # found from the companions instead
    path.unlink()
    (ix / "copies.json").write_text('{"generation": 1, "groups": [[0, 1]]}', "utf-8")  # an earlier version's
    assert _groups(ix) == expected
    # The next run writes it again, and the earlier version's file goes.
    build_index([_write(tmp_path / "none.jsonl", _corpus()[0])], ix, jobs=1)
    assert path.read_bytes() == good and not (ix / "copies.json").exists()


def test_short_texts_are_copies_only_when_nearly_the_same():
    body = "Ban Chỉ đạo công tác thông tin đối ngoại tỉnh tổ chức hội nghị tổng kết năm {}."

    def sig(title, text):
        from ttdn_search.analysis import syllable_keys
        from ttdn_search.engine.format import fold_keys

        sh = C.text_shingles(fold_keys(syllable_keys(title)), fold_keys(syllable_keys(text)))
        return np.frombuffer(C.signature(sh), dtype=np.uint8)

    sigs = np.stack([sig("Hội nghị một", body.format(2024)), sig("Hội nghị hai", body.format(2023)),
                     sig("Hội nghị một", body.format(2024)), sig("", "")])
    assert C.groups_of(sigs, np.arange(3)) == [[0, 2]]
    assert C.shingle_counts(sigs).tolist()[3] == 0 and not sigs[3].any()  # no text: no signature, no copies


def test_estimate_follows_the_exact_resemblance():
    rng = np.random.default_rng(3)
    errors = []
    for keep in (0.3, 0.5, 0.7, 0.9):
        a = rng.integers(0, 2**32, size=800)
        b = a.copy()
        change = rng.random(800) > keep
        b[change] = rng.integers(0, 2**32, size=int(change.sum()))
        sa, sb = C.shingles(a), C.shingles(b)
        est = C.estimate(np.frombuffer(C.signature(sa), np.uint8)[None, : C.NPERM],
                         np.frombuffer(C.signature(sb), np.uint8)[None, : C.NPERM])[0]
        errors.append(abs(est - C.resemblance(sa, sb)))
    assert max(errors) < 0.15 and sum(errors) / len(errors) < 0.08


def test_cli_lines_and_json(copies_index):
    run = CliRunner().invoke
    out = json.loads(run(main, ["search", "thông tin đối ngoại", "--index", str(copies_index), "--json", "-n", "50"]).stdout)
    assert out["collapsed"] is True and out["groups"] < out["total"]
    with_copies = [h for h in out["hits"] if h["copies_total"]]
    assert with_copies and all(set(c) == {"id", "title", "date", "source", "url"} for h in with_copies for c in h["copies"])
    text = run(main, ["search", "thông tin đối ngoại", "--index", str(copies_index), "-n", "50"]).stdout
    assert f"{out['total']} bài là {out['groups']} tin khác nhau" in text
    assert any(line.strip().startswith("Đăng lại ") for line in text.splitlines())
    every = run(main, ["search", "thông tin đối ngoại", "--index", str(copies_index), "-n", "50", "--all-copies",
                       "--count", "groups"]).stdout
    assert "đang hiện cả các bản đăng lại" in every and "— Đếm theo tin" in every
    bad = run(main, ["search", "x", "--index", str(copies_index), "--count", "tin"])
    assert bad.exit_code == 2


def test_pages_show_copies_and_link_the_other_views(copies_index, tmp_path):
    from bs4 import BeautifulSoup

    out = tmp_path / "site"
    r = CliRunner().invoke(main, ["html", "thông tin đối ngoại", "--index", str(copies_index), "-o", str(out)])
    assert r.exit_code == 0, r.output
    soup = BeautifulSoup((out / "index.html").read_text("utf-8"), "html.parser")
    details = soup.select("li.hit details.copies")
    assert details and all(d.summary.get_text().startswith("Đăng lại ") for d in details)
    note = soup.select_one("#copies-note")
    links = {a.get_text(): a["href"] for a in note.select("a")}
    assert set(links) == {"Hiện cả các bản đăng lại", "tin"}
    every = BeautifulSoup((out / links["Hiện cả các bản đăng lại"]).read_text("utf-8"), "html.parser")
    assert len(every.select("li.hit")) > len(soup.select("li.hit"))
    grouped = BeautifulSoup((out / links["tin"]).read_text("utf-8"), "html.parser")
    assert grouped.select_one("#count-unit") is not None


def test_live_page_views(copies_index):
    from ttdn_search.render import PageState, page_view, run_state

    with Searcher(copies_index) as s:
        st = PageState.from_params({"q": ["thông tin đối ngoại"], "copies": ["all"], "count": ["groups"]})
        assert (st.copies, st.count) == ("all", "groups")
        res = run_state(s, st)
        assert not res.collapsed and res.count_unit == "groups"
        view = page_view(res, st, lambda x: x.query_string(), live=True)
        assert "copies=all" in view.view_links["groups"] and "count=groups" in view.view_links["one"]
        # Every link of the page keeps the view: a filter, a sort, the next page.
        assert all("copies=all" in f.url for g in view.facet_groups for f in g.values)
        assert PageState.from_params({"copies": ["<x>"], "count": ["1"]}).copies == ""


def test_directive_lookup_collapses_too(copies_index):
    with Searcher(copies_index) as s:
        d = s.lookup_directive("26-CT/TW", limit=50)
        every = s.lookup_directive("26-CT/TW", limit=50, collapse=False)
        assert d.total == every.total and len(d.hits) == d.groups <= len(every.hits)


def test_no_copies_no_change(samples_index):
    with Searcher(samples_index) as s:
        res = s.search("thông tin đối ngoại", limit=50)
        assert res.groups == res.total and not any(h.copies_total for h in res.hits)
        assert [h.id for h in res.hits] == [h.id for h in s.search("thông tin đối ngoại", limit=50, collapse=False).hits]


def test_filters_apply_to_groups(copies_index):
    with Searcher(copies_index) as s:
        res = s.search("", Filters(date_from="2019-01-01", date_to="2019-12-31"), limit=100)
        assert all(h.date and h.date.startswith("2019") for h in res.hits)


def test_pages_turn_over_groups_not_articles(copies_index):
    from ttdn_search.render import PageState, page_view, run_state

    with Searcher(copies_index) as s:
        st = PageState("thông tin đối ngoại")
        everything = run_state(s, st, limit=100)
        assert everything.listed == everything.groups < everything.total
        view = page_view(run_state(s, st, limit=everything.groups), st, lambda x: x.query_string(), live=True)
        assert view.next_url is None  # every group is on this page: no empty next page
        first = page_view(run_state(s, st, limit=3), st, lambda x: x.query_string(), live=True)
        assert first.next_url is not None
        html = __import__("ttdn_search.render", fromlist=["render_page"]).render_page(first)
        assert f"/ {everything.groups} tin · " in html


@pytest.mark.parametrize("way", ["numpy", "python"])
def test_counting_groups_the_fast_way_and_the_small_way_agree(way, monkeypatch):
    from ttdn_search.engine.bitmaps import from_ids
    from ttdn_search.engine.groups import Groups

    if way == "python":  # as a process that has not imported numpy counts: in Python, whatever the size
        monkeypatch.setattr(Groups, "SMALL", 10**9)

    rng = random.Random(11)
    n = 5000
    docs = list(range(n))
    rng.shuffle(docs)
    groups, i = [], 0
    while i < 3000:
        k = rng.randint(2, 6)
        groups.append(sorted(docs[i : i + k]))
        i += k
    live = from_ids([d for d in range(n) if d % 97], n)
    g = Groups(groups, live)
    for trial in range(30):
        bm = from_ids(sorted(rng.sample(range(n), rng.choice([5, 50, 500, 4000]))), n) & live
        small = (bm & ~g.dup).bit_count() + len({g.group_of[d] for d in range(n) if (bm & g.dup) >> d & 1})
        assert g.count(bm) == small, trial


def test_long_band_runs_do_not_depend_on_document_numbers():
    """Ten articles share one band; two of them are copies by every other band: found whatever the order."""
    rng = np.random.default_rng(8)
    n = 10
    sigs = rng.integers(0, 256, size=(n, C.SIG_BYTES), dtype=np.uint8)
    sigs[:, C.NPERM:] = np.frombuffer((500).to_bytes(4, "little"), np.uint8)  # long texts
    sigs[:, 0:4] = 7  # band 0: the same for all
    x, y = 3, 7
    sigs[y, : C.NPERM] = sigs[x, : C.NPERM]
    sigs[y, 4 : C.NPERM : 4] ^= 1  # one byte of every other band differs: no second band in common
    keys = rng.integers(0, 2**32, size=n, dtype=np.uint64).astype(np.uint32)
    found = set()
    for trial in range(20):
        perm = rng.permutation(n)
        got = C.groups_of(sigs[perm], np.arange(n), keys=keys[perm])
        found.add(frozenset(frozenset(int(perm[i]) for i in g) for g in got))
    assert len(found) == 1  # the same groups under every numbering


def test_collapsing_a_huge_group_ranks_a_few_times_only():
    from ttdn_search.collapse import ranked_groups
    from ttdn_search.engine.bitmaps import from_ids, members
    from ttdn_search.engine.groups import Groups

    n = 20000
    big = list(range(0, 19000))  # one text republished 19,000 times, ranking first
    g = Groups([big], from_ids(range(n), n))
    calls = []

    def ranked(bm, runs, want, sort):
        calls.append(want)
        ids = members(bm)[:want]  # lower document numbers rank first
        return ids, [1.0] * len(ids)

    docs, _ = ranked_groups(ranked, g, from_ids(range(n), n), [], 10, "relevance")
    assert docs == [0, *range(19000, 19009)]
    assert len(calls) <= 10 and max(calls) <= 10


def test_exports_hold_every_article_and_batches_take_the_options(copies_index, tmp_path):
    import csv
    import io

    run = CliRunner().invoke
    total = json.loads(run(main, ["search", "thông tin đối ngoại", "--index", str(copies_index), "--json"]).stdout)["total"]
    rows = list(csv.reader(io.StringIO(run(main, ["search", "thông tin đối ngoại", "--index", str(copies_index),
                                                   "--csv"]).stdout.lstrip("\ufeff"))))
    assert len(rows) - 1 == total  # copies included: a table counts articles
    q = tmp_path / "q.txt"
    q.write_text("thông tin đối ngoại\n", "utf-8")
    one = json.loads(run(main, ["search", "--queries", str(q), "--index", str(copies_index), "-n", "100"]).stdout)
    every = json.loads(run(main, ["search", "--queries", str(q), "--index", str(copies_index), "-n", "100",
                                  "--all-copies"]).stdout)
    assert len(one["hits"]) == one["groups"] < len(every["hits"]) == every["total"]


def test_directive_lines_say_what_is_hidden(copies_index):
    text = CliRunner().invoke(main, ["directive", "26-CT/TW", "--index", str(copies_index)]).stdout
    with Searcher(copies_index) as s:
        d = s.lookup_directive("26-CT/TW", limit=50)
    assert d.groups < d.total  # mau-01 and its copies cite it
    assert f"{d.total} bài là {d.groups} tin khác nhau" in text
    assert "đăng lại" in text
