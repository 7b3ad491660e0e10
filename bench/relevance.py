"""Relevance benchmark: Recall@10 and MRR@10 per query kind for ttdn beside SQLite FTS5 and Tantivy.

The Tantivy peer needs the `tantivy` package, which is the `bench` extra in pyproject
(`pip install -e '.[bench]'`). FTS5 comes with Python's sqlite3; ttdn is this project.

    python bench/relevance.py                        # all engines, full corpus and dev queries
    python bench/relevance.py --engines fts5,tantivy --json /tmp/peers.json
    python bench/relevance.py --limit-docs 2000      # quick run on the first 2,000 articles

Every engine indexes the same articles and answers the same queries in one run; the table is
Markdown so it can be pasted into BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

REPO_ROOT = Path(__file__).resolve().parents[1]
KINDS = ("title", "title_noaccent", "span", "span_noaccent")
ENGINES = ("ttdn", "fts5", "tantivy")


# ---------------------------------------------------------------------------------------------
# Metrics: plain functions over one ranked list of ids and the set of relevant ids.


def recall_at_k(ranked_ids: list[str], relevant_ids: Iterable[str], k: int = 10) -> float:
    """Share of the relevant ids found among the first k ranked ids."""
    relevant = set(relevant_ids)
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranked_ids[:k])) / len(relevant)


def mrr_at_k(ranked_ids: list[str], relevant_ids: Iterable[str], k: int = 10) -> float:
    """Reciprocal rank of the first relevant id within the first k, or 0 when none is there."""
    relevant = set(relevant_ids)
    for rank, doc_id in enumerate(ranked_ids[:k], start=1):
        if doc_id in relevant:
            return 1.0 / rank
    return 0.0


# ---------------------------------------------------------------------------------------------
# Data


def shared_dir() -> Path:
    """Where the shared corpus and evaluation data live: $TTDN_SHARED, else ../shared beside the repo."""
    env = os.environ.get("TTDN_SHARED")
    return Path(env) if env else REPO_ROOT.parent / "shared"


def _open_text(path: Path):
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    return open(path, encoding="utf-8")


def iter_articles(path: Path, limit: int | None = None) -> Iterator[dict]:
    """Yield the corpus's JSONL records (id, title, text, ...), the first `limit` only if given."""
    with _open_text(path) as fh:
        n = 0
        for line in fh:
            if not line.strip():
                continue
            if limit is not None and n >= limit:
                return
            n += 1
            yield json.loads(line)


@dataclass
class Corpus:
    """The articles every engine indexes: a JSONL(.gz) file, optionally cut to its first N records."""

    path: Path
    limit: int | None = None
    _subset_file: Path | None = None

    def articles(self) -> Iterator[dict]:
        return iter_articles(self.path, self.limit)

    def ids(self) -> set[str]:
        return {a["id"] for a in self.articles()}

    def as_file(self, workdir: Path) -> Path:
        """A JSONL file holding exactly these articles, for engines that index files (ttdn)."""
        if self.limit is None:
            return self.path
        if self._subset_file is None:
            self._subset_file = workdir / f"corpus-first-{self.limit}.jsonl"
            with open(self._subset_file, "w", encoding="utf-8") as out:
                for article in self.articles():
                    out.write(json.dumps(article, ensure_ascii=False) + "\n")
        return self._subset_file


@dataclass
class Query:
    qid: str
    query: str
    relevant_ids: list[str]
    kind: str


def load_queries(path: Path) -> list[Query]:
    with open(path, encoding="utf-8") as fh:
        return [
            Query(d["qid"], d["query"], list(d["relevant_ids"]), d["kind"])
            for d in map(json.loads, filter(str.strip, fh))
        ]


# ---------------------------------------------------------------------------------------------
# Engines: build(corpus, workdir) once, then search(query, k) -> ranked article ids.


class EngineUnavailable(Exception):
    """An engine's library is not installed."""


