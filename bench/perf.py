"""Performance suite: indexing throughput and memory, query latency, one-off CLI start-up, pyvi baseline.

    python bench/perf.py index   --corpus /tmp/news-100k.jsonl.gz --index /tmp/ix100k [--jobs N]
    python bench/perf.py pyvi    --corpus ../shared/corpus/news-20k.jsonl.gz [-n N]
    python bench/perf.py compare --corpus ../shared/corpus/news-20k.jsonl.gz --index /tmp/ix20k-bench
    python bench/perf.py query   --index /tmp/ix100k [--queries ../shared/eval/dev/queries.jsonl] [-n 10]
    python bench/perf.py cold    --index /tmp/ix20k
    python bench/perf.py segment [-n 500]          # runs bench/segment_bench.py with these arguments

Every subcommand prints the machine, then Markdown tables (paste them into BENCHMARKS.md), and with
`--json OUT` also writes its figures as JSON. Builds and timed runs happen in fresh subprocesses that
import this worktree's `ttdn_search` (PYTHONPATH), so one measurement never warms the next.
`index` and `compare` write to --index: never point them at an index someone else is using.
TTDN_SRC=/path/to/checkout measures that checkout's ttdn_search instead (an index built by a newer schema);
TTDN_SHARED points at the shared corpus and evaluation data (default ../shared beside the repo).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The ttdn_search to measure: this checkout's, or another checkout's (TTDN_SRC=/path/to/repo), e.g. to
# query an index that a newer schema built.
SRC = Path(os.environ.get("TTDN_SRC") or ROOT)
SHARED = Path(os.environ.get("TTDN_SHARED") or ROOT.parent / "shared")
DEFAULT_CORPUS = SHARED / "corpus" / "news-20k.jsonl.gz"
DEFAULT_QUERIES = SHARED / "eval" / "dev" / "queries.jsonl"
DEFAULT_COLD_QUERY = "hợp tác kinh tế"
# Modules that a one-off search should not pay for (issue 7, point 4).
HEAVY_MODULES = ("sklearn", "scipy", "numpy", "pyvi", "pyvi.ViTokenizer", "sklearn_crfsuite", "pycrfsuite", "jinja2")


# ---------------------------------------------------------------------------------------------
# Output


def machine() -> dict:
    """What the figures were measured on."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gib = None
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem_gib = round(kb / 2**20, 1)
    except (OSError, AttributeError):
        pass
    try:
        commit = subprocess.run(["git", "-C", str(SRC), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True).stdout.strip()
    except OSError:
        commit = ""
    return {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu": model,
        "mem_gib": mem_gib,
        "python": platform.python_version(),
        "os": platform.platform(),
        "commit": commit,
        "loadavg": [round(x, 2) for x in os.getloadavg()],
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }


def print_machine(m: dict) -> None:
    print(f"machine: {m['nproc']} cores ({m['cpu']}), {m['mem_gib']} GiB, Python {m['python']}, {m['os']}")
    print(f"code: {m['commit']}, {m['date']}, load average {m['loadavg']}\n")


def table(rows: list[dict], columns: list[tuple[str, str]]) -> None:
    """A Markdown table of rows; columns are (key, header)."""
    def cell(v):
        if isinstance(v, float):
            return f"{v:,.3f}" if abs(v) < 10 else f"{v:,.1f}"
        if isinstance(v, int):
            return f"{v:,}"
        return "" if v is None else str(v)

    print("| " + " | ".join(h for _, h in columns) + " |")
    print("|" + "|".join("---" if i == 0 else "---:" for i in range(len(columns))) + "|")
    for r in rows:
        print("| " + " | ".join(cell(r.get(k)) for k, _ in columns) + " |")
    print()


def write_json(path: Path | None, obj: dict) -> None:
    if path:
        path.write_text(json.dumps(obj, ensure_ascii=False, indent=1), "utf-8")
        print(f"JSON written to {path}")


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(round(p / 100 * len(s) + 0.5)) - 1))
    return s[k]


def _env() -> dict:
    # This worktree's package first, whatever the venv has installed.
    path = os.environ.get("PYTHONPATH")
    return dict(os.environ, PYTHONPATH=str(SRC) + (os.pathsep + path if path else ""))


# ---------------------------------------------------------------------------------------------
# Process-tree memory: the indexer forks workers, so the peak of one process is not the whole cost.


