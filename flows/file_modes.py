"""Who else can read what the product keeps: every file and folder holding personal data, or the keys to it, should
be its owner's only. `socialaudit doctor` reports each group: the registers, the warehouse with its WAL, its copy
and its erasure journal, a lake's locator, catalog and data folder, the output folders the runs recorded (with a
school's run.log), and the subject access exports the warehouse logged."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from warehouse import lake
from warehouse.privacy.erasure_journal import journal_path
from warehouse.snapshot import snapshot_path


@dataclass(frozen=True)
class ModeFinding:
    area: str
    ok: bool
    message: str


def _exposed(paths: Iterable[Path]) -> tuple[int, list[Path]]:
    """How many of `paths` (and everything under a folder) exist, and those others may read or enter."""
    seen, exposed = 0, []
    for top in paths:
        if not top.exists():
            continue
        for path in [top, *(top.rglob("*") if top.is_dir() else [])]:
            seen += 1
            if path.stat().st_mode & 0o077:
                exposed.append(path)
    return seen, exposed


def _finding(area: str, paths: Iterable[Path]) -> ModeFinding | None:
    seen, exposed = _exposed(paths)
    if not seen:
        return None
    if not exposed:
        return ModeFinding(area, True, f"owner only ({seen} file(s) and folder(s))")
    listed = ", ".join(str(p) for p in exposed[:3]) + (
        f" and {len(exposed) - 3} more" if len(exposed) > 3 else ""
    )
    return ModeFinding(
        area,
        False,
        f"others may read {listed}: chmod -R go-rwx {' '.join(sorted({str(p) for p in exposed[:3]}))}",
    )


def _logged_folders(db: Path) -> tuple[list[Path], list[Path]]:
    """The output folders the runs recorded and the SAR folders the warehouse logged (none if it cannot say)."""
    from warehouse.db import connect

    outputs: list[Path] = []
    exports: list[Path] = []
    with contextlib.suppress(
        Exception
    ):  # an unreadable warehouse is reported by doctor's own warehouse check
        con = connect(db, read_only=True)
        try:
            tables = {
                f"{s}.{t}"
                for s, t in con.execute(
                    "SELECT table_schema, table_name FROM information_schema.tables"
                ).fetchall()
            }
            if "meta.output_folders" in tables:
                outputs = [
                    Path(r[0]) for r in con.execute("SELECT folder FROM meta.output_folders").fetchall()
                ]
            if "audit.subject_access_requests" in tables:
                exports = [
                    Path(r[0])
                    for r in con.execute(
                        "SELECT DISTINCT export_folder FROM audit.subject_access_requests"
                    ).fetchall()
                ]
        finally:
            con.close()
    return outputs, exports


def private_file_findings(registers_dir: Path, db: Path) -> list[ModeFinding]:
    location = lake.read_locator(db) if db.exists() else None
    store = [db, journal_path(db)]
    if location is None:
        store += [
            db.with_name(db.name + ".wal"),
            snapshot_path(db),
            snapshot_path(db).with_name(snapshot_path(db).name + ".wal"),
        ]
    groups: list[tuple[str, list[Path]]] = [
        ("file modes of the registers", [registers_dir]),
        ("file modes of the warehouse", store),
    ]
    if location is not None:
        kind, _, target = location.catalog.partition(":")
        lake_files = [Path(target)] if kind == "sqlite" else []
        if "://" not in location.data_path:
            lake_files.append(Path(location.data_path))
        groups.append(("file modes of the lake (catalog and data)", lake_files))
    outputs, exports = _logged_folders(db) if db.exists() else ([], [])
    groups += [(f"file modes of the outputs in {folder}", [folder]) for folder in outputs]
    groups += [(f"file modes of the subject access export {folder}", [folder]) for folder in exports]
    return [f for area, paths in groups if (f := _finding(area, paths))]
