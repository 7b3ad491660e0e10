"""How the figures grow with the corpus: one Markdown table and one plot (PNG) from the JSON the benches
wrote at each size.

    python bench/growth.py --point 20k:/tmp/bench/20k --point 100k:/tmp/bench/100k --point 1M:/tmp/bench/1m \
        --png docs/growth.png

Each point's folder holds what these wrote with --json: index.json (`perf.py index`), latency.json
(`latency_all.py`), cold.json (`perf.py cold`) and parts.json (`index_parts.py`), and optionally
add100.json ({"wall_s": [...]}: runs of `ttdn index` adding 100 articles, timed by hand; the median
replaces index.json's); a missing file leaves its figures out of that point. The plot puts each figure against the number of articles, both axes
logarithmic, with the issue's targets as dashed lines where it sets one.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

# (key, label, unit, target at 1M or None, where: (file, path...))
FIGURES = [
    ("build_min", "fresh build", "min", 60, ("index.json", "fresh", "build_wall_s"), 1 / 60),
    ("rss_mb", "peak RSS (tree)", "MB", 2048, ("index.json", "fresh", "tree_peak_rss_mb"), 1),
    ("index_x", "index / text", "x", 2.5, ("index.json", "fresh", "index_to_raw"), 1),
    ("add100_s", "add 100 articles", "s", 3, ("index.json", "add100", "build_wall_s"), 1),
    ("reindex_pct", "re-index unchanged / fresh", "%", 2, None, 1),
    ("p50_ms", "query p50 (all dev sets)", "ms", 15, ("latency.json", "kinds", "all", "p50_ms"), 1),
    ("p95_ms", "query p95 (all dev sets)", "ms", 50, ("latency.json", "kinds", "all", "p95_ms"), 1),
    ("oneoff_s", "one-off ttdn search", "s", 0.25, ("cold.json", "median_search_s"), 1),
    ("segments", "segments", "", None, ("parts.json", "segments"), 1),
]


def _get(data: dict, path) -> float | None:
    for p in path:
        if not isinstance(data, dict) or p not in data:
            return None
        data = data[p]
    return data


def point(folder: Path) -> dict:
    files = {name: json.loads((folder / name).read_text()) for name in
             ("index.json", "latency.json", "cold.json", "parts.json") if (folder / name).exists()}
    out: dict = {}
    if "index.json" in files:
        ix = files["index.json"]
        out["articles"] = _get(ix, ("fresh", "articles"))
        fresh, again = _get(ix, ("fresh", "build_wall_s")), _get(ix, ("reindex", "build_wall_s"))
        if fresh and again is not None:
            out["reindex_pct"] = 100 * again / fresh
    if "latency.json" in files and not out.get("articles"):
        out["articles"] = files["latency.json"].get("documents")
    if (folder / "add100.json").exists():  # runs timed after the build, by a newer checkout (its "wall_s")
        runs = sorted(json.loads((folder / "add100.json").read_text())["wall_s"])
        out["add100_s"] = runs[len(runs) // 2]
    for key, _, _, _, where, scale in FIGURES:
        if key == "add100_s" and "add100_s" in out:
            continue
        if where and where[0] in files:
            v = _get(files[where[0]], where[1:])
            if v is not None:
                out[key] = v * scale
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--point", action="append", required=True, metavar="LABEL:FOLDER")
    ap.add_argument("--png", type=Path, help="write the plot here")
    args = ap.parse_args()
    points = []
    for spec in args.point:
        label, _, folder = spec.partition(":")
        points.append((label, point(Path(folder))))
    print("| figure | " + " | ".join(label for label, _ in points) + " | target (1M) |")
    print("|---|" + "---:|" * len(points) + "---:|")
    print("| articles | " + " | ".join(f"{p.get('articles') or 0:,}" for _, p in points) + " | |")
    for key, label, unit, target, _, _ in FIGURES:
        cells = []
        for _, p in points:
            v = p.get(key)
            cells.append("" if v is None else f"{v:,.3g}" if v < 100 else f"{v:,.0f}")
        tgt = "" if target is None else f"<= {target:g} {unit}".strip()
        print(f"| {label}{f' ({unit})' if unit else ''} | " + " | ".join(cells) + f" | {tgt} |")
    if args.png:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        shown = [f for f in FIGURES if sum(p.get(f[0]) is not None for _, p in points) >= 2]
        cols = 3
        rows = -(-len(shown) // cols)
        fig, axes = plt.subplots(rows, cols, figsize=(4 * cols, 3 * rows), squeeze=False)
        for ax, (key, label, unit, target, _, _) in zip(axes.flat, shown):
            xs = [p["articles"] for _, p in points if p.get(key) is not None and p.get("articles")]
            ys = [p[key] for _, p in points if p.get(key) is not None and p.get("articles")]
            ax.plot(xs, ys, "o-")
            for (lab, p) in points:
                if p.get(key) is not None and p.get("articles"):
                    ax.annotate(lab, (p["articles"], p[key]), textcoords="offset points", xytext=(4, 4), fontsize=8)
            if target is not None:
                ax.axhline(target, linestyle="--", color="tab:red", linewidth=1)
            ax.set_xscale("log")
            if min(ys) > 0:
                ax.set_yscale("log")
            ax.set_title(f"{label}" + (f" ({unit})" if unit else ""), fontsize=10)
            ax.set_xlabel("articles", fontsize=8)
            ax.tick_params(labelsize=8)
        for ax in list(axes.flat)[len(shown):]:
            ax.axis("off")
        fig.suptitle("ttdn-search: growth with the corpus (dashed: the 1M target)", fontsize=11)
        fig.tight_layout()
        args.png.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(args.png, dpi=110)
        print(f"\nplot: {args.png}")


if __name__ == "__main__":
    main()
