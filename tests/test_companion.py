"""The per-segment companion files: bitmaps, merges and deletions agree with a fresh one-segment index."""

import json
from pathlib import Path

import pytest

from ttdn_search.engine import bitmaps as B
from ttdn_search.engine import format as F
from ttdn_search.filters import Filters
from ttdn_search.engine.merging import max_segments
from ttdn_search.indexer import build_index
from ttdn_search.normalize import fold
from ttdn_search.search import Searcher

SAMPLES = Path(__file__).resolve().parents[1] / "ttdn_search" / "samples"
QUERIES = ["thông tin đối ngoại", "thong tin doi ngoai", "hội nghị tổng kết", "biên giới", '"đối ngoại"',
           "Kết luận 57-KL/TW", "tỉnh -Quảng", "Lào Cai OR Khánh Hòa", ""]


def test_bitmap_helpers():
    ids = [0, 3, 8, 9, 63, 64, 1000]
    bm = B.from_ids(ids, 1001)
    assert B.members(bm) == ids
    assert B.highest(bm, 3) == [63, 64, 1000]
    assert B.highest(bm, 50) == ids
    assert [B.lowest(bm, k) for k in (0, 1, 2, 3, 4, 7, 50)] == [ids[:k] for k in (0, 1, 2, 3, 4, 7, 50)]
    assert B.lowest(0, 5) == []
    # Bit-sliced counters: three sets, counts 0..3.
    sets = [B.from_ids(s, 16) for s in ([1, 2, 3], [2, 3], [3, 5])]
    planes = B.count_planes(sets)
    universe = B.full(16)
    assert B.members(B.at_least(planes, 3, universe)) == [3]
    assert B.members(B.at_least(planes, 2, universe)) == [2, 3]
    assert B.members(B.at_least(planes, 1, universe)) == [1, 2, 3, 5]
    assert B.at_least(planes, 4, universe) == 0


def _articles(tmp_path: Path, n: int, tag: str = "") -> Path:
    rows = []
    for line in (SAMPLES / "articles.jsonl").read_text("utf-8").splitlines() if (SAMPLES / "articles.jsonl").exists() else []:
        rows.append(json.loads(line))
    out = tmp_path / f"more{tag}.jsonl"
    with out.open("w", encoding="utf-8") as f:
        for i in range(n):
            f.write(json.dumps({"id": f"extra-{i}", "title": f"Bản tin đối ngoại số {i} {tag}",
                                "date": f"2024-0{1 + i % 9}-1{i % 9}",
                                "text": f"Tỉnh Lào Cai thông tin đối ngoại lần {i} {tag}. Hội nghị tổng kết biên giới."},
                               ensure_ascii=False) + "\n")
    return out


def _snapshot(index: Path) -> list:
    out = []
    with Searcher(index) as s:
        for q in QUERIES:
            r = s.search(q, limit=50)
            out.append((q, r.total, sorted(h.id for h in r.hits), {k: sorted((c.value, c.count) for c in v)
                                                                  for k, v in r.facets.items()}))
        r = s.search("", filters=Filters(date_from="2024-03", date_to="2024-05-12"), limit=50)
        out.append(("dates", r.total, sorted(h.id for h in r.hits)))
    return out


@pytest.mark.parametrize("pair_df", [F.PAIR_DF, 2])
def test_many_small_runs_with_updates_match_one_fresh_build(tmp_path, monkeypatch, pair_df):
    """Segments from many small runs, updated articles (deletions) and a merge of the small segments
    answer exactly as one fresh segment does; with pairs frequent enough for keys of their own
    (format.pair_key) too, which a merge finds anew."""
    monkeypatch.setattr(F, "PAIR_DF", pair_df)
    extra = _articles(tmp_path, 30)
    changed = _articles(tmp_path, 30, tag="sửa")
    inc = tmp_path / "inc"
    monkeypatch.setenv("TTDN_BATCH_SIZE", "3")
    build_index([SAMPLES], inc, jobs=1)
    build_index([extra], inc, jobs=1)
    # Re-index with new text for the same ids: updates delete the old documents in older segments.
    report = build_index([changed], inc, jobs=1)
    assert report.updated == 30
    with Searcher(inc) as s:
        # Small runs were merged: no more segments are left than the merge policy allows.
        assert 1 <= len(s.segments.parts) <= max_segments(s.doc_count)
    monkeypatch.delenv("TTDN_BATCH_SIZE")
    fresh = tmp_path / "fresh"
    build_index([SAMPLES, changed], fresh, jobs=1)
    with Searcher(fresh) as s:
        assert len(s.segments.parts) == 1
    assert _snapshot(inc) == _snapshot(fresh)
    # In order, too: equal dates and equal scores are ordered by the id's tie key, not by document
    # numbers, which a merge changes (after merges, same-date articles swapped places in --sort date).
    assert _ordered(inc) == _ordered(fresh)


