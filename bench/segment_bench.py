"""Segmentation throughput, import time and peak RSS: stock pyvi against ttdn_search.segment.

Usage: python bench/segment_bench.py [-n 500] [--corpus ../shared/corpus/news-20k.jsonl.gz] [--long]

Each engine runs in its own fresh process on one core, over the title and each paragraph of the first N
articles, one call per paragraph (what the indexer does). "ours" starts with an empty paragraph cache, so
paragraphs repeated inside the sample (bylines, boilerplate) are served from it, as in a real build;
"ours-nocache" bypasses that cache. Output is checked identical to stock pyvi's before timing is reported.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import itertools
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = Path(os.environ.get("TTDN_SHARED") or ROOT.parent / "shared") / "corpus" / "news-20k.jsonl.gz"
ENGINES = ("stock", "ours", "ours-nocache")
IMPORTS = {
    "stock": "from pyvi import ViTokenizer; ViTokenizer.tokenize('Hà Nội')",
    "ours": "from ttdn_search import segment; segment.tokenize('Hà Nội')",
}


def load_articles(corpus: Path, n: int) -> list[list[str]]:
    with gzip.open(corpus, "rt", encoding="utf-8") as f:
        return [
            [a["title"] or "", *(a["text"] or "").split("\n")]
            for a in (json.loads(line) for line in itertools.islice(f, n))
        ]


def worker(engine: str, corpus: Path, n: int, long_mb: float) -> dict:
    """Runs in a fresh process: segment N articles paragraph by paragraph, report time and RSS."""
    articles = load_articles(corpus, n)
    rss_data = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if engine == "stock":
        from pyvi import ViTokenizer

        tok = ViTokenizer.tokenize
    else:
        from ttdn_search import segment

        tok = segment.tokenize if engine == "ours" else _uncached_tokenize(segment)
    tok("Hà Nội")  # load the model outside the timed loop
    digest = hashlib.sha256()
    t0 = time.process_time()
    for paras in articles:
        for p in paras:
            digest.update(tok(p).encode("utf-8", "surrogatepass") + b"\0")
    cpu = time.process_time() - t0
    out = {"engine": engine, "cpu_s": cpu, "sha256": digest.hexdigest(), "rss_after_corpus_kb": rss_data}
    if long_mb:
        # The sample's paragraphs joined by newlines, repeated up to MB megabytes of UTF-8: one call.
        data = "\n".join(p for paras in articles for p in paras).encode()
        while len(data) < long_mb * 1e6:
            data += b"\n" + data
        text = data[: int(long_mb * 1e6)].decode("utf-8", "ignore")
        t0 = time.process_time()
        result = tok(text)
        out["long_chars"], out["long_cpu_s"] = len(text), time.process_time() - t0
        out["long_sha256"] = hashlib.sha256(result.encode("utf-8", "surrogatepass")).hexdigest()
    out["peak_rss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # includes --long, if given
    return out


def _uncached_tokenize(segment):
    # The same code path as segment.tokenize, with the paragraph cache bypassed.
    uncached = segment._segment
    return lambda text: uncached(text).out


def import_time(engine: str, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", IMPORTS[engine]], check=True, cwd=ROOT)
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=500, help="number of articles (from the start of the corpus)")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--long", type=float, default=0, metavar="MB", help="also time one string of MB megabytes")
    ap.add_argument("--worker", choices=ENGINES, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.corpus, args.n, args.long)))
        return

    sys.path.insert(0, str(ROOT))
    from ttdn_search.segment import _SYLLABLE_RE  # pyvi's syllabification, to count syllables
    import unicodedata

    articles = load_articles(args.corpus, args.n)
    paras = sum(len(a) for a in articles)
    sylls = sum(len(_SYLLABLE_RE.findall(unicodedata.normalize("NFC", p))) for a in articles for p in a)
    print(f"corpus: {args.corpus.name}, first {len(articles)} articles, {paras} paragraphs, {sylls} syllables")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, one process per engine, CPU time\n")
    results = {}
    for engine in ENGINES:
        cmd = [sys.executable, __file__, "--worker", engine, "-n", str(args.n), "--corpus", str(args.corpus)]
        if args.long and engine != "ours-nocache":
            cmd += ["--long", str(args.long)]
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        results[engine] = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout)
    identical = len({r["sha256"] for r in results.values()}) == 1
    identical &= len({r["long_sha256"] for r in results.values() if "long_sha256" in r}) <= 1
    print(f"{'engine':14} {'syllables/s':>12} {'articles/s':>11} {'CPU s':>7} {'peak RSS MB':>12} {'import s':>9}")
    for engine, r in results.items():
        imp = import_time(engine) if engine in IMPORTS else float("nan")
        print(
            f"{engine:14} {sylls / r['cpu_s']:>12,.0f} {len(articles) / r['cpu_s']:>11.1f} {r['cpu_s']:>7.2f}"
            f" {r['peak_rss_kb'] / 1024:>12.0f} {imp:>9.3f}"
        )
    s = results["stock"]["cpu_s"]
    print(f"\nspeed-up: {s / results['ours']['cpu_s']:.2f}x (ours), {s / results['ours-nocache']['cpu_s']:.2f}x (no cache)")
    print(f"output identical to stock pyvi: {identical}")
    for engine, r in results.items():
        if "long_cpu_s" in r:
            print(f"one string of {r['long_chars']:,} characters: {engine} {r['long_cpu_s']:.2f} s")
    if not identical:
        sys.exit(1)


if __name__ == "__main__":
    main()