class Fts5Engine:
    """SQLite FTS5, unicode61 with remove_diacritics 2, BM25, implicit AND of the query's tokens."""

    name = "fts5"

    def __init__(self) -> None:
        self.db: sqlite3.Connection | None = None

    def build(self, corpus: Corpus, workdir: Path) -> None:
        path = workdir / "fts5.sqlite"
        path.unlink(missing_ok=True)
        self.db = sqlite3.connect(path)
        self.db.execute(
            "CREATE VIRTUAL TABLE t USING fts5(id UNINDEXED, title, body, "
            "tokenize = 'unicode61 remove_diacritics 2')"
        )
        with self.db:
            self.db.executemany(
                "INSERT INTO t (id, title, body) VALUES (?, ?, ?)",
                ((a["id"], a.get("title") or "", a.get("text") or "") for a in corpus.articles()),
            )

    @staticmethod
    def match_expression(query: str) -> str:
        """The query's word tokens, each double-quoted so FTS5 syntax in them is literal."""
        return " ".join('"' + tok.replace('"', '""') + '"' for tok in re.findall(r"\w+", query))

    def search(self, query: str, k: int) -> list[str]:
        expr = self.match_expression(query)
        if not expr:
            return []
        rows = self.db.execute(
            "SELECT id FROM t WHERE t MATCH ? ORDER BY bm25(t) LIMIT ?", (expr, k)
        )
        return [r[0] for r in rows]

    def close(self) -> None:
        if self.db is not None:
            self.db.close()


class TantivyEngine:
    """Tantivy: simple tokenizer, lowercase, ascii_fold; the query's terms ANDed over title and body."""

    name = "tantivy"
    tokenizer_name = "vi_fold"

    def __init__(self) -> None:
        try:
            import tantivy
        except ImportError as e:
            raise EngineUnavailable("tantivy is not installed (pip install -e '.[bench]')") from e
        self.tantivy = tantivy
        self.analyzer = (
            tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
            .filter(tantivy.Filter.lowercase())
            .filter(tantivy.Filter.ascii_fold())
            .build()
        )
        self.index = None
        self.searcher = None

    def build(self, corpus: Corpus, workdir: Path) -> None:
        tv = self.tantivy
        builder = tv.SchemaBuilder()
        builder.add_text_field("id", stored=True, tokenizer_name="raw")
        builder.add_text_field("title", tokenizer_name=self.tokenizer_name, index_option="position")
        builder.add_text_field("body", tokenizer_name=self.tokenizer_name, index_option="position")
        schema = builder.build()
        path = workdir / "tantivy"
        path.mkdir(parents=True, exist_ok=True)
        self.index = tv.Index(schema, path=str(path), reuse=False)
        self.index.register_tokenizer(self.tokenizer_name, self.analyzer)
        # One indexing thread: the machine's cores are shared, and FTS5 builds on one thread too.
        writer = self.index.writer(heap_size=200_000_000, num_threads=1)
        for a in corpus.articles():
            writer.add_document(
                tv.Document(id=a["id"], title=a.get("title") or "", body=a.get("text") or "")
            )
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()

    def query_string(self, query: str) -> str:
        """Each analysed term required (+) and quoted, so words like AND or symbols stay literal."""
        terms = self.analyzer.analyze(query)
        return " ".join('+"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"' for t in terms)

    def search(self, query: str, k: int) -> list[str]:
        qs = self.query_string(query)
        if not qs:
            return []
        parsed = self.index.parse_query(qs, ["title", "body"])
        hits = self.searcher.search(parsed, limit=k).hits
        return [self.searcher.doc(addr)["id"][0] for _score, addr in hits]

    def close(self) -> None:
        self.searcher = None
        self.index = None


