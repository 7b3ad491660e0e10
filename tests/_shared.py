"""Where the shared eval data lives (../shared next to the worktree, or $TTDN_SHARED); skip when absent."""

import os
from pathlib import Path

import pytest

SHARED = Path(os.environ.get("TTDN_SHARED") or Path(__file__).parents[1] / ".." / "shared").resolve()
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason=f"shared data not found at {SHARED} (set TTDN_SHARED)")