def _ordered(index: Path) -> list:
    with Searcher(index) as s:
        return [[h.id for h in s.search(q, sort=sort, limit=100).hits]
                for q, sort in (("", "date"), ("biên giới", "date"), ("Bản tin đối ngoại", "relevance"),
                                ("hội nghị tổng kết", "relevance"))]


def test_segment_without_companion_asks_for_rebuild(tmp_path):
    from ttdn_search.errors import CompanionMissing

    d = tmp_path / "ix"
    build_index([SAMPLES], d, jobs=1)
    for f in d.glob(f"*.{F.EXT}"):
        f.unlink()
    with pytest.raises(CompanionMissing, match="--rebuild"):
        Searcher(d)


def test_incremental_run_updates_the_vocabulary(tmp_path):
    """A run that adds articles updates vocab.bin from the new segment: accents of new words restore."""
    d = tmp_path / "ix"
    build_index([SAMPLES], d, jobs=1)
    new = tmp_path / "new.jsonl"
    new.write_text("\n".join(json.dumps({"id": f"blv-{i}", "title": f"Ngư dân đảo Bạch Long Vĩ bám biển {i}",
                                         "text": "Huyện đảo Bạch Long Vĩ đón đoàn công tác.", "date": "2024-05-02"},
                                        ensure_ascii=False) for i in range(3)), "utf-8")
    from ttdn_search.engine.vocab import read_vocab

    before = read_vocab(d)
    assert "bach_long_vi" not in before["w"]
    build_index([new], d, jobs=1)
    after = read_vocab(d)
    assert after["w"]["bach_long_vi"][0] == "bạch_long_vĩ"
    assert set(before["s"]) <= set(after["s"])
    with Searcher(d) as s:
        assert s.search("bach long vi").suggestion == "bạch long vĩ"


def test_raw_key_skips_unchanged_records_but_never_a_stale_one(tmp_path):
    """A re-run skips records by their exact bytes; a record whose id another file has since updated
    is read again and restored."""
    def write(name, text):
        p = tmp_path / name
        p.write_text(json.dumps({"id": "x", "title": "Tin thử", "text": text, "date": "2024-01-02"},
                                ensure_ascii=False) + "\n", "utf-8")
        return p

    d = tmp_path / "ix"
    a = write("a.jsonl", "Phiên bản một về biên giới.")
    b = write("b.jsonl", "Phiên bản hai về hợp tác.")
    assert build_index([a], d, jobs=1).added == 1
    again = build_index([a], d, jobs=1)
    assert (again.unchanged, again.added, again.updated) == (1, 0, 0)
    assert build_index([b], d, jobs=1).updated == 1
    back = build_index([a], d, jobs=1)
    assert (back.unchanged, back.updated) == (0, 1)
    with Searcher(d) as s:
        assert s.search("biên giới").total == 1 and s.search("hợp tác").total == 0


def _views(s):
    """(document, folded title, folded body) of every live document, as text."""
    view = s.segments
    for d in B.members(view.live):
        title, body, _ = view.texts(d)
        yield d, title, body


@pytest.fixture(scope="module")
def pair_searcher(tmp_path_factory):
    """The samples indexed with PAIR_DF and EXACT_PAIR_DF 2: most of their frequent pairs get a key of
    their own."""
    mp = pytest.MonkeyPatch()
    mp.setattr(F, "PAIR_DF", 2)
    mp.setattr(F, "EXACT_PAIR_DF", 2)
    try:
        d = tmp_path_factory.mktemp("pairs") / "ix"
        build_index([SAMPLES], d, jobs=1)
    finally:
        mp.undo()
    with Searcher(d) as s:
        yield s


