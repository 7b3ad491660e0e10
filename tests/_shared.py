"""Where ../shared is, and a marker that skips a test with a clear reason when it is absent."""

import os
from pathlib import Path

import pytest

SHARED = Path(os.environ.get("TTDN_SHARED") or Path(__file__).resolve().parents[1].parent / "shared")
SEEDS = SHARED / "corpus" / "seeds"
NEWS = SHARED / "corpus" / "news-20k.jsonl.gz"
EVAL_DEV = SHARED / "eval" / "dev"

needs_shared = pytest.mark.skipif(
    not (SHARED / "corpus").is_dir(),
    reason=f"needs the shared corpus at {SHARED} (set TTDN_SHARED); a user's clone has none",
)