def _children(pid: int) -> list[int]:
    out = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                out += [int(c) for c in Path(f"/proc/{pid}/task/{tid}/children").read_text().split()]
            except OSError:
                pass
    except OSError:
        pass
    return out


def _tree(pid: int) -> list[int]:
    todo, seen = [pid], []
    while todo:
        p = todo.pop()
        seen.append(p)
        todo += _children(p)
    return seen


def _rss_kb(pid: int) -> int:
    """RSS of one process in kB, from /proc/PID/statm (constant time: the sampler must not slow what it measures)."""
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * _PAGE_KB
    except (OSError, ValueError, IndexError):
        return 0


_PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def _pss_kb(pid: int) -> int:
    """PSS of one process in kB (forked pages shared fairly among the processes holding them). The kernel
    walks the process's page tables for it: 5-8% of a core at four samples a second on a 1 GB build."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class TreeMemory:
    """Samples the summed RSS (every `interval` s) and PSS (every `pss_interval` s) of a process and all its
    descendants until stopped."""

    def __init__(self, pid: int, interval: float = 0.25, pss_interval: float = 2.0):
        self.pid, self.interval, self.pss_interval = pid, interval, pss_interval
        self.peak_rss_kb = self.peak_pss_kb = self.max_procs = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        next_pss = 0.0
        while not self._stop.is_set():
            pids = _tree(self.pid)
            self.peak_rss_kb = max(self.peak_rss_kb, sum(map(_rss_kb, pids)))
            if time.monotonic() >= next_pss:
                self.peak_pss_kb = max(self.peak_pss_kb, sum(map(_pss_kb, pids)))
                next_pss = time.monotonic() + self.pss_interval
            self.max_procs = max(self.max_procs, len(pids))
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def run_worker(args: list[str]) -> tuple[dict, dict]:
    """Run `perf.py _worker ARGS` in a fresh process; its JSON result, and wall time and tree memory."""
    cmd = [sys.executable, str(Path(__file__).resolve()), *args]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=_env(), cwd=SRC)
    with TreeMemory(proc.pid) as mem:
        out, _ = proc.communicate()
    wall = time.perf_counter() - t0
    if proc.returncode:
        sys.exit(f"worker failed ({proc.returncode}): {' '.join(cmd)}")
    outer = {"process_wall_s": wall, "tree_peak_rss_mb": mem.peak_rss_kb / 1024,
             "tree_peak_pss_mb": mem.peak_pss_kb / 1024, "max_processes": mem.max_procs}
    return json.loads(out.strip().splitlines()[-1]), outer


def _cpu_s() -> float:
    ru_self = resource.getrusage(resource.RUSAGE_SELF)
    ru_kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru_self.ru_utime + ru_self.ru_stime + ru_kids.ru_utime + ru_kids.ru_stime


def _maxrss_mb() -> float:
    # Linux reports kB; the largest single process, itself or a waited-for child.
    return max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
               resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024


# ---------------------------------------------------------------------------------------------
# Corpus facts


def raw_text_bytes(corpus: Path) -> tuple[int, int]:
    """(articles, UTF-8 bytes of title + text) of a JSONL(.gz) corpus, as its records give them."""
    opener = gzip.open if corpus.name.endswith(".gz") else open
    n = size = 0
    with opener(corpus, "rt", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                rec = json.loads(line)
                n += 1
                size += len((rec.get("title") or "").encode()) + len((rec.get("text") or "").encode())
    return n, size


def dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def write_new_articles(corpus: Path, out: Path, n: int = 100) -> None:
    """N articles not in the corpus: its first N with new ids and a changed title, as a plain JSONL file."""
    opener = gzip.open if corpus.name.endswith(".gz") else open
    with opener(corpus, "rt", encoding="utf-8") as f, open(out, "w", encoding="utf-8") as w:
        for i, line in enumerate(f):
            if i >= n:
                break
            rec = json.loads(line)
            rec["id"] = f"{rec['id']}+new"
            rec["title"] = f"{rec.get('title') or ''} (bài mới)"
            w.write(json.dumps(rec, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------------------------------------
# Workers (run in fresh processes)


def worker_build(corpus: str, index: str, rebuild: bool, jobs: int | None) -> dict:
    from ttdn_search.indexer import build_index

    cpu0, t0 = _cpu_s(), time.perf_counter()
    report = build_index([corpus], index, rebuild=rebuild, jobs=jobs)
    wall = time.perf_counter() - t0
    return {"build_wall_s": wall, "cpu_s": _cpu_s() - cpu0, "max_process_rss_mb": _maxrss_mb(),
            "report": {k: v for k, v in report.to_json().items() if k != "skipped"},
            "skipped": len(report.skipped)}


def worker_pyvi(corpus: str, n: int | None) -> dict:
    """Stock pyvi over the title and each body paragraph of every article, as ingest gives them."""
    from ttdn_search.ingest import Article, iter_articles

    articles, paragraphs, chars = [], 0, 0
    for a in iter_articles([corpus]):
        if isinstance(a, Article):
            if n is not None and len(articles) >= n:
                break
            texts = [a.title or "", *a.text.split("\n")]
            paragraphs += len(texts)
            chars += sum(len(t) for t in texts)
            articles.append(texts)
    t0 = time.perf_counter()
    from pyvi import ViTokenizer

    ViTokenizer.tokenize("Hà Nội")
    import_s = time.perf_counter() - t0
    cpu0, t0 = time.process_time(), time.perf_counter()
    for texts in articles:
        for t in texts:
            ViTokenizer.tokenize(t)
    return {"articles": len(articles), "paragraphs": paragraphs, "chars": chars, "import_s": import_s,
            "wall_s": time.perf_counter() - t0, "cpu_s": time.process_time() - cpu0,
            "max_process_rss_mb": _maxrss_mb()}


# ---------------------------------------------------------------------------------------------
# Subcommands


def _build(corpus: Path, index: Path, rebuild: bool, jobs: int | None) -> dict:
    args = ["_build", "--corpus", str(corpus), "--index", str(index)] + (["--rebuild"] if rebuild else [])
    if jobs:
        args += ["--jobs", str(jobs)]
    inner, outer = run_worker(args)
    return {**inner, **outer}


def fresh_build(corpus: Path, index: Path, jobs: int | None) -> dict:
    articles, raw = raw_text_bytes(corpus)
    r = _build(corpus, index, True, jobs)
    # Throughput counts the articles indexed: records with a repeated id or no text are skipped.
    r.update(records=articles, articles=r["report"]["added"], raw_mb=raw / 1e6, index_mb=dir_bytes(index) / 1e6)
    r["articles_per_s"] = r["articles"] / r["build_wall_s"]
    r["mb_per_s"] = raw / 1e6 / r["build_wall_s"]
    r["index_to_raw"] = r["index_mb"] / r["raw_mb"]
    return r


def cmd_index(args) -> dict:
    m = machine()
    print_machine(m)
    jobs = args.jobs
    print(f"corpus: {args.corpus}; index: {args.index}; jobs: {jobs or 'default (cores)'}\n")
    fresh = fresh_build(args.corpus, args.index, jobs)
    again = _build(args.corpus, args.index, False, jobs)
    with tempfile.TemporaryDirectory(prefix="ttdn-perf-") as tmp:
        new = Path(tmp) / "new-100.jsonl"
        write_new_articles(args.corpus, new, 100)
        add = _build(new, args.index, False, jobs)
    index_mb_after = dir_bytes(args.index) / 1e6

    print("## Fresh build\n")
    table([fresh], [("records", "records"), ("articles", "indexed"), ("raw_mb", "raw text MB"), ("build_wall_s", "wall s"),
                    ("cpu_s", "CPU s"), ("articles_per_s", "articles/s"), ("mb_per_s", "MB/s"),
                    ("tree_peak_rss_mb", "peak RSS MB (tree, sum)"), ("tree_peak_pss_mb", "peak PSS MB (tree)"),
                    ("max_process_rss_mb", "peak RSS MB (one process)"), ("index_mb", "index MB"),
                    ("index_to_raw", "index / raw")])
    rows = [
        {"run": "fresh build (--rebuild)", "wall": fresh["build_wall_s"], "cpu": fresh["cpu_s"],
         "ratio": 1.0, "added": fresh["report"]["added"], "unchanged": fresh["report"]["unchanged"]},
        {"run": "re-index, unchanged corpus", "wall": again["build_wall_s"], "cpu": again["cpu_s"],
         "ratio": again["build_wall_s"] / fresh["build_wall_s"], "added": again["report"]["added"],
         "unchanged": again["report"]["unchanged"]},
        {"run": "add 100 new articles", "wall": add["build_wall_s"], "cpu": add["cpu_s"],
         "ratio": add["build_wall_s"] / fresh["build_wall_s"], "added": add["report"]["added"],
         "unchanged": add["report"]["unchanged"]},
    ]
    print("## Fresh, re-index and incremental\n")
    table(rows, [("run", "run"), ("wall", "wall s"), ("cpu", "CPU s"), ("ratio", "/ fresh"), ("added", "added"),
                 ("unchanged", "unchanged")])
    print(f"index size after the incremental add: {index_mb_after:.1f} MB")
    return {"machine": m, "corpus": str(args.corpus), "jobs": jobs, "fresh": fresh, "reindex": again,
            "add100": add, "index_mb_after_add": index_mb_after}


def run_pyvi(corpus: Path, n: int | None) -> dict:
    args = ["_pyvi", "--corpus", str(corpus)] + (["-n", str(n)] if n else [])
    inner, outer = run_worker(args)
    return {**inner, "process_wall_s": outer["process_wall_s"]}


def _pyvi_table(r: dict) -> None:
    r = dict(r, articles_per_s=r["articles"] / r["wall_s"], chars_per_s=r["chars"] / r["cpu_s"])
    table([r], [("articles", "articles"), ("paragraphs", "paragraphs"), ("import_s", "import s"),
                ("wall_s", "segment wall s"), ("cpu_s", "segment CPU s"), ("articles_per_s", "articles/s"),
                ("chars_per_s", "chars/CPU s"), ("max_process_rss_mb", "peak RSS MB")])


def cmd_pyvi(args) -> dict:
    m = machine()
    print_machine(m)
    print(f"stock pyvi (ViTokenizer.tokenize), one core, title and each body paragraph: {args.corpus}\n")
    r = run_pyvi(args.corpus, args.n)
    _pyvi_table(r)
    return {"machine": m, "corpus": str(args.corpus), "pyvi": r}


def cmd_compare(args) -> dict:
    m = machine()
    print_machine(m)
    print(f"corpus: {args.corpus}; index: {args.index}; jobs: {args.jobs or 'default (cores)'}\n")
    pyvi = run_pyvi(args.corpus, None)
    fresh = fresh_build(args.corpus, args.index, args.jobs)
    print("## Stock pyvi alone, one core\n")
    _pyvi_table(pyvi)
    rows = [
        {"what": "stock pyvi, segment only (one core)", "wall": pyvi["wall_s"], "cpu": pyvi["cpu_s"]},
        {"what": "stock pyvi, import + segment", "wall": pyvi["wall_s"] + pyvi["import_s"], "cpu": None},
        {"what": f"ttdn fresh build (jobs {args.jobs or 'default'})", "wall": fresh["build_wall_s"],
         "cpu": fresh["cpu_s"]},
    ]
    ratio = fresh["build_wall_s"] / pyvi["wall_s"]
    print("## Fresh build against stock pyvi\n")
    table(rows, [("what", "run"), ("wall", "wall s"), ("cpu", "CPU s")])
    verdict = "meets" if 1 / ratio >= 1.5 else "misses"
    print(f"fresh build / stock pyvi segmentation (wall): {ratio:.2f}, i.e. the build is {1 / ratio:.2f}x faster "
          f"than stock pyvi alone ({verdict} issue #18's target >= 1.5x)")
    return {"machine": m, "corpus": str(args.corpus), "pyvi": pyvi, "fresh": fresh, "ratio": ratio}


def load_queries(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def sample_by_kind(queries: list[dict], n: int) -> list[dict]:
    """About n queries, evenly spaced within each kind, so the sample keeps the set's mix of kinds."""
    kinds: dict[str, list[dict]] = {}
    for q in queries:
        kinds.setdefault(q.get("kind", "?"), []).append(q)
    out = []
    for qs in kinds.values():
        k = max(1, round(n * len(qs) / len(queries)))
        out += [qs[int(i * len(qs) / k)] for i in range(min(k, len(qs)))]
    return out


