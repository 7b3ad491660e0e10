"""What the record views would cost as per-segment syllable codes: the plan for the next index size step.

    python bench/coded_views.py IX --text-bytes N [--json OUT]

Each companion's folded syllables (title and body) and exact syllables (the word view, joiners and the
title's line break as spaces) are ranked by how often they occur in that segment; syllable i becomes the
code point i + 3 (0 stays the record separator, 1 the word joiner, 2 the title's line break; surrogates
skipped), written as UTF-8. UTF-8 is self-synchronising, so a phrase's codes are still a substring of a
view's codes (no misaligned match), and a syllable needs no space around it. The word view keeps one joiner
byte between the syllables of a word. Prints the bytes today and coded, and the code tables (each syllable
once, plus a separator), against the text (`--text-bytes`: UTF-8 bytes of the titles and texts, as
bench/index_parts.py counts them).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ttdn_search.engine import format as F  # noqa: E402
from ttdn_search.engine.companion import Companion  # noqa: E402

FIRST_CODE = 3


def codes(counter: Counter) -> dict[bytes, int]:
    """syllable -> the UTF-8 length of its code, most frequent first."""
    out = {}
    for i, (syllable, _) in enumerate(counter.most_common()):
        cp = i + FIRST_CODE
        if cp >= 0xD800:
            cp += 0x800
        out[syllable] = len(chr(cp).encode("utf-8"))
    return out


def segment_sizes(path: Path, sizes: Counter) -> None:
    comp = Companion(path)
    try:
        views = [comp.views(d) for d in range(comp.ndocs)]
    finally:
        comp.close()
    folded, exact = Counter(), Counter()
    for title, body, words in views:
        folded.update(title.split())
        folded.update(body.split())
        exact.update(words.translate(F.WORDS_AS_SYLLABLES).split())
    fcode, ecode = codes(folded), codes(exact)
    for title, body, words in views:
        sizes["folded views today"] += len(title) + len(body)
        sizes["word view today"] += len(words)
        sizes["folded views coded"] += sum(fcode[s] for s in title.split()) + sum(fcode[s] for s in body.split())
        n = 0
        for line in words.split(b"\n"):
            for word in line.split():
                parts = word.split(b"_")
                n += sum(ecode[s] for s in parts) + len(parts) - 1
            n += 1  # the line break, or the end
        sizes["word view coded"] += n
    sizes["code tables"] += sum(len(s) + 1 for s in fcode) + sum(len(s) + 1 for s in ecode)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("index", type=Path)
    ap.add_argument("--text-bytes", type=int, required=True)
    ap.add_argument("--json", type=Path, metavar="OUT")
    args = ap.parse_args()
    sizes: Counter = Counter()
    for path in sorted(args.index.glob(f"*.{F.EXT}")):
        segment_sizes(path, sizes)
    rows = {k: {"bytes": v, "x_text": v / args.text_bytes} for k, v in sizes.items()}
    print("| part | MB | x text |\n|---|---:|---:|")
    for k, r in rows.items():
        print(f"| {k} | {r['bytes'] / 1e6:.1f} | {r['x_text']:.3f} |")
    saved = (sizes["folded views today"] + sizes["word view today"] - sizes["folded views coded"]
             - sizes["word view coded"] - sizes["code tables"])
    print(f"\nsaved: {saved / 1e6:.1f} MB, {saved / args.text_bytes:.3f}x the text")
    if args.json:
        args.json.write_text(json.dumps({"index": str(args.index), "parts": rows, "saved_x": saved / args.text_bytes},
                                        indent=1))


if __name__ == "__main__":
    main()