class TtdnEngine:
    """The project's own engine, through its public API (ttdn_search.indexer / ttdn_search.search)."""

    name = "ttdn"

    def __init__(self, index_dir: Path | None = None) -> None:
        # Benchmark this checkout's package, even when the script is run without installing it.
        if str(REPO_ROOT) not in sys.path:
            sys.path.insert(0, str(REPO_ROOT))
        try:
            from ttdn_search.indexer import build_index
            from ttdn_search.search import Searcher
        except ImportError as e:
            raise EngineUnavailable(f"ttdn_search's indexer/search API is not importable: {e}") from e
        self._build_index = build_index
        self._searcher_cls = Searcher
        self.reuse_dir = index_dir
        self.searcher = None

    def build(self, corpus: Corpus, workdir: Path) -> None:
        if self.reuse_dir is not None:
            index_dir = self.reuse_dir
        else:
            index_dir = workdir / "ttdn"
            self._build_index([str(corpus.as_file(workdir))], str(index_dir), rebuild=True)
        self.searcher = self._searcher_cls(str(index_dir))

    def search(self, query: str, k: int) -> list[str]:
        return [hit.id for hit in self.searcher.search(query, limit=k).hits]

    def close(self) -> None:
        close = getattr(self.searcher, "close", None)
        if close is not None:
            close()


def make_engine(name: str, ttdn_index: Path | None = None):
    if name == "fts5":
        return Fts5Engine()
    if name == "tantivy":
        return TantivyEngine()
    if name == "ttdn":
        return TtdnEngine(ttdn_index)
    raise ValueError(f"unknown engine {name!r}; choose from {', '.join(ENGINES)}")


# ---------------------------------------------------------------------------------------------
# Running


@dataclass
class KindScore:
    n: int = 0
    recall: float = 0.0
    mrr: float = 0.0


@dataclass
class EngineResult:
    engine: str
    build_seconds: float | None
    median_query_ms: float
    kinds: dict[str, KindScore] = field(default_factory=dict)
    all: KindScore = field(default_factory=KindScore)


def evaluate(engine, queries: list[Query], k: int = 10) -> tuple[dict[str, KindScore], KindScore, list[float]]:
    """Run every query; return mean R@k and MRR@k per kind and overall, and each query's seconds."""
    sums: dict[str, list[float]] = {}
    times: list[float] = []
    for q in queries:
        t0 = time.perf_counter()
        ranked = engine.search(q.query, k)
        times.append(time.perf_counter() - t0)
        # The corpus repeats a few records under one id: count each article once.
        ranked = list(dict.fromkeys(ranked))
        s = sums.setdefault(q.kind, [0, 0.0, 0.0])
        s[0] += 1
        s[1] += recall_at_k(ranked, q.relevant_ids, k)
        s[2] += mrr_at_k(ranked, q.relevant_ids, k)
    kinds = {kind: KindScore(n, r / n, m / n) for kind, (n, r, m) in sums.items()}
    n_all = sum(s.n for s in kinds.values())
    overall = KindScore(
        n_all,
        sum(s.recall * s.n for s in kinds.values()) / n_all if n_all else 0.0,
        sum(s.mrr * s.n for s in kinds.values()) / n_all if n_all else 0.0,
    )
    return kinds, overall, times


def run_engine(engine, corpus: Corpus, queries: list[Query], workdir: Path, k: int = 10,
               timed_build: bool = True) -> EngineResult:
    """Build the engine's index over the corpus, then evaluate the queries on it."""
    t0 = time.perf_counter()
    engine.build(corpus, workdir)
    build_seconds = time.perf_counter() - t0 if timed_build else None
    try:
        kinds, overall, times = evaluate(engine, queries, k)
    finally:
        engine.close()
    median_ms = statistics.median(times) * 1000 if times else 0.0
    return EngineResult(engine.name, build_seconds, median_ms, kinds, overall)


def ordered_kinds(results: list[EngineResult]) -> list[str]:
    seen = {kind for r in results for kind in r.kinds}
    return [k for k in KINDS if k in seen] + sorted(seen - set(KINDS))


