"""Live-mode latency: how long `ttdn serve` takes to answer a results page, measured over HTTP.

    python bench/serve_latency.py --index /tmp/ix20k            # typical queries, 5 rounds
    python bench/serve_latency.py --index index --rounds 10 --json

Each request is a whole page: parse the URL, search with facets and highlights, render the template,
send it. The server runs in this process on 127.0.0.1 (an ephemeral port), as `ttdn serve` does; one
warm-up round is not counted. The index is only read.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

# What a person types, and what they click next: plain words, a phrase, a place, a directive number, and
# a facet or filter applied to a query.
TYPICAL = [
    {"q": "thông tin đối ngoại"},
    {"q": "hội nghị tổng kết công tác thông tin đối ngoại"},
    {"q": "tuyên truyền biển đảo"},
    {"q": "hợp tác quốc tế"},
    {"q": "Nghệ An"},
    {"q": "\"quảng bá hình ảnh\""},
    {"q": "thong tin doi ngoai"},
    {"q": "57-NQ/TW"},
    {"q": "kinh tế", "f_year": "2020"},
    {"q": "du lịch", "province": "Đà Nẵng"},
    {"q": "biên giới", "sort": "date"},
]


def measure(index_dir: Path, rounds: int) -> dict:
    from ttdn_search.server import make_server

    server = make_server(index_dir, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/?"
    per_query: dict[str, list[float]] = {}
    try:
        for r in range(rounds + 1):
            for params in TYPICAL:
                url = base + urlencode(params)
                t0 = time.perf_counter()
                with urllib.request.urlopen(url, timeout=30) as resp:
                    body = resp.read()
                    assert resp.status == 200 and b'id="total"' in body, url
                ms = (time.perf_counter() - t0) * 1000
                if r:  # round 0 warms caches (pyvi, suggestions, the OS page cache) and is not counted
                    per_query.setdefault(" ".join(f"{k}={v}" for k, v in params.items()), []).append(ms)
    finally:
        server.shutdown()
        server.server_close()
    every = sorted(ms for v in per_query.values() for ms in v)
    return {
        "index": str(index_dir),
        "requests": len(every),
        "median_ms": round(statistics.median(every), 1),
        "p90_ms": round(every[int(0.9 * (len(every) - 1))], 1),
        "max_ms": round(every[-1], 1),
        "per_query_median_ms": {k: round(statistics.median(v), 1) for k, v in per_query.items()},
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path, required=True)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    out = measure(args.index, args.rounds)
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        print(f"{out['requests']} page requests on {out['index']}: median {out['median_ms']} ms, "
              f"p90 {out['p90_ms']} ms, max {out['max_ms']} ms")
        for q, ms in out["per_query_median_ms"].items():
            print(f"  {ms:7.1f} ms  {q}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
