"""Byte-flip trials: damage one byte of an index file at a time and check what the user gets.

    python bench/byte_flips.py                      # 200 flips over a 3,000-article index of ../shared
    python bench/byte_flips.py --flips 50 --articles 500 --seed 3 --keep /tmp/bf

The index is built once from the first short articles of news-20k, in segments of 1,000 articles. Twenty probe queries (words with and
without diacritics, phrases, a directive, filters, date sort, facets) are answered through the CLI's
batch mode (`ttdn search --queries FILE --json`). Then, flip after flip, one random bit of one byte of one
file is inverted (files taken in turn, so every file of the index gets its share, small ones too), the
probes are run again in a fresh process, and the byte is put back. Each flip must end one of two ways:

- detected: exit 1, every line on stderr a one-line message, and the message names `--rebuild` (or, for
  the batch, every failing query line says so);
- harmless: exit 0 and the very same answers as before the flip (took_ms aside).

Anything else, a traceback or an answer that changed silently, is a failure. Exit status 0 when every
flip was detected or harmless, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kill_trials import DEFAULT_CORPUS, write_corpus  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[1]

PROBES = [
    "thông tin đối ngoại", "thong tin doi ngoai", '"hội nghị tổng kết"', "biên giới", "hợp tác quốc tế",
    "du lịch", "Lào Cai", "Kết luận 57-KL/TW", "ngoai giao van hoa", "an ninh trật tự",
    {"query": "kinh tế", "province": "Hà Nội"}, {"query": "", "year": "2024"},
    {"query": "giáo dục", "sort": "date"}, {"query": "", "sort": "date", "limit": 30},
    {"query": "nông nghiệp", "kind": "hội nghị tổng kết"}, "xây dựng nông thôn mới", "chuyển đổi số",
    "phòng chống dịch", "bão lũ", "đại hội đảng bộ",
]


def _run_probes(index: Path, probes: Path) -> tuple[int, str, str]:
    cmd = [sys.executable, "-m", "ttdn_search", "search", "--queries", str(probes), "--index", str(index)]
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO_ROOT, timeout=300)
    return p.returncode, p.stdout, p.stderr


def _answers(stdout: str) -> list:
    out = []
    for line in stdout.splitlines():
        rec = json.loads(line)
        rec.pop("took_ms", None)
        out.append(rec)
    return out


def _detected(code: int, stdout: str, stderr: str) -> bool:
    if code != 1 or "Traceback" in stderr or "Traceback" in stdout:
        return False
    errors = [json.loads(line).get("error") for line in stdout.splitlines()]
    said = [e for e in errors if e] + [ln for ln in stderr.splitlines() if ln.strip()]
    return bool(said) and all("--rebuild" in s or "truy vấn lỗi" in s for s in said) and any("--rebuild" in s for s in said)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--articles", type=int, default=3000)
    ap.add_argument("--flips", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--batch", type=int, default=1000, help="articles per segment (TTDN_BATCH_SIZE)")
    ap.add_argument("--keep", type=Path, help="work in this folder and leave it (default: a temporary one)")
    args = ap.parse_args(argv)
    if not args.corpus.exists():
        print(f"needs the corpus at {args.corpus}", file=sys.stderr)
        return 2
    work = args.keep or Path(tempfile.mkdtemp(prefix="ttdn-flips-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus, index, probes = work / "corpus.jsonl", work / "index", work / "probes.jsonl"
    write_corpus(args.corpus, corpus, args.articles)
    probes.write_text("".join(json.dumps(p if isinstance(p, dict) else {"query": p}, ensure_ascii=False) + "\n"
                              for p in PROBES), encoding="utf-8")
    if index.exists():
        shutil.rmtree(index)
    build = subprocess.run([sys.executable, "-m", "ttdn_search", "index", str(corpus), "--index", str(index), "-q"],
                           cwd=REPO_ROOT, capture_output=True, text=True,
                           env={**os.environ, "TTDN_BATCH_SIZE": str(args.batch)})
    if build.returncode not in (0, 3):
        print(build.stderr, file=sys.stderr)
        return 1
    code, stdout, stderr = _run_probes(index, probes)
    if code != 0:
        print("the probes fail on the intact index:", stderr, file=sys.stderr)
        return 1
    baseline = _answers(stdout)
    files = sorted(p for p in index.iterdir() if p.is_file() and p.stat().st_size > 0)
    rng = random.Random(args.seed)
    tally: dict[str, dict[str, int]] = {p.name: {"detected": 0, "harmless": 0, "failed": 0} for p in files}
    failures = []
    for i in range(args.flips):
        path = files[i % len(files)]
        original = path.read_bytes()
        at = rng.randrange(len(original))
        bit = 1 << rng.randrange(8)
        damaged = bytearray(original)
        damaged[at] ^= bit
        path.write_bytes(bytes(damaged))
        try:
            code, stdout, stderr = _run_probes(index, probes)
        finally:
            path.write_bytes(original)
        if code == 0 and "Traceback" not in stderr and _answers(stdout) == baseline:
            outcome = "harmless"
        elif _detected(code, stdout, stderr):
            outcome = "detected"
        else:
            outcome = "failed"
            first = (stderr.strip().splitlines() or ["(no message; answers changed)"])[-1]
            failures.append(f"{path.name} byte {at} bit {bit:#04x}: exit {code}: {first[:300]}")
        tally[path.name][outcome] += 1
    kinds = {}
    for name, t in tally.items():
        kind = name.rsplit(".", 1)[-1] if name.startswith("MAIN_") else name
        k = kinds.setdefault(kind, {"detected": 0, "harmless": 0, "failed": 0})
        for key, n in t.items():
            k[key] += n
    print(f"{args.flips} flips over {len(files)} files of a {args.articles}-article index (seed {args.seed})")
    print(f"{'file':<24}{'detected':>10}{'harmless':>10}{'failed':>8}")
    for kind, t in sorted(kinds.items()):
        print(f"{kind:<24}{t['detected']:>10}{t['harmless']:>10}{t['failed']:>8}")
    total = {k: sum(t[k] for t in kinds.values()) for k in ("detected", "harmless", "failed")}
    print(f"{'all':<24}{total['detected']:>10}{total['harmless']:>10}{total['failed']:>8}")
    for f in failures:
        print("FAILED:", f)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