def format_table(results: list[EngineResult], k: int = 10) -> str:
    """One Markdown table: a row per engine, R@k and MRR@k per kind, build time, median query time."""
    kinds = ordered_kinds(results)
    header = ["engine"]
    for kind in kinds:
        header += [f"{kind} R@{k}", f"{kind} MRR@{k}"]
    header += ["build s", "median query ms"]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
    for r in results:
        row = [r.engine]
        for kind in kinds:
            s = r.kinds.get(kind)
            row += [f"{s.recall:.3f}", f"{s.mrr:.3f}"] if s else ["-", "-"]
        row.append(f"{r.build_seconds:.1f}" if r.build_seconds is not None else "reused")
        row.append(f"{r.median_query_ms:.2f}")
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def results_json(results: list[EngineResult], *, corpus: Corpus, queries_path: Path, n_docs: int,
                 queries: list[Query], k: int, skipped: dict[str, str]) -> dict:
    by_kind: dict[str, int] = {}
    for q in queries:
        by_kind[q.kind] = by_kind.get(q.kind, 0) + 1
    return {
        "k": k,
        "corpus": str(corpus.path),
        "limit_docs": corpus.limit,
        "n_docs": n_docs,
        "queries": str(queries_path),
        "n_queries": by_kind,
        "skipped": skipped,
        "engines": {
            r.engine: {
                "build_seconds": r.build_seconds,
                "median_query_ms": r.median_query_ms,
                "kinds": {kind: vars(s) for kind, s in r.kinds.items()},
                "all": vars(r.all),
            }
            for r in results
        },
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    shared = shared_dir()
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--corpus", type=Path, default=shared / "corpus" / "news-20k.jsonl.gz",
                   help="articles as JSONL(.gz) with id, title, text (default: %(default)s)")
    p.add_argument("--queries", type=Path, default=shared / "eval" / "dev" / "queries.jsonl",
                   help="known-item queries as JSONL with qid, query, relevant_ids, kind (default: %(default)s)")
    p.add_argument("--engines", default=",".join(ENGINES),
                   help="comma-separated engines to run, from %(default)s")
    p.add_argument("--limit-docs", type=int, metavar="N",
                   help="index only the first N articles and keep the queries whose article is among them")
    p.add_argument("--workdir", type=Path, help="where indexes are built (default: a temporary directory)")
    p.add_argument("--ttdn-index", type=Path, metavar="DIR", help="reuse this built ttdn index instead of building one")
    p.add_argument("--json", type=Path, metavar="OUT", help="also write the figures to this JSON file")
    p.add_argument("-k", type=int, default=10, help="rank cut-off (default: %(default)s)")
    args = p.parse_args(argv)
    args.engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = [e for e in args.engines if e not in ENGINES]
    if unknown:
        p.error(f"unknown engine(s) {', '.join(unknown)}; choose from {', '.join(ENGINES)}")
    for path in (args.corpus, args.queries):
        if not path.exists():
            p.error(f"{path} not found (set TTDN_SHARED or pass --corpus/--queries)")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    corpus = Corpus(args.corpus, args.limit_docs)
    queries = load_queries(args.queries)
    doc_ids = corpus.ids()
    n_docs = sum(1 for _ in corpus.articles())
    if args.limit_docs is not None:
        queries = [q for q in queries if doc_ids.issuperset(q.relevant_ids)]
        if args.ttdn_index and "ttdn" in args.engines:
            print("warning: --ttdn-index was built on its own corpus, not the first "
                  f"{args.limit_docs} articles; its figures are not comparable", file=sys.stderr)
    print(f"{n_docs} articles from {args.corpus}; {len(queries)} queries from {args.queries}", file=sys.stderr)
    if not queries:
        print("no queries left to run", file=sys.stderr)
        return 1

    results: list[EngineResult] = []
    skipped: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="ttdn-bench-") as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        for name in args.engines:
            try:
                engine = make_engine(name, args.ttdn_index)
            except EngineUnavailable as e:
                skipped[name] = str(e)
                print(f"skipping {name}: {e}", file=sys.stderr)
                continue
            print(f"{name}: building and querying ...", file=sys.stderr)
            timed = not (name == "ttdn" and args.ttdn_index is not None)
            results.append(run_engine(engine, corpus, queries, workdir, args.k, timed_build=timed))

    if not results:
        print("no engine could run", file=sys.stderr)
        return 1
    print(format_table(results, args.k))
    if args.json:
        data = results_json(results, corpus=corpus, queries_path=args.queries, n_docs=n_docs,
                            queries=queries, k=args.k, skipped=skipped)
        args.json.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