def _latency_row(name: str, ms: list[float]) -> dict:
    return {"pass": name, "n": len(ms), "p50": percentile(ms, 50), "p95": percentile(ms, 95),
            "p99": percentile(ms, 99), "mean": statistics.fmean(ms), "max": max(ms)}


def cmd_query(args) -> dict:
    m = machine()
    print_machine(m)
    sys.path.insert(0, str(SRC))
    t0 = time.perf_counter()
    from ttdn_search.search import Searcher

    queries = load_queries(args.queries)
    if args.sample and args.sample < len(queries):
        queries = sample_by_kind(queries, args.sample)
    s = Searcher(args.index)
    open_s = time.perf_counter() - t0
    print(f"index: {args.index} ({s.doc_count:,} articles); {len(queries)} queries from {args.queries};"
          f" limit {args.n}; facets and highlights as the library computes them\n")

    def one_pass() -> tuple[list[float], list[float]]:
        wall, took = [], []
        for q in queries:
            t = time.perf_counter()
            res = s.search(q["query"], limit=args.n)
            wall.append((time.perf_counter() - t) * 1000)
            took.append(res.took_ms)
        return wall, took

    first, _ = one_pass()
    warm, took = one_pass()
    articles = s.doc_count
    s.close()
    rows = [_latency_row("first pass (cold caches)", first), _latency_row("warm pass", warm),
            _latency_row("warm pass, library took_ms", took)]
    cols = [("pass", "pass"), ("n", "queries"), ("p50", "p50 ms"), ("p95", "p95 ms"), ("p99", "p99 ms"),
            ("mean", "mean ms"), ("max", "max ms")]
    table(rows, cols)
    kinds: dict[str, list[float]] = {}
    for q, ms in zip(queries, warm):
        kinds.setdefault(q.get("kind", "?"), []).append(ms)
    by_kind = [_latency_row(k, v) for k, v in kinds.items()]
    print("Warm pass by query kind:\n")
    table(by_kind, [("pass", "kind")] + cols[1:])
    p50, p95 = rows[1]["p50"], rows[1]["p95"]
    print(f"import + open: {open_s:.2f} s; target (100k corpus) p50 <= 10 ms: {p50:.1f}, p95 <= 40 ms: {p95:.1f}")
    return {"machine": m, "index": str(args.index), "articles": articles, "limit": args.n, "open_s": open_s,
            "passes": rows, "by_kind": by_kind, "warm_ms": warm, "first_ms": first}


