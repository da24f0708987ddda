"""Every kind of file the product writes beside a warehouse or its output folders, named in one place.

Writers take their names from here (`transient_path`, `transient_folder`); the clean-up at the start of a run,
an erasure, a backup and a restore all sweep with `remove_leftovers`, and retention and erasure read each kept
kind's `erasure` and `retention` entries: a file of a kind this registry does not name is a file nothing cleans,
which tests/warehouse/test_side_files.py refuses.

A transient file is one process's own while it works (its pid is in its name); a killed process leaves it behind.
It is a leftover once no live process holds it: a DuckDB file when no process holds a lock on it (the lock says
who is writing it, whatever pid its name carries), a folder when the pid in its name is not a live process.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import struct
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

# Where a kind lives: beside the warehouse (`{db}` is the warehouse's file name, in its folder), beside an output
# folder (`{out}` is the folder's name, in its parent), or inside it.
BESIDE_WAREHOUSE, BESIDE_OUTPUTS, IN_OUTPUTS = "beside warehouse", "beside outputs", "in outputs"
# The review app's own files sit beside its accounts file (`{accounts}` is that file's name, in its folder): staff
# sign-in names, password hashes and sign-in attempts, never a pupil.
BESIDE_ACCOUNTS = "beside the review app's accounts file"
# The pattern fields a kind's base fills: the warehouse's, the output folder's or the accounts file's name.
_BASE_FIELDS = ("db", "out", "accounts")


@dataclass(frozen=True)
class FileKind:
    """One kind of file: its name pattern (`{db}`/`{out}`, `{pid}`, `{week}`, `{random}` fill in), where it lives,
    whether a process's own while it works (transient) or kept, and how erasure, backup and retention reach it."""

    name: str
    pattern: str
    where: str
    transient: bool
    erasure: str
    in_backup: bool = False
    retention: str = "none: removed by the process that made it, or as a leftover"
    duckdb_file: bool = False
    # A kept kind not in a backup says why (a transient one is a process's own, never backed up).
    not_in_backup: str = ""

    def regex(self, base: str) -> re.Pattern[str]:
        fields = {name: re.escape(base) for name in _BASE_FIELDS} | {"pid": r"(?P<pid>\d+)"}
        fields |= {
            "week": r"\d{4}-\d{2}-\d{2}",
            "random": r"[A-Za-z0-9_]+",
            "tid": r"\d+",
            "file": r"[\w.-]+",
        }
        escaped = re.escape(self.pattern).replace(r"\{", "{").replace(r"\}", "}")
        return re.compile("^" + escaped.format(**fields) + "$")


