"""Runs of `ttdn index` adding 100 new articles each to a copy of an index, timed one by one: the add-100
figure at any size, including the run that merges the small segments (the eighth of one tier, see
engine/merging.py).

    python bench/add_runs.py /tmp/ix1m-shape /tmp/ix1m-add [--runs 9] [--json OUT]

The copy is made with hard links (`cp -al`: an index run never writes a file in place), so the source
index is untouched. The new articles are the corpus's first records with new ids and changed titles, 100
different ones per run. TTDN=CMD runs another checkout's command (default: this checkout's ttdn_search).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("TTDN_SHARED") or ROOT.parent / "shared")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source")
    ap.add_argument("copy")
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--corpus", type=Path, default=SHARED / "corpus" / "news-20k.jsonl.gz")
    ap.add_argument("--json", type=Path, metavar="OUT")
    args = ap.parse_args()
    ttdn = shlex.split(os.environ.get("TTDN") or f"{sys.executable} -m ttdn_search")
    env = dict(os.environ, PYTHONPATH=os.environ.get("PYTHONPATH") or str(ROOT))
    src, dst = Path(args.source), Path(args.copy)
    shutil.rmtree(dst, ignore_errors=True)
    subprocess.run(["cp", "-al", str(src), str(dst)], check=True)
    recs = []
    with gzip.open(args.corpus, "rt", encoding="utf-8") as f:
        for line in f:
            if len(recs) >= 100 * args.runs:
                break
            recs.append(json.loads(line))
    walls = []
    for run in range(args.runs):
        path = dst.parent / f"{dst.name}.new-{run}.jsonl"
        with open(path, "w", encoding="utf-8") as w:
            for rec in recs[run * 100 : (run + 1) * 100]:
                rec = dict(rec, id=f"{rec['id']}+new{run}", title=f"{rec.get('title') or ''} (bài mới {run})")
                w.write(json.dumps(rec, ensure_ascii=False) + "\n")
        t = time.perf_counter()
        r = subprocess.run([*ttdn, "index", str(path), "--index", str(dst), "-q"], capture_output=True, text=True,
                           env=env)
        walls.append(time.perf_counter() - t)
        path.unlink()
        segments = len(list(dst.glob("*.ttdn")))
        print(f"run {run + 1}: {walls[-1]:.2f} s, exit {r.returncode}, {segments} segments", flush=True)
        if r.returncode:
            sys.exit(r.stderr.strip())
    if args.json:
        args.json.write_text(json.dumps({"wall_s": walls}, indent=1))


if __name__ == "__main__":
    main()
