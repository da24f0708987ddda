"""The optional second check: checkers and policy texts written apart from this project, used on its outputs and
datasets when they are at hand, after the project's own checks (tests/builders/output_contract.py and
dataset_contract.py), which always run.

They are looked for in the folder `$SOCIALAUDIT_SHARED_DIR` names (holding `tools/check_outputs.py`,
`tools/check_dataset.py`, `policies/`), else in a folder named `shared` beside the checkout or beside the folder
holding it (a worktree). Absent, the second check is skipped: a clone of the repository alone passes without it.
`SOCIALAUDIT_SHARED_DIR=""` skips it even when present; a folder named there that does not exist is an error.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.builders.paths import REPO

SHARED_DIR_ENV = "SOCIALAUDIT_SHARED_DIR"


def shared_dir() -> Path | None:
    """The folder of the independent checkers, or None when there is none to use."""
    configured = os.environ.get(SHARED_DIR_ENV)
    if configured is not None:
        if not configured:
            return None
        folder = Path(configured)
        if not folder.is_dir():
            raise FileNotFoundError(f"{SHARED_DIR_ENV}={configured}: no such folder")
        return folder
    for beside in (REPO.parent, REPO.parent.parent):
        folder = beside / "shared"
        if (folder / "tools").is_dir():
            return folder
    return None


def shared_path(*parts: str) -> Path | None:
    """A file or folder of the independent checkers (e.g. "tools", "check_outputs.py"), if present."""
    folder = shared_dir()
    if folder is None:
        return None
    path = folder.joinpath(*parts)
    return path if path.exists() else None


def run_second_check(tool: str, *args: Path | str) -> None:
    """Run the independent `tools/<tool>` on `args` when it is present; it must pass."""
    script = shared_path("tools", tool)
    if script is None:
        return
    result = subprocess.run(
        [sys.executable, str(script), *map(str, args)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"the independent {tool} failed:\n{result.stdout}{result.stderr}"