@pytest.mark.parametrize("which", ["searcher", "pair_searcher"])
def test_phrase_candidates_hold_every_phrase_holder(which, request):
    """Hashed pairs may let in documents without the phrase, never leave one out that has it; a pair's
    own key holds exactly the documents holding the pair; and the holders found in the coded views are
    the holders of the phrase in the text."""
    searcher = request.getfixturevalue(which)
    view = searcher.segments
    docs = list(_views(searcher))
    phrases = set()
    for _, title, body in docs[:6]:
        words = body.split()
        phrases.update(tuple(words[i : i + n]) for n in (2, 3, 5) for i in range(0, min(len(words) - n, 60), 7))
        phrases.add(tuple(title.split()[:4]))
    phrases.add(("thong", "tin", "doi", "ngoai"))
    phrases.add(("tin", "thong"))  # in no view: none holds it
    assert len(phrases) > 40
    own = 0
    for ph in phrases:
        pattern = f" {' '.join(ph)} "
        truth = [d for d, title, body in docs if pattern in f" {title} " or pattern in f" {body} "]
        candidates = view.phrase_candidates(list(ph), view.live)
        assert set(truth) <= set(B.members(candidates)), ph
        assert B.members(view.holders(list(ph), view.live)) == truth, ph
        comp = view.parts[0][0]
        codes = comp.pattern(list(ph))
        if len(ph) == 2 and codes is not None and comp.df(F.pair_key(codes.decode("utf-8"))):
            own += 1
            assert B.members(candidates) == truth, ph
    assert (own > 10) == (which == "pair_searcher")


@pytest.mark.parametrize("exact_pair_df", [F.EXACT_PAIR_DF, 2])
def test_word_view_holders_across_segments_are_the_documents_holding_the_words(tmp_path, monkeypatch, exact_pair_df):
    """Segments.words_holding (typed diacritics, checked segment by segment, each in its own codes) keeps
    exactly the documents whose word view, joiners as spaces, holds every run, whichever it is given; by
    the keys of frequent pairs with diacritics (format.exact_pair_key) too."""
    import random

    monkeypatch.setattr(F, "EXACT_PAIR_DF", exact_pair_df)
    samples = Path(__file__).resolve().parents[1] / "ttdn_search" / "samples"
    d = tmp_path / "ix"
    build_index([samples], d, jobs=1, batch_size=4)
    with Searcher(d) as s:
        view = s.segments
        assert len(view.parts) > 2
        exact_keys = sum(1 for comp, _ in view.parts for k, _ in comp.iter_postings() if k[0] == "q")
        assert (exact_keys > 20) == (exact_pair_df == 2)
        everyone = list(range(view.ndocs))
        syllables = {n: " " + view.texts(n)[2].replace("_", " ").replace("\n", " ") + " " for n in everyone}
        rng = random.Random(7)
        runs = []
        for n in everyone:
            words = syllables[n].split()
            for size in (1, 2, 3):
                at = rng.randrange(max(1, len(words) - size))
                runs.append(words[at : at + size])
        runs.append("không có ở đâu cả".split())
        for _ in range(60):
            some_runs = rng.sample(runs, rng.choice((1, 2)))
            some = sorted(rng.sample(everyone, rng.randrange(1, len(everyone) + 1)))
            truth = [n for n in some if all(f" {' '.join(r)} " in syllables[n] for r in some_runs)]
            assert B.members(view.words_holding(B.from_ids(some, view.ndocs), some_runs)) == truth


