"""A run's questions about the committed documents (engine/known.py) get the answers reading the whole
lexicon gives (Store.existing_hashes), whether looked up key by key or read whole."""

import json
from pathlib import Path

import pytest

import ttdn_search.engine.known as K
from ttdn_search.engine.known import Known
from ttdn_search.engine.whoosh_store import ID_SEP
from ttdn_search.folder import open_store
from ttdn_search.indexer import build_index

SAMPLES = Path(__file__).resolve().parents[1] / "ttdn_search" / "samples" / "articles.jsonl"


def _recs() -> list[dict]:
    return [json.loads(line) for line in SAMPLES.read_text("utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def updated_index(tmp_path_factory):
    """The samples, then a run that changes three of them (their old versions deleted, their terms kept
    until a merge) and adds one."""
    tmp = tmp_path_factory.mktemp("known")
    recs = _recs()
    first = tmp / "first.jsonl"
    first.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), "utf-8")
    ix = tmp / "ix"
    build_index([first], ix, jobs=1)
    changed = [{**r, "text": r["text"] + "\nCập nhật."} for r in recs[:3]]
    second = tmp / "second.jsonl"
    second.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n"
                              for r in changed + [{**recs[4], "id": "new-one"}]), "utf-8")
    build_index([second], ix, jobs=1)
    return ix, [r["id"] for r in recs]


@pytest.mark.parametrize("lookups", [0, 3, 10_000])
def test_answers_are_the_whole_lexicon_s(updated_index, lookups, monkeypatch):
    """Ids: the same answers, looked up or read whole; raw keys: the same once read whole."""
    ix, ids = updated_index
    store = open_store(ix)
    hashes, raw = store.existing_hashes()
    assert len(raw) > len(ids) and len(hashes) == len(ids) + 1  # both runs' records; the stale ids once
    monkeypatch.setattr(K, "WHOLE_BELOW", 0)  # the samples: as a big index is asked
    known = Known(store, lookups=lookups)
    try:
        for doc_id in [*hashes, "not-there", ids[0] + "x"]:
            assert known.hashes.get(doc_id) == hashes.get(doc_id), doc_id
            assert (doc_id in known.hashes) == (doc_id in hashes)
        assert bool(known.raw)
        with store.ix.searcher() as s:  # every record's key, the replaced versions' too
            every = {t.decode("utf-8").split(ID_SEP)[0] for t in s.reader().lexicon("rawkey")}
        assert len(every) > len(raw)
        for key in [*every, "0" * 32]:
            # Until the lexicon is read whole, records are parsed and asked by id, not skipped by raw key.
            assert known.raw.get(key) == (raw.get(key) if known._whole is not None else None), key
        known.hashes["added-now"] = "abc"  # the run's own additions come first
        assert known.hashes.get("added-now") == "abc" and "added-now" in known.hashes
    finally:
        known.close()


def test_an_index_before_raw_keys_has_no_records(tmp_path):
    txt = tmp_path / "a.txt"
    txt.write_text("Hội nghị tổng kết công tác thông tin đối ngoại năm 2024.\n", "utf-8")
    ix = tmp_path / "ix"
    build_index([txt], ix, jobs=1)
    known = Known(open_store(ix))
    try:
        assert not known.raw and known.raw.get("x") is None
    finally:
        known.close()


def test_a_small_rerun_counts_what_a_big_one_does(updated_index, tmp_path, monkeypatch):
    """The first file again (three of its records since changed): the same counts whether its records
    are parsed and asked by id, or skipped by raw key."""
    import shutil

    ix, ids = updated_index
    monkeypatch.setattr(K, "WHOLE_BELOW", 0)
    reports = []
    for lookups in (10_000, 0):
        copy = tmp_path / f"ix{lookups}"
        shutil.copytree(ix, copy)
        monkeypatch.setattr(K, "LOOKUPS", lookups)
        report = build_index([ix.parent / "first.jsonl"], copy, jobs=1).to_json()
        report.pop("seconds", None)
        reports.append(report)
    assert reports[0] == reports[1]
    assert (reports[0]["updated"], reports[0]["unchanged"], reports[0]["added"]) == (3, len(ids) - 3, 0)


def test_a_small_index_is_read_whole_at_once(updated_index):
    known = Known(open_store(updated_index[0]))
    try:
        assert known._whole is None and known._left == 0
        assert known.raw.get("0" * 32) is None and known._whole is not None  # the first question reads it
    finally:
        known.close()