def _cold_env() -> dict:
    # As an installed package runs: its modules' bytecode cached in __pycache__ (pip compiles it at
    # install; an editable install writes it on first run). Without this, PYTHONDONTWRITEBYTECODE in the
    # environment would make every timed run compile the whole package from source again.
    env = _env()
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _timed(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=_cold_env(), cwd=SRC)
    return time.perf_counter() - t


def parse_importtime(stderr: str) -> list[dict]:
    """`-X importtime` lines -> [{module, self_us, cumulative_us, depth}]."""
    out = []
    for line in stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if m:
            out.append({"module": m.group(4), "self_us": int(m.group(1)), "cumulative_us": int(m.group(2)),
                        "depth": len(m.group(3)) // 2})
    return out


def cmd_cold(args) -> dict:
    m = machine()
    print_machine(m)
    search = [sys.executable, "-m", "ttdn_search", "search", args.query, "--index", str(args.index)]
    baseline = [sys.executable, "-c", "import whoosh.index"]
    _timed(search)  # one run to fill the page cache and the bytecode cache; not counted
    runs_search, runs_base = [], []
    for _ in range(args.repeat):  # interleaved, so a burst of load hits both alike
        runs_search.append(_timed(search))
        runs_base.append(_timed(baseline))
    med_s, med_b = statistics.median(runs_search), statistics.median(runs_base)
    rows = [
        {"what": f"ttdn search '{args.query}' (python -m ttdn_search)", "median": med_s, "min": min(runs_search),
         "max": max(runs_search)},
        {"what": 'python -c "import whoosh.index"', "median": med_b, "min": min(runs_base), "max": max(runs_base)},
    ]
    print(f"index: {args.index}; {args.repeat} runs each, interleaved, fresh process per run\n")
    table(rows, [("what", "command"), ("median", "median s"), ("min", "min s"), ("max", "max s")])
    ratio = med_s / med_b
    print(f"ratio: {ratio:.2f}x (target <= 3x); one-off search {med_s:.3f} s (issue #18: <= 0.25 s at 1M)\n")

    proc = subprocess.run([sys.executable, "-X", "importtime", *search[1:]], capture_output=True, text=True,
                          env=_cold_env(), cwd=SRC)
    imports = parse_importtime(proc.stderr)
    top = sorted((i for i in imports if i["depth"] == 0), key=lambda i: -i["cumulative_us"])[: args.top]
    names = {i["module"] for i in imports}
    heavy = [h for h in HEAVY_MODULES if h in names]
    total_ms = sum(i["self_us"] for i in imports) / 1000
    print(f"## Imports on the query path (python -X importtime; {len(imports)} modules, {total_ms:.0f} ms)\n")
    table([{"module": i["module"], "ms": i["cumulative_us"] / 1000, "self": i["self_us"] / 1000} for i in top],
          [("module", "top-level import"), ("ms", "cumulative ms"), ("self", "self ms")])
    slow = sorted(imports, key=lambda i: -i["self_us"])[: args.top]
    print("Slowest modules by their own import time, at any depth:\n")
    table([{"module": i["module"], "self": i["self_us"] / 1000, "ms": i["cumulative_us"] / 1000} for i in slow],
          [("module", "module"), ("self", "self ms"), ("ms", "cumulative ms")])
    print("heavy modules imported: " + (", ".join(heavy) if heavy else "none of " + ", ".join(HEAVY_MODULES)))
    return {"machine": m, "index": str(args.index), "query": args.query, "search_s": runs_search,
            "whoosh_import_s": runs_base, "median_search_s": med_s, "median_whoosh_import_s": med_b,
            "ratio": ratio, "import_total_ms": total_ms, "top_imports": top, "slowest_imports": slow,
            "heavy_imported": heavy}


def cmd_segment(args, rest: list[str]) -> dict | None:
    print_machine(machine())
    cmd = [sys.executable, str(ROOT / "bench" / "segment_bench.py"), *rest]
    print("$ " + " ".join(cmd), flush=True)
    sys.exit(subprocess.run(cmd, env=_env(), cwd=ROOT).returncode)


# ---------------------------------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True, metavar="{index,pyvi,compare,query,cold,segment}")

    def add(name, help_):
        p = sub.add_parser(name, help=help_)
        p.add_argument("--json", type=Path, metavar="OUT", help="also write the figures as JSON")
        return p

    p = add("index", "fresh build, re-index of the unchanged corpus, incremental add of 100 articles")
    p.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    p.add_argument("--index", type=Path, required=True, help="index directory to (re)build; will be replaced")
    p.add_argument("--jobs", type=int, default=None, help="worker processes (default: the indexer's, = cores)")
    p = add("pyvi", "stock pyvi segmenting title and paragraphs on one core")
    p.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    p.add_argument("-n", type=int, default=None, help="first N articles only")
    p = add("compare", "stock pyvi alone against a fresh build, in the same run")
    p.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    p.add_argument("--index", type=Path, required=True, help="index directory to build; will be replaced")
    p.add_argument("--jobs", type=int, default=None)
    p = add("query", "in-process search latency over the dev queries")
    p.add_argument("--index", type=Path, required=True)
    p.add_argument("--queries", type=Path, default=DEFAULT_QUERIES)
    p.add_argument("-n", type=int, default=10, help="hits per query (limit)")
    p.add_argument("--sample", type=int, default=None, help="about N queries, evenly spaced within each kind (default: all)")
    p = add("cold", "wall time of a one-off `ttdn search` and its imports")
    p.add_argument("--index", type=Path, required=True)
    p.add_argument("--query", default=DEFAULT_COLD_QUERY)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--top", type=int, default=15, help="top-level imports to list")
    sub.add_parser("segment", help="run bench/segment_bench.py with the remaining arguments", add_help=False)
    # Workers, run in fresh processes by the commands above.
    p = sub.add_parser("_build")
    p.add_argument("--corpus", required=True)
    p.add_argument("--index", required=True)
    p.add_argument("--rebuild", action="store_true")
    p.add_argument("--jobs", type=int, default=None)
    p = sub.add_parser("_pyvi")
    p.add_argument("--corpus", required=True)
    p.add_argument("-n", type=int, default=None)

    if len(sys.argv) > 1 and sys.argv[1] == "segment":
        cmd_segment(None, sys.argv[2:])
    args = ap.parse_args()
    if args.cmd == "_build":
        print(json.dumps(worker_build(args.corpus, args.index, args.rebuild, args.jobs)))
        return
    if args.cmd == "_pyvi":
        print(json.dumps(worker_pyvi(args.corpus, args.n)))
        return
    result = {"index": cmd_index, "pyvi": cmd_pyvi, "compare": cmd_compare, "query": cmd_query,
              "cold": cmd_cold}[args.cmd](args)
    write_json(args.json, result)


if __name__ == "__main__":
    main()
