"""Crash safety and concurrency: SIGKILLed index runs, interrupted rebuilds, two runs at once, reads during writes."""

import contextlib
import importlib.util
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests._shared import NEWS, needs_shared

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench" / "kill_trials.py"


def _bench():
    spec = importlib.util.spec_from_file_location("bench_kill_trials", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _env(**extra) -> dict:
    return dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""), **extra)


def _index_cmd(index: Path, *paths, rebuild=False) -> list[str]:
    cmd = [sys.executable, "-m", "ttdn_search", "index", *map(str, paths), "--index", str(index), "--jobs", "1", "--quiet"]
    return cmd + (["--rebuild"] if rebuild else [])


def _ids(index: Path) -> list[str]:
    from ttdn_search.search import Searcher

    with Searcher(index) as s:
        return [f["id"] for f in s.documents()]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """120 short real articles from ../shared as JSONL, and their ids."""
    if not NEWS.is_file():
        pytest.skip(f"needs the shared corpus at {NEWS} (set TTDN_SHARED); a user's clone has none")
    path = tmp_path_factory.mktemp("corpus") / "news.jsonl"
    ids = _bench().write_corpus(NEWS, path, 120)
    return path, ids


# ---------------------------------------------------------------------------------------------
# SIGKILL at random moments (the full count: bench/kill_trials.py, 20 trials)


@needs_shared
@pytest.mark.shared
@pytest.mark.slow
def test_kill_trials_reduced(tmp_path):
    """Four SIGKILLed runs (one a --rebuild): the index always opens, loses nothing committed, then completes."""
    bench = _bench()
    t0 = time.time()
    out = bench.run_trials(NEWS, tmp_path, trials=4, articles=120, batch_size=10, min_delay=2.0, max_delay=8.0,
                           seed=20261124,
                           rebuild_every=4)
    assert not out.failures, "\n".join(out.failures + out.log)
    assert out.trials == 4 and out.rebuild_trials >= 1
    assert time.time() - t0 < 120  # about 30 s on two shared cores


# ---------------------------------------------------------------------------------------------
# Rebuild: built aside, swapped in only when complete


def _wait_for(pred, timeout=60.0, step=0.02) -> bool:
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return True
        time.sleep(step)
    return False


@needs_shared
def test_killed_rebuild_leaves_previous_index(tmp_path, corpus):
    path, ids = corpus
    half = tmp_path / "half.jsonl"
    half.write_text("".join(path.read_text("utf-8").splitlines(keepends=True)[:30]), "utf-8")
    index = tmp_path / "index"
    subprocess.run(_index_cmd(index, half), env=_env(), check=True, timeout=120)
    before = sorted(_ids(index))
    assert len(before) == 30

    proc = subprocess.Popen(_index_cmd(index, path, rebuild=True), env=_env(TTDN_BATCH_SIZE="10"),
                            start_new_session=True)
    # Kill once the half-built index beside the old one has committed a batch.
    building = lambda: next(iter(tmp_path.glob("index.building-*/_MAIN_[1-9]*.toc")), None)  # noqa: E731
    assert _wait_for(building), "the rebuild never committed a batch aside"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert sorted(_ids(index)) == before, "a killed --rebuild changed the index"

    # The next run cleans the half-built folder and does the job.
    r = subprocess.run(_index_cmd(index, path, rebuild=True), env=_env(), capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert sorted(_ids(index)) == sorted(ids)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("index.")] == []


def test_swap_killed_between_renames_is_undone(tmp_path, samples_index):
    """Killed after moving the old index aside and before moving the new one in: readers and the next run cope."""
    import shutil

    from ttdn_search.indexer import build_index
    from ttdn_search.search import Searcher

    index = tmp_path / "index"
    shutil.copytree(samples_index, tmp_path / "index.old")
    (tmp_path / "index.building-999").mkdir()
    with Searcher(index) as s:  # readers fall back to the previous index
        assert s.doc_count >= 14
    report = build_index([REPO / "ttdn_search" / "samples"], index, jobs=1)
    assert report.total >= 14 and report.added == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [".index.lock", "index"]


def test_metadata_only_folder_is_created_again(tmp_path):
    """A first run killed after writing ttdn.json and before Whoosh's table of contents."""
    from ttdn_search.folder import write_meta
    from ttdn_search.indexer import build_index

    index = tmp_path / "index"
    index.mkdir()
    write_meta(index, articles=0)
    report = build_index([REPO / "ttdn_search" / "samples"], index, jobs=1)
    assert report.added >= 14


def test_vocabulary_follows_the_committed_generation(tmp_path):
    """A run killed after its last commit but before writing vocab.bin: the next run writes it."""
    from ttdn_search.engine.vocab import read_vocab, write_vocab
    from ttdn_search.folder import read_meta, write_meta
    from ttdn_search.indexer import build_index

    index = tmp_path / "index"
    build_index([REPO / "ttdn_search" / "samples"], index, jobs=1)
    write_vocab(index, [])  # an empty vocabulary, as a stale one
    write_meta(index, vocab_generation=-1)
    report = build_index([REPO / "ttdn_search" / "samples"], index, jobs=1)
    assert report.added == 0 and report.unchanged >= 14
    assert len(read_vocab(index)["s"]) > 10
    assert read_meta(index)["vocab_generation"] >= 1