def test_spellings_are_what_the_word_views_write(tmp_path):
    """Segments.spellings (the suggester's "as the articles write it", read in the codes) finds every
    accented form of a folded run that the decoded word views hold, as often as they hold it."""
    import random

    d = tmp_path / "ix"
    build_index([SAMPLES], d, jobs=1, batch_size=4)
    with Searcher(d) as s:
        view = s.segments
        everyone = list(range(view.ndocs))
        texts = {n: view.texts(n)[2].replace("_", " ").replace("\n", " ").split() for n in everyone}
        rng = random.Random(3)
        runs = [["thong", "tin"], ["viet", "nam"], ["doi", "ngoai"], ["khong", "co", "o", "dau"]]
        for n in everyone:
            words = texts[n]
            at = rng.randrange(max(1, len(words) - 3))
            runs.append([fold(w) for w in words[at : at + rng.choice((1, 2, 3))]])
        for run in runs:
            some = rng.sample(everyone, rng.randrange(1, len(everyone) + 1))
            truth: dict[str, int] = {}
            for n in some:
                words = texts[n]  # non-overlapping, left to right, as a regex finds them
                i = 0
                while i + len(run) <= len(words):
                    if [fold(w) for w in words[i : i + len(run)]] == run:
                        key = " ".join(words[i : i + len(run)])
                        truth[key] = truth.get(key, 0) + 1
                        i += len(run)
                    else:
                        i += 1
            assert view.spellings(some, run) == truth, run
        assert view.spellings(everyone, ["thong", "tin"])["thông tin"] > 5
        assert view.spellings(everyone, []) == {} and view.spellings([], ["thong"]) == {}


def test_coded_views_count_every_syllable(searcher):
    """A view is its syllables' codes: the count of a syllable's code is how often the syllable occurs
    (repeats next to each other included), and the length in characters is the number of syllables."""
    from collections import Counter

    checked = 0
    view = searcher.segments
    for d in B.members(view.live):
        comp, local = view.locate(d)
        coded = comp.views(local)[:2]
        for text, codes in zip(view.texts(d)[:2], coded):
            tokens = text.split()
            assert len(codes.decode("utf-8")) == len(tokens)
            for k, n in Counter(tokens).items():
                assert codes.count(comp.code(k)) == n, (d, k)
                checked += 1
    assert checked > 500


def test_records_round_trip_through_their_codes(tmp_path):
    """Whatever the record, the file's codes give back its text: empty views, stray joiners, a syllable
    no key names (a CODE entry), codes of every UTF-8 length, surrogates skipped; a syllable the file does
    not hold has no code, and a run with one has no pattern."""
    from ttdn_search.engine.builder import Builder
    from ttdn_search.engine.companion import Companion

    many = [f"s{i}" for i in range(56_000)]  # past U+D7FF: the codes skip the surrogates
    records = [
        ("", "", "\n", b""),
        ("thong tin", "", "thông_tin\n", b""),
        ("", "doi ngoai doi", "\nđối_ngoại đối", "province\x1fHà Nội".encode()),
        ("a b", "b a a", "a__b _ b\nb a a", b""),
        ("北京 x", " ".join(many), "北京 x\n" + " ".join(many), b""),
    ]
    b = Builder()
    for title, body, words, facets in records:
        keys = [F.folded_key(k) for k in set(title.split()) | set(body.split())]
        keys += [F.exact_key(k) for k in set(words.replace("_", " ").split()) if F.has_exact_key(k)]
        keys = [k for k in keys if k != F.folded_key("x")]  # "x": in the views, no key of its own
        b.add(keys, F.plain_record(title, body, words, facets), 0)
    path = tmp_path / "seg.ttdn"
    b.write(path)
    comp = Companion(path)
    try:
        comp.verify()
        for d, (title, body, words, facets) in enumerate(records):
            want_words = "\n".join(" ".join("_".join(p for p in w.split("_") if p) for w in line.split()
                                             if w.strip("_")) for line in words.split("\n"))
            assert comp.texts(d) == (title, body, want_words), d
            assert comp.facet_keys(d) == facets
        assert comp._entry(F.folded_key("x"))[0] == F.CODE and comp.code("x") is not None
        assert "x" not in dict(comp.iter_postings()) and "fx" not in dict(comp.iter_postings())
        assert {len(comp.code(k)) for k in ("a", "s1000", "s5000", "s55900")} == {1, 2, 3}
        assert comp.code("đối") != comp.code("doi") and comp.code("khong") is None
        assert comp.pattern(["thong", "tin"]) == comp.code("thong") + comp.code("tin")
        assert comp.pattern(["thong", "khong"]) is None
        assert comp.syllables == sum(len(t.split()) + len(bo.split()) for t, bo, _, _ in records)
    finally:
        comp.close()


