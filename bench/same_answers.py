"""Do two checkouts answer every dev query the same? For refactors that must not change behaviour.

    git worktree add /tmp/base HEAD        # the tree to compare against
    python bench/same_answers.py --base /tmp/base --index /tmp/ix20k [--base-index /tmp/ix20k-old]

Runs `ttdn search --queries FILE --nl -n 10` of each tree (PYTHONPATH selects the tree) on every dev query
set and compares the JSON answers line by line, `took_ms` aside: ids, order, scores, snippets, totals,
facets and suggestions. Prints the number of answers compared and the first differences. --base-index: the
base tree's own index of the same corpus, when the two trees write different formats.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "eval" / "dev"
SETS = ("queries", "precision_queries", "hard_queries")


def answers(tree: Path, index: Path, queries: Path) -> list[dict]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run([sys.executable, "-m", "ttdn_search", "search", "--index", str(index), "--queries",
                          str(queries), "--nl", "-n", "10"], capture_output=True, text=True, env=env, cwd=tempfile.gettempdir())
    rows = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    for row in rows:
        row.pop("took_ms", None)
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", type=Path, required=True, help="the other checkout")
    ap.add_argument("--index", type=Path, required=True)
    ap.add_argument("--base-index", type=Path, help="the base tree's index (default: --index)")
    ap.add_argument("--dev", type=Path, default=DEV)
    args = ap.parse_args()
    compared = differ = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name in SETS:
            src = args.dev / f"{name}.jsonl"
            if not src.exists():
                continue
            q = Path(tmp) / f"{name}.jsonl"
            q.write_text("".join(json.dumps({"qid": r["qid"], "query": r["query"]}, ensure_ascii=False) + "\n"
                                 for r in map(json.loads, src.open(encoding="utf-8"))), "utf-8")
            a, b = answers(args.base, args.base_index or args.index, q), answers(ROOT, args.index, q)
            if len(a) != len(b):
                print(f"{name}: {len(a)} answers from the base, {len(b)} from this tree")
                differ += 1
            for x, y in zip(a, b):
                compared += 1
                if x != y:
                    differ += 1
                    if differ <= 5:
                        print(f"{name} {x.get('qid')}: differs in {[k for k in x if x.get(k) != y.get(k)]}")
    print(f"{compared} answers compared, {differ} differ")
    return 1 if differ or not compared else 0


if __name__ == "__main__":
    sys.exit(main())