def test_empty_index_answers_searches(tmp_path):
    """An index with no committed batch yet (first run killed early) answers with no results, not a traceback."""
    from whoosh import index as windex

    from ttdn_search.folder import write_meta
    from ttdn_search.engine.whoosh_store import build_schema
    from ttdn_search.search import Searcher

    index = tmp_path / "index"
    index.mkdir()
    write_meta(index, articles=0)
    windex.create_in(str(index), build_schema())
    with Searcher(index) as s:
        assert s.search("thông tin đối ngoại").total == 0
        assert s.search("", sort="date").hits == []
        assert s.stats()["articles"] == 0


# ---------------------------------------------------------------------------------------------
# Two runs at once; searches during a run


def test_second_run_in_process_is_refused(tmp_path):
    from ttdn_search.errors import IndexLocked
    from ttdn_search.folder import run_lock
    from ttdn_search.indexer import build_index

    index = tmp_path / "index"
    with run_lock(index, wait=0):
        with pytest.raises(IndexLocked, match="đang được một lần chạy 'ttdn index' khác ghi"):
            build_index([REPO / "ttdn_search" / "samples"], index, jobs=1, lock_wait=0.2)
    assert build_index([REPO / "ttdn_search" / "samples"], index, jobs=1).added >= 14


@needs_shared
def test_concurrent_run_refused_and_searches_see_committed_batches(tmp_path, corpus):
    from ttdn_search.errors import IndexMissing
    from ttdn_search.search import Searcher

    path, ids = corpus
    index = tmp_path / "index"
    batch = 10
    writer = subprocess.Popen(_index_cmd(index, path), env=_env(TTDN_BATCH_SIZE=str(batch)),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    seen: list[int] = []

    def look() -> None:
        try:
            with Searcher(index) as s:
                n = s.doc_count
                res = s.search("Việt Nam", limit=5)
                assert res.total <= n
                live = [f["id"] for f in s.documents()]
                assert len(live) == len(set(live)) == n
        except IndexMissing:
            return
        assert n % batch == 0 or n == len(ids), f"a search saw {n} articles: part of a batch"
        assert not seen or n >= seen[-1], "a search saw fewer articles than the one before"
        seen.append(n)

    try:
        assert _wait_for(lambda: any(index.glob("_MAIN_[1-9]*.toc")), timeout=120), "no batch was committed"
        # Freeze the writer mid-run (it holds the run lock), so the second run meets it whatever the machine's speed.
        os.killpg(writer.pid, signal.SIGSTOP)
        try:
            second = subprocess.run(_index_cmd(index, path), env=_env(TTDN_LOCK_WAIT="0.5"),
                                    capture_output=True, text=True, timeout=120)
            look()
        finally:
            os.killpg(writer.pid, signal.SIGCONT)
        assert second.returncode == 1
        assert "đang được một lần chạy 'ttdn index' khác ghi" in second.stderr
        assert "Traceback" not in second.stderr

        # Searches while the writer goes on: each sees whole batches, never fewer articles than before.
        while writer.poll() is None:
            look()
            time.sleep(0.05)
        look()
        assert seen[-1] == len(ids)
    finally:
        if writer.poll() is None:
            os.killpg(writer.pid, signal.SIGKILL)
        _, err = writer.communicate()
    assert writer.returncode == 0, err
    assert sorted(_ids(index)) == sorted(ids)


def test_leftovers_of_a_killed_batch_are_removed(tmp_path):
    """A half-written segment and an unrenamed table of contents go, even when the next run commits nothing."""
    from ttdn_search.indexer import build_index

    index = tmp_path / "index"
    build_index([REPO / "ttdn_search" / "samples"], index, jobs=1)
    before = sorted(p.name for p in index.iterdir())
    (index / "MAIN_zzzzzzzzzzzzzzzz.seg").write_bytes(b"half a segment")
    (index / "_MAIN_9.toc.1732480000.5").write_bytes(b"half a table of contents")
    report = build_index([REPO / "ttdn_search" / "samples"], index, jobs=1)
    assert report.unchanged >= 14 and report.added == 0
    assert sorted(p.name for p in index.iterdir()) == before


@needs_shared
def test_killed_parent_does_not_leave_workers_holding_the_lock(tmp_path, corpus):
    """With --jobs 2 the workers are forked with the lock file open; killing only the parent must free the index."""
    from ttdn_search.folder import run_lock

    path, _ = corpus
    index = tmp_path / "index"
    cmd = [sys.executable, "-m", "ttdn_search", "index", str(path), "--index", str(index), "--jobs", "2", "--quiet"]
    proc = subprocess.Popen(cmd, env=_env(TTDN_BATCH_SIZE="10"), start_new_session=True)
    try:
        assert _wait_for(lambda: any(index.glob("_MAIN_[1-9]*.toc")), timeout=120), "no batch was committed"
        os.kill(proc.pid, signal.SIGKILL)  # the parent only: its pool workers live on for a moment
        proc.wait()
        with run_lock(index, wait=0):  # at once, while the orphaned workers still run
            pass
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
