"""Make docs/screenshot.png: the static results page for «thông tin đối ngoại» from 2019, over the bundled
samples and one of them republished by another portal (so the page shows a group of copies, the count of
distinct texts and the timeline).

    python bench/screenshot.py [--out docs/screenshot.png]

Needs chromium on PATH (`make browser`).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ttdn_search.filters import Filters  # noqa: E402
from ttdn_search.indexer import build_index  # noqa: E402
from ttdn_search.render import write_static_site  # noqa: E402
from ttdn_search.search import Searcher  # noqa: E402


def republished(rec: dict) -> dict:
    """How a provincial portal reposts a paper's article: its own id, title and address, a byline more."""
    return {**rec, "id": rec["id"] + "-dang-lai", "title": "Tổng hợp: " + rec["title"],
            "source": "Cổng thông tin điện tử (mẫu)", "url": None, "text": rec["text"] + "\nTheo Báo Hưng Yên."}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(ROOT / "docs" / "screenshot.png"))
    args = ap.parse_args()
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        sys.exit("chromium is not on PATH (make browser)")
    recs = [json.loads(line) for line in (ROOT / "ttdn_search/samples/articles.jsonl").read_text("utf-8").splitlines()
            if line.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        src = tmp / "mau.jsonl"
        copy = republished(next(r for r in recs if r["id"] == "mau-05"))
        src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in [*recs, copy]), "utf-8")
        build_index([src], tmp / "ix", jobs=1)
        with Searcher(tmp / "ix") as s:
            page = write_static_site(s, "thông tin đối ngoại", Filters(date_from="2019"), tmp / "site")
        subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1100,900",
                        f"--screenshot={args.out}", page.resolve().as_uri()], check=True, capture_output=True)
    print(args.out)


if __name__ == "__main__":
    main()
