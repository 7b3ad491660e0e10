"""Where the shared corpus and evaluation data live, and a marker that skips tests when they are absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# ../shared next to the repository checkout, unless TTDN_SHARED points elsewhere.
SHARED = Path(os.environ.get("TTDN_SHARED") or Path(__file__).resolve().parents[1].parent / "shared")

needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason=f"shared data not found at {SHARED} (set TTDN_SHARED to its path)"
)