KINDS = (
    FileKind(
        "warehouse",
        "{db}",
        BESIDE_WAREHOUSE,
        False,
        "rows deleted, file rewritten",
        in_backup=True,
        retention="rows past [retention] purged each run",
        duckdb_file=True,
    ),
    FileKind(
        "warehouse WAL",
        "{db}.wal",
        BESIDE_WAREHOUSE,
        False,
        "checkpointed into the rewritten file",
        in_backup=True,
    ),
    FileKind(
        "read-only copy",
        "{db}.readonly.duckdb",
        BESIDE_WAREHOUSE,
        False,
        "published again",
        retention="replaced by every write",
        duckdb_file=True,
        not_in_backup="made again from the warehouse by every write",
    ),
    FileKind(
        "read-only copy WAL",
        "{db}.readonly.duckdb.wal",
        BESIDE_WAREHOUSE,
        False,
        "published again",
        not_in_backup="made again from the warehouse by every write",
    ),
    FileKind(
        "lake maintenance lock",
        "{db}.maintenance-lock",
        BESIDE_WAREHOUSE,
        False,
        "nothing to erase: an empty file",
        retention="kept: an empty file the lake's maintenance locks (warehouse/lake_maintenance.py)",
        not_in_backup="empty; made again by the next maintenance",
    ),
    FileKind(
        "access-log spool",
        "{db}.access-log.jsonl",
        BESIDE_WAREHOUSE,
        False,
        "folded in, then swept",
        not_in_backup="folded into the warehouse by its next write; kept beside it",
    ),
    FileKind(
        "erasure journal",
        "{db}.erasures.jsonl",
        BESIDE_WAREHOUSE,
        False,
        "keyed hashes only, never a value",
        retention="kept: it must outlive every backup",
        not_in_backup="it must outlive every backup and record the erasures after it: a journal restored with its backup would forget them",
    ),
    FileKind(
        "spill folder",
        ".socialaudit-spill",
        BESIDE_WAREHOUSE,
        False,
        "none needed: DuckDB's own spill files, removed as it goes, encrypted when the warehouse is",
        not_in_backup="DuckDB's working space, empty between statements",
    ),
    FileKind(
        "read-only copy being written",
        "{db}.readonly.duckdb.{pid}.tmp",
        BESIDE_WAREHOUSE,
        True,
        "removed",
        duckdb_file=True,
    ),
    FileKind(
        "read-only copy being written, WAL",
        "{db}.readonly.duckdb.{pid}.tmp.wal",
        BESIDE_WAREHOUSE,
        True,
        "removed",
    ),
    FileKind(
        "warehouse being rewritten", "{db}.{pid}.tmp", BESIDE_WAREHOUSE, True, "removed", duckdb_file=True
    ),
    FileKind("warehouse being rewritten, WAL", "{db}.{pid}.tmp.wal", BESIDE_WAREHOUSE, True, "removed"),
    FileKind(
        "warehouse being restored",
        ".{db}.{pid}.restoring",
        BESIDE_WAREHOUSE,
        True,
        "removed",
        duckdb_file=True,
    ),
    FileKind("warehouse being restored, WAL", ".{db}.{pid}.restoring.wal", BESIDE_WAREHOUSE, True, "removed"),
    FileKind("lake locator being written", "{db}.{pid}.{tid}.tmp", BESIDE_WAREHOUSE, True, "removed"),
    FileKind("backup image", ".socialaudit-backup-{pid}-{random}", BESIDE_WAREHOUSE, True, "removed"),
    FileKind("restore image", ".socialaudit-restore-{pid}-{random}", BESIDE_WAREHOUSE, True, "removed"),
    FileKind(
        "outputs",
        "{out}",
        BESIDE_OUTPUTS,
        False,
        "published again (its own warehouse only)",
        retention="replaced by every run",
        not_in_backup="made again from the warehouse (socialaudit publish); every copy kept is one more an erasure must reach",
    ),
    FileKind(
        "outputs lock",
        ".{out}.lock",
        BESIDE_OUTPUTS,
        False,
        "none needed: always empty",
        retention="kept: held by whoever writes the outputs (dashboards/output_set.py publishing_lock)",
        not_in_backup="always empty",
    ),
    FileKind("outputs being published", ".{out}.publishing-{pid}", BESIDE_OUTPUTS, True, "removed"),
    FileKind("outputs being replaced", ".{out}.replaced-{pid}", BESIDE_OUTPUTS, True, "removed"),
    FileKind("outputs being swapped", ".{out}.previous-{pid}", BESIDE_OUTPUTS, True, "removed"),
    FileKind("outputs being published in place", ".publishing-{pid}", IN_OUTPUTS, True, "removed"),
    FileKind("write probe", ".socialaudit-probe-{pid}", IN_OUTPUTS, True, "removed (empty)"),
    FileKind(
        "kept week",
        "weeks/{week}",
        IN_OUTPUTS,
        False,
        "written again without the person",
        retention="past [retention] output_weeks removed by each run",
        not_in_backup="made again from the warehouse (socialaudit publish --as-of)",
    ),
    FileKind("kept week being removed", "weeks/.{week}.removing-{pid}", IN_OUTPUTS, True, "removed"),
    FileKind("kept week being rewritten", "weeks/.{week}.rewriting-{pid}", IN_OUTPUTS, True, "removed"),
    FileKind(
        "run log",
        "run.log",
        IN_OUTPUTS,
        False,
        "redacted",
        retention="written again by each run",
        not_in_backup="a school's log of its last run, beside its report; not needed to restore the warehouse",
    ),
    FileKind(
        "trust report",
        "trust-report.html",
        IN_OUTPUTS,
        False,
        "none needed: counts per school, never a person",
        retention="replaced by every trust run",
        not_in_backup="made again by the next trust run",
    ),
    FileKind(
        "trust summary",
        "trust-summary.json",
        IN_OUTPUTS,
        False,
        "none needed: counts per school, never a person",
        retention="replaced by every trust run",
        not_in_backup="made again by the next trust run",
    ),
    FileKind("output file being written", "{file}.{pid}.tmp", IN_OUTPUTS, True, "removed"),
    FileKind(
        "review app accounts",
        "{accounts}",
        BESIDE_ACCOUNTS,
        False,
        "none needed: staff accounts only (socialaudit reviewers remove)",
        retention="kept until a reviewer is removed",
        not_in_backup="staff password hashes are not copied into backups: add the reviewers again (socialaudit reviewers add)",
    ),
    FileKind("review app accounts being written", "{accounts}.{pid}.tmp", BESIDE_ACCOUNTS, True, "removed"),
    FileKind(
        "review app sign-in state",
        "review-app-state.sqlite3",
        BESIDE_ACCOUNTS,
        False,
        "none needed: revoked sessions and staff sign-in attempts",
        retention="revocations until the session would have ended; attempts past the throttle window deleted",
        not_in_backup="revocations and sign-in throttles of the running app; a restored warehouse starts with the current file",
    ),
    FileKind(
        "review app sign-in state journal",
        "review-app-state.sqlite3-journal",
        BESIDE_ACCOUNTS,
        False,
        "none needed: SQLite's own, removed at each commit",
        not_in_backup="SQLite's own, removed at each commit",
    ),
)
_BY_NAME = {kind.name: kind for kind in KINDS}


