"""Where things are: the repository, and the shared contract checkers beside it."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
CHECK_OUTPUTS = SHARED / "tools" / "check_outputs.py"
CHECK_DATASET = SHARED / "tools" / "check_dataset.py"
