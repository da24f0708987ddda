"""The optional second check: checkers and policy texts written apart from this project, used on its outputs and
datasets when they are at hand, after the project's own checks (tests/builders/output_contract.py and
dataset_contract.py), which always run.

They are looked for in the folder `$SOCIALAUDIT_SHARED_DIR` names (holding `tools/check_outputs.py`,
`tools/check_dataset.py`, `policies/`), else in a folder named `shared` beside the checkout or beside the folder
holding it (a worktree). Absent, the second check is skipped: a clone of the repository alone passes without it.
`SOCIALAUDIT_SHARED_DIR=""` skips it even when present; a folder named there that does not exist is an error.
"""

from __future__ import annotations

import ast
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
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


def run_second_output_check(out: Path, dataset: Path | None = None) -> None:
    """The independent check_outputs.py on a school's outputs, when present. Its value sets may predate platforms
    and rules the contract has since gained (it reads them from its own PLATFORMS and RULES): rows outside them are
    left out of the copy it reads, having been checked by the project's own schema. Everything else is its to judge,
    and a tool that lists them all reads the outputs unchanged."""
    script = shared_path("tools", "check_outputs.py")
    if script is None:
        return
    known = _tool_value_sets(script)
    rows = json.loads((out / "exceptions.json").read_text(encoding="utf-8"))
    kept = [r for r in rows if r.get("platform") in known["PLATFORMS"] and r.get("rule") in known["RULES"]]
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / out.name
        shutil.copytree(out, copy)
        if len(kept) != len(rows):
            keys = {r["key"] for r in kept}
            (copy / "exceptions.json").write_text(
                json.dumps(kept, indent=2, ensure_ascii=False) + "\n", "utf-8"
            )
            with (out / "exceptions.csv").open(encoding="utf-8", newline="") as handle:
                table = list(csv.reader(handle))
            key_at = table[0].index("key")
            with (copy / "exceptions.csv").open("w", encoding="utf-8", newline="") as handle:
                csv.writer(handle).writerows([table[0], *(row for row in table[1:] if row[key_at] in keys)])
        run_second_check("check_outputs.py", copy, *(("--dataset", dataset) if dataset is not None else ()))


def _tool_value_sets(script: Path) -> dict[str, set[str]]:
    """The tool's own PLATFORMS and RULES, read from its source without running it."""
    found: dict[str, set[str]] = {}
    for node in ast.parse(script.read_text(encoding="utf-8")).body:
        target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None
        if (
            isinstance(node, ast.Assign)
            and isinstance(target, ast.Name)
            and target.id in ("PLATFORMS", "RULES")
        ):
            found[target.id] = set(ast.literal_eval(node.value))
    return found