def backup_contents() -> dict[str, str]:
    """Each kept kind of file and whether a backup holds it, or why not: what a backup's manifest records."""
    return {
        kind.name: "in the backup" if kind.in_backup else kind.not_in_backup
        for kind in KINDS
        if not kind.transient
    }


def kind(name: str) -> FileKind:
    return _BY_NAME[name]


def transient_path(kind_name: str, base: Path, pid: int | None = None, **fields: str) -> Path:
    """This process's file of the transient kind `kind_name` for `base` (the warehouse, or an output folder);
    `fields` fill the rest of its pattern (`week`, `tid`)."""
    chosen = _BY_NAME[kind_name]
    if not chosen.transient:
        raise ValueError(f"{kind_name} is kept, not a process's own")
    return _path(chosen, base, {"pid": str(os.getpid() if pid is None else pid), **fields})


def kept_path(kind_name: str, base: Path, **fields: str) -> Path:
    """The file of the kept kind `kind_name` for `base` (the warehouse, an output folder or the accounts file);
    `fields` fill the rest of its pattern (`week`)."""
    chosen = _BY_NAME[kind_name]
    if chosen.transient:
        raise ValueError(f"{kind_name} is a process's own: transient_path names it")
    return _path(chosen, base, fields)


def _path(chosen: FileKind, base: Path, fields: dict[str, str]) -> Path:
    """`chosen`'s file for `base`: its pattern filled with `base`'s name and `fields`, in the folder it lives in."""
    name = chosen.pattern.format(**{key: base.name for key in _BASE_FIELDS}, **fields)
    return (base if chosen.where == IN_OUTPUTS else base.parent) / name


