"""`ttdn serve` under load: slow clients, floods of refused requests, many searches at once.

    python bench/serve_load.py --index /tmp/ix20k
    python bench/serve_load.py --index index --slow 400 --burst 200 --json

The server runs as `ttdn serve` does, in its own process (so the clients here do not share its GIL), on
an ephemeral loopback port. Statuses are counted (0: the connection was refused or reset). Measured, each time as the latency of
40 normal result pages (TYPICAL
queries of bench/serve_latency.py, one after another):

1. alone (the baseline);
2. while --slow connections sit half-sent (a request line never finished: what held one http.server
   thread each);
3. while --burst clients at once send requests the server must refuse (2,000 filter values, a foreign
   Host, another site's fetch);
4. --burst clients at once each asking a normal search: how long the last of them waits (searches run
   one at a time on one searcher, so this is throughput, reported as it is).
"""

from __future__ import annotations

import argparse
import json
import re
import socket
import statistics
from collections import Counter
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from serve_latency import TYPICAL  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[1]


def _get(port: int, path: str, host: str | None = None, extra: str = "") -> tuple[int, float]:
    """(HTTP status, or 0 for a connection refused or reset, and milliseconds)."""
    t = time.perf_counter()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=120) as s:
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: {host or f'127.0.0.1:{port}'}\r\nConnection: close\r\n{extra}\r\n".encode())
            data = b""
            while chunk := s.recv(65536):
                data += chunk
        status = int(data.split(b" ", 2)[1])
    except (OSError, IndexError, ValueError):
        status = 0
    return status, (time.perf_counter() - t) * 1000


def _normal(port: int, n: int = 40) -> list[tuple[int, float]]:
    return [_get(port, "/?" + urlencode(TYPICAL[i % len(TYPICAL)])) for i in range(n)]


def _summary(results: list[tuple[int, float]]) -> dict:
    ms = sorted(m for _, m in results)
    statuses = Counter(status for status, _ in results)
    return {"n": len(ms), "median_ms": round(statistics.median(ms), 1), "p95_ms": round(ms[int(0.95 * (len(ms) - 1))], 1),
            "max_ms": round(ms[-1], 1), "statuses": dict(sorted(statuses.items()))}


def _burst(port: int, n: int, make) -> list[tuple[int, float]]:
    results: list = [None] * n
    gate = threading.Barrier(n)

    def one(i):
        gate.wait()
        results[i] = make(i)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", type=Path, required=True)
    ap.add_argument("--slow", type=int, default=400)
    ap.add_argument("--burst", type=int, default=200)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    proc = subprocess.Popen([sys.executable, "-m", "ttdn_search", "serve", "--index", str(args.index), "--port", "0"],
                            cwd=REPO_ROOT, stderr=subprocess.PIPE, text=True)
    out: dict = {"index": str(args.index)}
    slow: list[socket.socket] = []
    try:
        line = proc.stderr.readline()
        port = int(re.search(r":(\d+)/", line).group(1))
        _normal(port, 11)  # warm-up: pyvi, suggestions, the page cache
        say = (lambda k, v: print(f"{k:42} {v}", flush=True)) if not args.json else (lambda k, v: None)
        out["alone"] = _summary(_normal(port))
        say("alone", out["alone"])
        for _ in range(args.slow):
            s = socket.create_connection(("127.0.0.1", port), timeout=30)
            s.sendall(b"GET /?q=th")
            slow.append(s)
        out[f"with_{args.slow}_slow_connections"] = _summary(_normal(port))
        say(f"with_{args.slow}_slow_connections", out[f"with_{args.slow}_slow_connections"])
        refused = "/?q=a&" + "&".join(f"f_year={y}" for y in range(1500, 2000))
        kinds = [(refused, None, ""), ("/?q=a", "evil.example", ""),
                 ("/?q=a", None, "Sec-Fetch-Site: cross-site\r\nSec-Fetch-Mode: no-cors\r\n")]
        normal: list = []
        runner = threading.Thread(target=lambda: normal.extend(_normal(port)))
        runner.start()
        flood = _burst(port, args.burst, lambda i: _get(port, *kinds[i % 3]))
        runner.join()
        out[f"refused_burst_of_{args.burst}"] = _summary(flood)
        say(f"refused_burst_of_{args.burst}", out[f"refused_burst_of_{args.burst}"])
        out[f"normal_during_refused_burst_of_{args.burst}"] = _summary(normal)
        say(f"normal_during_refused_burst_of_{args.burst}", out[f"normal_during_refused_burst_of_{args.burst}"])
        searches = _burst(port, args.burst, lambda i: _get(port, "/?" + urlencode(TYPICAL[i % len(TYPICAL)])))
        ms = [m for _, m in searches]
        out[f"burst_of_{args.burst}_searches"] = {**_summary(searches), "pages_per_s": round(len(ms) / (max(ms) / 1000), 1)}
        say(f"burst_of_{args.burst}_searches", out[f"burst_of_{args.burst}_searches"])
    finally:
        for s in slow:
            s.close()
        proc.terminate()
        proc.wait(10)
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