@pytest.mark.parametrize("ndocs", [F.NARROW_DOCS, F.NARROW_DOCS + 1])
def test_array_postings_are_narrow_while_every_number_fits(tmp_path, ndocs):
    """ARRAY postings hold u16 document numbers in a file of up to 65,536 documents, u32 above; both
    read back the same numbers, the last document's included."""
    from ttdn_search.engine.builder import Builder
    from ttdn_search.engine.companion import Companion

    b = Builder()
    rare = {0, 1, 777, ndocs - 2, ndocs - 1}
    for d in range(ndocs):
        b.add(["fx"] if d in rare else [], F.pack_views("", "", "", {}), 0)
    path = tmp_path / "seg.ttdn"
    b.write(path)
    comp = Companion(path)
    try:
        kind, df, _, length, _ = comp._entry("fx")
        assert (kind, df) == (F.ARRAY, 5)
        assert length == 5 * (2 if ndocs <= F.NARROW_DOCS else 4)
        assert sorted(B.members(comp.bitmap("fx"))) == sorted(rare)
        assert dict(comp.iter_postings())["fx"].tolist() == sorted(rare)
        assert B.members(comp.all_of(["fx"], within=1 << (ndocs - 1))) == [ndocs - 1]
    finally:
        comp.close()


def test_facet_counts_are_the_same_either_way(searcher, monkeypatch):
    """Facets counted from value bitmaps and from the matches' own values agree, filters or not."""
    import ttdn_search.engine.facet_counts as S

    view = searcher.segments
    for name in ("province", "year", "directive", "kind", "province_new"):
        any_value = 0
        for value in view.facet_values(name):
            any_value |= view.facet(name, value)
        assert view.facet_any(name) == any_value
    for q in ("thông tin đối ngoại", "hội nghị", "biên giới", "", "Kết luận 57-KL/TW"):
        monkeypatch.setattr(S, "SCAN_US", 0.0)
        by_scan = searcher.search(q, facet_limit=3).facets
        monkeypatch.setattr(S, "SCAN_US", 1e9)
        by_bitmaps = searcher.search(q, facet_limit=3).facets
        assert by_scan == by_bitmaps, q


def test_rerun_skips_unchanged_records_whatever_the_field_order(tmp_path, monkeypatch):
    """Whoosh gives the indexed field names as a one-pass iterator in hash order: in half of all runs
    (PYTHONHASHSEED) 'rawkey' came before 'idhash', and every record's page was cleaned again."""
    from whoosh.reading import IndexReader, MultiReader, SegmentReader

    import ttdn_search.ingest as ingest

    d = tmp_path / "ix"
    first = build_index([SAMPLES / "articles.jsonl"], d, jobs=1)
    assert first.added >= 10
    for cls in (IndexReader, SegmentReader, MultiReader):
        orig = cls.indexed_field_names
        monkeypatch.setattr(cls, "indexed_field_names",
                            lambda self, orig=orig: iter(sorted(orig(self), reverse=True)))  # rawkey first
    cleaned = []
    real = ingest.clean_page
    monkeypatch.setattr(ingest, "clean_page", lambda *a, **k: cleaned.append(1) or real(*a, **k))
    again = build_index([SAMPLES / "articles.jsonl"], d, jobs=1)
    assert (again.unchanged, again.added, cleaned) == (first.added, 0, [])


def test_the_merge_policy_never_merges_whole_batches_and_bounds_the_rest():
    from ttdn_search.engine.merging import DEFAULT_BATCH, TIER_WIDTH, max_segments
    from ttdn_search.engine.merging import merge_small

    full = [(f"big{i}", DEFAULT_BATCH) for i in range(100)]
    assert merge_small(full) == []  # a 1M build: 100 segments, none merged (Whoosh: ~9 ms an article)
    small = [(f"s{i}", 100 + i) for i in range(TIER_WIDTH - 1)]
    assert merge_small(full + small) == []
    tier = full + small + [("one-more", 500)]
    assert sorted(merge_small(tier)) == sorted([sid for sid, _ in small] + ["one-more"])
    # Runs of a few articles, one after another: the count stays bounded, each merge takes one tier only.
    segs, n = [], 0
    for run in range(500):
        segs.append((f"r{run}", 3))
        n += 3
        chosen = merge_small(segs)
        if chosen:
            assert len(chosen) == TIER_WIDTH
            merged = sum(size for sid, size in segs if sid in chosen)
            segs = [s for s in segs if s[0] not in chosen] + [(f"m{run}", merged)]
        assert len(segs) <= max_segments(n)
    # A batch shrunk by updates is small again, and mergeable.
    assert sorted(merge_small([("shrunk", 40)] + [(f"t{i}", 20 + i) for i in range(TIER_WIDTH - 1)])) == sorted(
        ["shrunk"] + [f"t{i}" for i in range(TIER_WIDTH - 1)])


