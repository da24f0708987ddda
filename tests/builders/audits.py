"""One whole audit of a school in the sandbox: `socialaudit run --sandbox`, and what it left behind.

Only tests/e2e runs whole audits (tests/test_architecture.py holds every other folder to that): its `audit` and
`audit_inprocess` fixtures call `run_audit` with the session's `socialaudit` runners.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from tests.builders.cli import CliResult
from tests.builders.tiny_dataset import build_tiny_dataset

AS_OF = "2026-11-16"
# school.toml's table for an audit whose test checks nothing of what images hold: their text is not read nor
# their faces counted (reading adds seconds to every first run of a sample school: docs/results/bench.md), and
# the media rules still match every image by its hashes.
IMAGES_NOT_READ = "[images]\nread = false\n"


@dataclass(frozen=True)
class Audit:
    """A finished run: its result, the directory it ran in, the school audited, the warehouse and the reports."""

    result: CliResult
    root: Path
    dataset: Path
    db: Path
    out: Path

    @property
    def exceptions(self) -> list[dict[str, Any]]:
        """exceptions.json as the run published it (read when asked: a refused run publishes none)."""
        return json.loads((self.out / "exceptions.json").read_text(encoding="utf-8"))


def with_settings(audited: Audit, root: Path, toml: str) -> Audit:
    """`audited` with its school copied to root/school and `toml` set there (`set_toml`): the school for runs that
    need other settings (how retries wait) but are compared with the week `audited` stored, which those settings do
    not change. The audited week itself is left as it is (a session's shared week is read by other modules)."""
    dataset = root / "school"
    shutil.copytree(audited.dataset, dataset)
    set_toml(dataset, toml)
    return replace(audited, dataset=dataset)


def copy_warehouse(db: Path, folder: Path) -> Path:
    """The warehouse `db` copied into `folder` with the files kept beside it (its read-only copy, its erasure
    journal): a copy runs and erases as the original would, and a session's shared week stays as other modules
    read it."""
    for stored in db.parent.glob(f"{db.name}*"):
        if stored.is_file():
            shutil.copy(stored, folder / stored.name)
    return folder / db.name


def copy_of_week(week: Audit, root: Path, toml: str = "", school: Path | None = None) -> Audit:
    """`week` copied into `root`: its school to root/school or `school` (with `toml` set there, `set_toml`), its
    warehouse (`copy_warehouse`) and its outputs, where an audit of `root` (`audit(..., root=root)`) finds them."""
    root.mkdir(parents=True, exist_ok=True)
    dataset = school or root / "school"
    shutil.copytree(week.dataset, dataset)
    if toml:
        set_toml(dataset, toml)
    shutil.copytree(week.out, root / week.out.name)
    return Audit(week.result, root, dataset, copy_warehouse(week.db, root), root / week.out.name)


def set_toml(dataset: Path, text: str) -> None:
    """`text`'s tables written into the school's school.toml: the keys of a table the school has already go under
    its header (TOML allows a table once; a key it holds already is refused as twice), any other table is added
    at the end."""
    path = dataset / "school.toml"
    lines = path.read_text(encoding="utf-8").splitlines()
    for block in re.split(r"\n(?=\[)", text.strip("\n")):
        header, _, keys = block.partition("\n")
        if header.startswith("[") and not header.startswith("[[") and header in lines:
            at = lines.index(header) + 1
            lines[at:at] = keys.splitlines()
        else:
            lines += ["", *block.splitlines()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def append_toml(dataset: Path, text: str) -> None:
    """Extra tables at the end of the school's school.toml, on lines of their own."""
    with (dataset / "school.toml").open("a", encoding="utf-8") as toml:
        toml.write("\n" + text.strip("\n") + "\n")


def run_audit(
    cli: Callable[..., CliResult],
    root: Path,
    dataset: Path | None = None,
    *,
    toml: str = "",
    env: Mapping[str, str] | None = None,
    as_of: str = AS_OF,
    db: str | Path = "w.duckdb",
    out: str | Path = "out",
) -> Audit:
    """Audit `dataset` (the tiny school, built at root/school, when None) with `toml` appended to its school.toml.

    `db` and `out` are taken relative to `root` (an absolute path stays as it is).
    """
    if dataset is None:
        dataset = build_tiny_dataset(root / "school")
    if toml:
        append_toml(dataset, toml)
    db_path, out_dir = root / db, root / out
    args = ("run", "--sandbox", str(dataset), "--db", str(db_path), "--out", str(out_dir), "--as-of", as_of)
    return Audit(cli(*args, env=dict(env or {})), root, dataset, db_path, out_dir)
