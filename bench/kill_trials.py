"""Kill trials: SIGKILL `python -m ttdn_search index` at random moments and check what survives.

    python bench/kill_trials.py                       # 20 trials over 300 articles of ../shared
    python bench/kill_trials.py --trials 40 --seed 7 --keep /tmp/kt
    python bench/kill_trials.py --serve               # and a live `ttdn serve` searched every 50 ms

Each trial starts an index run in a subprocess (`--jobs 1`, small commit batches through
TTDN_BATCH_SIZE) and kills its process group with SIGKILL after a random delay. After every kill:

- the index opens and can be searched (or, killed before anything was committed, does not exist yet);
- every article committed before the kill is still there, and no id is indexed twice;
- after a killed `--rebuild`, the index is exactly the previous one or exactly the new one.

A run that finishes before its kill must report success and hold every article; the last run of all
is left to finish and must hold every article (the next run completes the job). One trial in four,
and any trial whose update would find nothing left to do, is a `--rebuild` from half the articles.
With --serve, a `ttdn serve` on the index answers a search every 50 ms from the first commit to the end:
every answer must be a results page (200), and the last one must count every article. Exit status 0
when every check held, 1 otherwise.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus" / "news-20k.jsonl.gz"


def write_corpus(src: Path, dest: Path, n: int, max_chars: int = 1500) -> list[str]:
    """The first n short articles of a gzip JSONL corpus, written to dest; returns their ids."""
    ids: list[str] = []
    with gzip.open(src, "rt", encoding="utf-8") as fh, open(dest, "w", encoding="utf-8") as out:
        for line in fh:
            rec = json.loads(line)
            text = rec.get("text")
            if not isinstance(text, str) or not text.strip() or len(text) > max_chars or rec.get("id") in ids:
                continue
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
            ids.append(str(rec["id"]))
            if len(ids) >= n:
                break
    return ids


def indexed_ids(index_dir: Path) -> list[str] | None:
    """Ids of the live documents, or None when there is no index yet. Raises if it exists but will not open."""
    from ttdn_search.errors import IndexMissing
    from ttdn_search.search import Searcher

    try:
        s = Searcher(index_dir)
    except IndexMissing:
        return None
    with s:
        ids = [f["id"] for f in s.documents()]
        s.search("thông tin", limit=3)  # the index answers a query, not only opens
    return ids


@dataclass
class Outcome:
    trials: int = 0
    killed: int = 0
    finished: int = 0
    rebuild_trials: int = 0
    failures: list[str] = field(default_factory=list)
    log: list[str] = field(default_factory=list)
    served: dict = field(default_factory=dict)  # status -> answers of the live server, with --serve


def _run(cmd: list[str], env: dict, delay: float | None) -> tuple[bool, int | None, str]:
    """Start cmd; SIGKILL its process group after delay seconds. (killed, exit code, stderr)."""
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                            cwd=REPO_ROOT)
    try:
        out, err = proc.communicate(timeout=delay)
        return False, proc.returncode, err.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return True, None, ""


class _Poller:
    """`ttdn serve` on the index, asked a search every 50 ms from a thread while the trials kill runs
    under it: every answer must be a page (200), never an error page or a dropped connection."""

    def __init__(self, python: str, index: Path, env: dict):
        import re
        import threading

        self.proc = subprocess.Popen([python, "-m", "ttdn_search", "serve", "--index", str(index), "--port", "0"],
                                     env=env, cwd=REPO_ROOT, stderr=subprocess.PIPE, text=True, start_new_session=True)
        self.port = int(re.search(r":(\d+)/", self.proc.stderr.readline()).group(1))
        self.statuses: dict[str, int] = {}
        self.totals: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _poll(self) -> None:
        import re
        import urllib.error
        import urllib.request

        while not self._stop.wait(0.05):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/?sort=date", timeout=30) as r:
                    status, body = str(r.status), r.read().decode("utf-8")
                    m = re.search(r'id="total">(\d+)<', body)
                    if m:
                        self.totals.append(int(m.group(1)))
            except urllib.error.HTTPError as exc:
                status = str(exc.code)
            except OSError as exc:
                status = type(exc).__name__
            self.statuses[status] = self.statuses.get(status, 0) + 1

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(10)


def run_trials(corpus_src: Path, workdir: Path, trials: int = 20, articles: int = 300, batch_size: int = 25,
               max_delay: float = 12.0, seed: int = 0, min_delay: float = 0.3, rebuild_every: int = 4, python: str = sys.executable,
               serve: bool = False) -> Outcome:
    """Run the trials in workdir; see the module docstring for what is checked. `serve`: a live server
    answers searches on the index all along (see _Poller)."""
    rng = random.Random(seed)
    workdir.mkdir(parents=True, exist_ok=True)
    corpus = workdir / "corpus.jsonl"
    all_ids = write_corpus(corpus_src, corpus, articles)
    # The rebuild trials index a different subset, so "old" and "new" indexes can be told apart.
    subset = workdir / "subset.jsonl"
    lines = corpus.read_text("utf-8").splitlines(keepends=True)
    subset.write_text("".join(lines[: len(lines) // 2]), "utf-8")
    sub_ids = all_ids[: len(lines) // 2]
    index = workdir / "index"
    shutil.rmtree(index, ignore_errors=True)

    env = dict(os.environ, TTDN_BATCH_SIZE=str(batch_size), TTDN_LOCK_WAIT="30",
               PYTHONPATH=str(REPO_ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    base = [python, "-m", "ttdn_search", "index", "--index", str(index), "--jobs", "1", "--quiet"]
    out = Outcome()
    committed: set[str] = set()
    everything, half = set(all_ids), set(sub_ids)

    def check(label: str, rebuild_from: set[str] | None) -> set[str] | None:
        try:
            ids = indexed_ids(index)
        except Exception as exc:  # the one thing that must never happen
            out.failures.append(f"{label}: the index does not open: {exc!r}")
            return None
        if ids is None:
            if committed:
                out.failures.append(f"{label}: the index vanished after {len(committed)} articles were committed")
            return set()
        now = set(ids)
        if len(ids) != len(now):
            out.failures.append(f"{label}: {len(ids) - len(now)} ids indexed twice")
        if rebuild_from is not None:
            if now != rebuild_from and now != half:
                out.failures.append(f"{label}: after a killed --rebuild the index is neither the old nor the new one "
                                    f"({len(now)} articles, old {len(rebuild_from)}, new {len(half)})")
        elif not committed <= now:
            out.failures.append(f"{label}: {len(committed - now)} committed articles lost")
        return now

    poller = None
    for t in range(1, trials + 1):
        if serve and poller is None and indexed_ids(index):
            poller = _Poller(python, index, env)
        out.trials += 1
        # Every rebuild_every-th trial, and whenever an update would find nothing left to do, rebuild from
        # half the corpus: a completed rebuild gives the updates after it work again.
        rebuild = rebuild_every > 0 and (t % rebuild_every == 0 or committed == everything)
        delay = rng.uniform(min_delay, max_delay)
        if rebuild:
            out.rebuild_trials += 1
            killed, code, err = _run(base + ["--rebuild", str(subset)], env, delay)
            now = check(f"trial {t} (--rebuild, kill at {delay:.2f} s)", set(committed))
            expected = half
        else:
            killed, code, err = _run(base + [str(corpus)], env, delay)
            now = check(f"trial {t} (kill at {delay:.2f} s)", None)
            expected = everything
        if now is not None:
            committed = now
        leftovers = sorted(p.name for p in index.parent.glob(f"{index.name}.building-*"))
        if killed:
            out.killed += 1
        else:
            out.finished += 1
            if code != 0 or committed != expected:
                out.failures.append(f"trial {t}: a run that finished holds {len(committed)} of {len(expected)} "
                                    f"articles (exit {code}): {err.strip()[-300:]}")
        out.log.append(f"trial {t:2d}: {'rebuild ' if rebuild else 'update  '}"
                       f"{'killed at' if killed else 'finished before'} {delay:5.2f} s -> {len(committed)} articles"
                       + (f" (half-built folder left: {leftovers[0]})" if leftovers else ""))

    # The next run completes the job, and cleans what killed rebuilds left beside the index.
    killed, code, err = _run(base + [str(corpus)], env, None)
    if poller is not None:
        time.sleep(0.5)
        poller.stop()
        out.served = poller.statuses
        bad = {k: v for k, v in poller.statuses.items() if k != "200"}
        if bad:
            out.failures.append(f"the live server answered {bad} besides {poller.statuses.get('200', 0)} pages")
        if poller.totals and poller.totals[-1] != len(everything):
            out.failures.append(f"the live server's last page counted {poller.totals[-1]}, not {len(everything)}")
    final = check("final run", None)
    if code != 0 or final != everything:
        out.failures.append(f"final run: exit {code}, {len(final or ())} of {len(everything)} articles: {err.strip()[-300:]}")
    stale = sorted(p.name for p in index.parent.iterdir() if p.name.startswith(f"{index.name}."))
    if stale:
        out.failures.append(f"final run left beside the index: {stale}")
    out.log.append(f"final run: exit {code}, {len(final or ())} articles (expected {len(everything)})")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument("--articles", type=int, default=300)
    ap.add_argument("--batch-size", type=int, default=25, help="TTDN_BATCH_SIZE for the runs")
    ap.add_argument("--min-delay", type=float, default=0.3, help="kill no sooner than this many seconds after the start")
    ap.add_argument("--max-delay", type=float, default=12.0, help="kill within this many seconds of the start")
    ap.add_argument("--seed", type=int, default=int(time.time()))
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary folder)")
    ap.add_argument("--serve", action="store_true", help="a live `ttdn serve` answers searches all along")
    args = ap.parse_args(argv)
    if not args.corpus.is_file():
        print(f"no corpus at {args.corpus} (give --corpus)", file=sys.stderr)
        return 2
    sys.path.insert(0, str(REPO_ROOT))
    work = args.keep or Path(tempfile.mkdtemp(prefix="ttdn-kill-"))
    t0 = time.time()
    try:
        res = run_trials(args.corpus, work, args.trials, args.articles, args.batch_size, args.max_delay, args.seed,
                         args.min_delay, serve=args.serve)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    for line in res.log:
        print(line)
    print(f"seed {args.seed}: {res.trials} trials ({res.rebuild_trials} --rebuild), {res.killed} killed, "
          f"{res.finished} finished before the kill, {len(res.failures)} failures, {time.time() - t0:.0f} s")
    if res.served:
        print(f"live server during the trials: {res.served}")
    for f in res.failures:
        print("FAIL:", f)
    return 1 if res.failures else 0


if __name__ == "__main__":
    sys.exit(main())