def test_a_run_that_merges_updates_the_vocabulary_too(tmp_path, monkeypatch):
    """Small runs until the merge policy merges their segments: the merging run adds its own words to
    vocab.bin (the merged documents' words are in it already) instead of reading every segment again."""
    import ttdn_search.engine.vocab as V

    d = tmp_path / "ix"
    build_index([SAMPLES], d, jobs=1)
    places = ["Bạch Long Vĩ", "Cô Tô", "Lý Sơn", "Phú Quý", "Côn Đảo", "Thổ Chu", "Vân Đồn", "Cồn Cỏ", "Cát Bà"]
    whole = []
    real = V.build_vocab
    monkeypatch.setattr(V, "build_vocab", lambda words, min_df=V.MIN_DF: (whole.append(min_df == V.MIN_DF)
                                                                          or real(words, min_df)))
    merged = False
    for i, place in enumerate(places):
        new = tmp_path / f"new{i}.jsonl"
        new.write_text("\n".join(json.dumps({"id": f"dao-{i}-{k}", "title": f"Ngư dân huyện đảo {place} bám biển",
                                             "text": f"Huyện đảo {place} đón đoàn công tác {k}.", "date": "2024-05-02"},
                                            ensure_ascii=False) for k in range(2)), "utf-8")
        before = len(list(d.glob(f"*.{F.EXT}")))
        whole.clear()
        build_index([new], d, jobs=1)
        assert not any(whole), f"run {i}: the vocabulary was read from every segment again"
        merged = merged or len(list(d.glob(f"*.{F.EXT}"))) < before + 1
    assert merged, "no run merged segments"
    vocab = V.read_vocab(d)
    for place in places:
        key = "_".join(fold(place).lower().split())
        assert key in vocab["w"] or all(s in vocab["s"] for s in key.split("_")), place


def test_the_vocabulary_does_not_depend_on_the_order_of_the_words():
    """Equally frequent spellings: the vocabulary picks the same one whatever order the companions list
    their words in (any change to a file's keys reorders its key table)."""
    import random

    from ttdn_search.engine import vocab as V

    words = [("nilông", 3), ("nilong", 3), ("túi_nilông", 2), ("túi_nilong", 2), ("biên_phòng", 5),
             ("biên_phong", 1), ("nhà", 4), ("nhá", 4), ("mở", 2), ("mớ", 2)]
    first = V.build_vocab(words, min_df=1)
    assert first["s"]["nilong"] == ("nilong", 5) and first["w"]["bien_phong"] == ("biên_phòng", 5)
    rng = random.Random(3)
    for _ in range(20):
        rng.shuffle(words)
        assert V.build_vocab(words, min_df=1) == first


def _encode_v1(vocab: dict) -> bytes:
    """vocab.bin as TTDNVOC1 wrote it (blocks of keys and of spellings in one order)."""
    import struct
    import zlib
    from array import array

    blocks, dfs, counts = [], array("I"), []
    for part in ("w", "s"):
        entries = list(vocab[part].items())
        counts.append(len(entries))
        blocks.append("\n".join(k for k, _ in entries).encode("utf-8"))
        blocks.append("\n".join(t for _, (t, _) in entries).encode("utf-8"))
        dfs.extend(df for _, (_, df) in entries)
    body = struct.pack("<8s2I4Q", b"TTDNVOC1", *counts, *(len(b) for b in blocks)) + dfs.tobytes() + b"".join(blocks)
    return body + zlib.crc32(body).to_bytes(4, "little")