def transient_folder(kind_name: str, beside: Path) -> Path:
    """A new owner-only folder of this process's of the transient kind `kind_name`, in the folder `beside`."""
    chosen = _BY_NAME[kind_name]
    prefix = chosen.pattern.split("{pid}")[0] + f"{os.getpid()}-"
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=beside))
    os.chmod(folder, 0o700)
    return folder


def kind_of(
    path: Path, warehouse: Path | None = None, outputs: Path | None = None, accounts: Path | None = None
) -> FileKind | None:
    """Which kind `path` is, beside `warehouse`, of the output folder `outputs` or beside the review app's
    `accounts` file; None for none of ours."""
    for candidate in KINDS:
        base, folder = _base_and_folder(candidate, warehouse, outputs, accounts)
        if base is None or folder is None:
            continue
        try:
            relative = path.relative_to(folder).as_posix()
        except ValueError:
            continue
        if candidate.regex(base).match(relative):
            return candidate
    return None


def _base_and_folder(
    candidate: FileKind, warehouse: Path | None, outputs: Path | None, accounts: Path | None = None
) -> tuple[str | None, Path | None]:
    if candidate.where == BESIDE_WAREHOUSE:
        return (warehouse.name, warehouse.parent) if warehouse else (None, None)
    if candidate.where == BESIDE_ACCOUNTS:
        return (accounts.name, accounts.parent) if accounts else (None, None)
    if candidate.where == BESIDE_OUTPUTS:
        return (outputs.name, outputs.parent) if outputs else (None, None)
    return ("", outputs) if outputs else (None, None)


def leftovers(
    warehouse: Path | None = None, outputs: Iterable[Path] = (), accounts: Path | None = None
) -> list[Path]:
    """The transient files beside `warehouse`, of each output folder and beside the review app's `accounts` file
    that no live process holds."""
    found: list[Path] = []
    places: list[tuple[Path | None, Path | None, Path | None]] = (
        [(warehouse, None, None)] if warehouse else []
    )
    places += [(None, Path(out).absolute(), None) for out in outputs]
    places += [(None, None, accounts.absolute())] if accounts else []
    for db, out, account_file in places:
        for candidate in KINDS:
            if not candidate.transient:
                continue
            base, folder = _base_and_folder(candidate, db, out, account_file)
            if base is None or folder is None:
                continue
            pattern = candidate.regex(base)
            directory, _, _ = candidate.pattern.rpartition("/")
            where = folder / directory if directory else folder
            if not where.is_dir():
                continue
            for entry in where.iterdir():
                relative = entry.relative_to(folder).as_posix()
                matched = pattern.match(relative)
                if matched and not _held(entry, candidate, int(matched.group("pid"))):
                    found.append(entry)
    return sorted(set(found))


def remove_leftovers(
    warehouse: Path | None = None, outputs: Iterable[Path] = (), accounts: Path | None = None
) -> list[Path]:
    """Remove every leftover (`leftovers`); returns what was removed, for the caller's record."""
    removed = []
    for path in leftovers(warehouse, outputs, accounts):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        if not path.exists():
            removed.append(path)
    return removed


def _held(path: Path, candidate: FileKind, pid: int) -> bool:
    if pid == os.getpid():
        # Another thread of this process may be at work in it (and opening then closing one of its DuckDB files
        # here would drop this process's lock on it); each writer clears its own before it starts.
        return True
    if not _alive(pid):
        return False
    if candidate.duckdb_file and path.is_file():
        return _locked(path)  # the pid lives on in another program: the lock says whether it is being written
    return True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's live process
    return True


def _locked(path: Path) -> bool:
    """Whether a process holds a POSIX lock on `path` (DuckDB locks the file it writes). Asked with F_GETLK,
    which takes no lock; never asked of this process's own files."""
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        query = struct.pack("hhqqi4x", fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0)
        answer = fcntl.fcntl(descriptor, fcntl.F_GETLK, query)
        return struct.unpack("hhqqi4x", answer)[0] != fcntl.F_UNLCK
    finally:
        os.close(descriptor)