def test_vocabulary_lookups_by_bisection_and_the_earlier_file(tmp_path, monkeypatch):
    """vocab.bin is looked up in place (sorted entries, bisection), a dict once asked often, and a file
    an earlier version wrote reads the same."""
    from ttdn_search.engine import vocab as V

    words = {"ab": ("áb", 3), "ab_c": ("áb_c", 2), "a": ("à", 9), "ab_cd": ("ab_cđ", 2), "đa_b": ("đa_b", 4),
             "z": ("z", 1)}
    sylls = {f"s{i}": (f"s{i}", i) for i in range(50)}
    vocab = {"w": words, "s": sylls}
    (tmp_path / V.VOCAB_FILE).write_bytes(V._encode(vocab))
    monkeypatch.setattr(V.SortedPart, "DICT_AFTER", 40)
    got = V.read_vocab(tmp_path)
    for part, want in vocab.items():
        assert len(got[part]) == len(want)
        for k, v in want.items():
            assert got[part].get(k) == v and got[part][k] == v and k in got[part]
        for missing in ("", "abc", "a_", "b", "ab_", "zz", "đ", "\udcff"):
            assert missing not in got[part] and got[part].get(missing) is None
        # 34 lookups of the compounds: still bisected; 166 of the syllables: a dict after the 40th
        assert (got[part]._dict is not None) == (part == "s")
        assert dict(got[part].items()) == want
    (tmp_path / V.VOCAB_FILE).write_bytes(_encode_v1(vocab))
    assert V.read_vocab(tmp_path) == vocab


@pytest.mark.parametrize("segments", [1, 3, 24, 25, 100])
def test_index_wide_bitmaps_join_and_cut_as_shifts_do(segments):
    """Segments' bitmaps joined into one and cut back (pairwise and through bytes beyond MANY segments)
    give what one shift per segment gives, at every alignment and with empty segments among them."""
    import random

    from ttdn_search.engine.bitmaps import MANY, cutter, full, join

    rng = random.Random(segments)
    sizes = [rng.choice([0, 1, 7, 8, 9, 63, 64, 65, 500]) for _ in range(segments)]
    offsets = [sum(sizes[:i]) for i in range(segments)]
    for density in (0.0, 0.01, 0.5, 1.0):
        parts = [(o, sum(1 << d for d in range(n) if rng.random() < density)) for o, n in zip(offsets, sizes)]
        want = 0
        for o, bm in parts:
            want |= bm << o
        assert join(parts) == want
        x = want | rng.getrandbits(sum(sizes) + 70) if density else want
        cut = cutter(x, segments)
        assert [cut(o, full(n)) for o, n in zip(offsets, sizes)] == [x >> o & full(n) for o, n in zip(offsets, sizes)]
    assert MANY < 25


def test_all_of_over_many_segments_is_the_segment_by_segment_answer(tmp_path, monkeypatch):
    """Beyond MANY segments `Segments.all_of` ANDs index-wide sets (remembered by the view): the same
    documents as segment by segment, for rare, common, absent and repeated keys, asked twice."""
    import random

    from ttdn_search.engine import segments as S

    d = tmp_path / "ix"
    build_index([SAMPLES], d, jobs=1, batch_size=4)
    with Searcher(d) as s:
        view = s.segments
        assert len(view.parts) > 2
        words = sorted({w for n in range(view.ndocs) for w in view.texts(n)[1].split()})
        rng = random.Random(3)
        sets = [rng.sample(words, rng.choice((1, 2, 3))) for _ in range(80)] + [["thong", "khong-co-dau"], []]
        keysets = [[F.folded_key(w) for w in ws] for ws in sets]
        want = [view.all_of(ks) for ks in keysets]  # segment by segment (a few parts)
        assert any(want) and not all(want)
        monkeypatch.setattr(S, "MANY", 0)
        assert [view.all_of(ks) for ks in keysets] == want
        for ks in keysets:  # now every key remembered: the index-wide sets answer
            for k in ks:
                view.bitmap(k)
        assert all(k in view._bitmaps for ks in keysets for k in ks)
        assert [view.all_of(ks) for ks in keysets] == want
