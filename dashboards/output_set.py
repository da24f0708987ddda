"""The output folder published as one set: a reader sees last week's four files or this week's, never a mix.

The new set is written whole into a sibling folder (`.<out>.publishing-<pid>`, owner-only), then swapped with
`--out` in one step (Linux `renameat2(RENAME_EXCHANGE)`), and the old set removed. Other files a person keeps in
`--out` are carried into the new set. Where the exchange is not offered (another OS, a file system without it)
the old folder is renamed aside and the new one renamed in: for an instant there is no folder, still never a
mix. Only when `--out` is itself a mount point (a sibling would sit on another file system) are the files
renamed one by one inside it, the last rename a few microseconds after the first.

With a `KeptWeek`, the same files are also kept in `weeks/<as_of>/` inside the new set (dashboards/kept_weeks.py),
filed in the same step: the dated folder is written whole beside the set, then renamed into the carried-over
`weeks/` folder before the swap (and taken out again if the swap fails). Weeks past `[retention] output_weeks` are
removed once the new set is in place.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

from dashboards.kept_weeks import WEEKS_DIR, KeptWeek, prune_kept_weeks, write_all
from warehouse.side_files import kept_path, remove_leftovers, transient_path

RENAME_EXCHANGE = 2
AT_FDCWD = -100
# Room the outputs need besides the previous set's size (the report of a large school is a few MB).
OUTPUT_HEADROOM_BYTES = 4 * 1024 * 1024


class OutputFolderError(Exception):
    """`--out` cannot take this week's outputs (not writable, not a folder, too little free space)."""


@contextlib.contextmanager
def publishing_lock(out_dirs: Iterable[Path]) -> Iterator[None]:
    """Hold the output folders for writing: every publisher (the weekly run, `publish`, an erasure) takes this
    before it opens the copy it publishes from and keeps it until the set is in place. Without it a run that
    opened the read-only copy before an erasure could publish, after the erasure, outputs naming the person.
    An exclusive lock (flock) on an empty file beside each folder, taken in path order so two publishers of
    several folders never wait on each other; a process that dies lets go with it."""
    with contextlib.ExitStack() as held:
        for out_dir in sorted({Path(o).absolute() for o in out_dirs}):
            lock = kept_path("outputs lock", out_dir)
            lock.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            descriptor = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
            held.callback(os.close, descriptor)
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            held.callback(fcntl.flock, descriptor, fcntl.LOCK_UN)
        yield


def check_out_dir(out_dir: Path) -> None:
    """Before anything is fetched: `--out` can be created and written, and has room for a new set."""
    out_dir = out_dir.absolute()
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputFolderError(f"--out {out_dir} exists and is not a folder")
    existing = out_dir if out_dir.exists() else _nearest_existing(out_dir)
    probe = transient_path("write probe", existing)
    try:
        descriptor = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as error:
        raise OutputFolderError(f"--out {out_dir} cannot be written ({error.strerror})") from None
    os.close(descriptor)
    probe.unlink()
    previous = sum(p.stat().st_size for p in out_dir.iterdir() if p.is_file()) if out_dir.exists() else 0
    # The new set, its copy kept in weeks/, and the old set until it is removed.
    needed = 3 * previous + OUTPUT_HEADROOM_BYTES
    free = shutil.disk_usage(existing).free
    if free < needed:
        raise OutputFolderError(
            f"--out {out_dir} has {free // 2**20} MB free; the outputs need about {needed // 2**20} MB"
        )


def _nearest_existing(path: Path) -> Path:
    while not path.exists():
        path = path.parent
    return path


def publish_set(out_dir: Path, files: Mapping[str, str], kept: KeptWeek | None = None) -> dict[str, Path]:
    """Write `files` (name -> text) as `out_dir`'s new set, all or nothing, and with `kept` a copy in
    `weeks/<as_of>/`; returns each file's final path at the top level."""
    out_dir = out_dir.absolute()
    out_dir.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    remove_leftovers(outputs=[out_dir])  # what a killed publish left: copies of a week an erasure must reach
    if out_dir.exists() and os.stat(out_dir).st_dev != os.stat(out_dir.parent).st_dev:
        _publish_inside(out_dir, files, kept)
    else:
        _publish_by_swap(out_dir, files, kept)
    if kept is not None:
        prune_kept_weeks(out_dir, kept)
    return {name: out_dir / name for name in files}


def _publish_by_swap(out_dir: Path, files: Mapping[str, str], kept: KeptWeek | None) -> None:
    staging = transient_path("outputs being published", out_dir)
    # Beside staging, not in it: staging becomes --out. Holds a same-week copy replaced by this one.
    aside = transient_path("outputs being replaced", out_dir)
    for leftover in (staging, aside):  # this process's own, if it ever crashed
        shutil.rmtree(leftover, ignore_errors=True)
    os.mkdir(staging, 0o700)
    os.mkdir(aside, 0o700)
    try:
        write_all(staging, files)
        incoming = _write_week(staging, files, kept)
        if not out_dir.exists():
            _file_week(staging, incoming, kept, aside)
            os.rename(staging, out_dir)
            return
        moved = _carry_over(out_dir, staging, set(files))
        unfile = _file_week(staging, incoming, kept, aside)
        try:
            _exchange(staging, out_dir)
        except OSError:
            unfile()
            for name in moved:
                os.rename(staging / name, out_dir / name)
            raise
        # `staging` now holds last week's set.
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(aside, ignore_errors=True)


def _write_week(folder: Path, files: Mapping[str, str], kept: KeptWeek | None) -> Path | None:
    """The week's copy, written whole in a hidden folder of `folder` before anything is moved."""
    if kept is None:
        return None
    incoming = folder / f".{WEEKS_DIR}-{kept.name}.incoming-{os.getpid()}"
    shutil.rmtree(incoming, ignore_errors=True)
    os.mkdir(incoming, 0o700)
    write_all(incoming, files)
    return incoming


def _file_week(
    folder: Path, incoming: Path | None, kept: KeptWeek | None, aside_in: Path
) -> Callable[[], None]:
    """Rename the week's copy into `folder/weeks/<as_of>/`; a copy of the same week published before goes into
    `aside_in` (removed with it). Returns what undoes it, for a swap that fails."""
    if incoming is None or kept is None:
        return lambda: None
    weeks = folder / WEEKS_DIR
    weeks.mkdir(mode=0o700, exist_ok=True)
    target, aside = weeks / kept.name, aside_in / f"{WEEKS_DIR}-{kept.name}.replaced"
    replaced = target.exists()
    if replaced:
        os.rename(target, aside)
    os.rename(incoming, target)

    def unfile() -> None:
        os.rename(target, incoming)
        if replaced:
            os.rename(aside, target)

    return unfile


def _carry_over(out_dir: Path, staging: Path, ours: set[str]) -> list[str]:
    """Files a person keeps in --out go along (hard links); folders are moved. Returns the folders moved."""
    moved = []
    for entry in out_dir.iterdir():
        if entry.name in ours or entry.name.endswith(".tmp"):
            continue
        if entry.is_dir() and not entry.is_symlink():
            os.rename(entry, staging / entry.name)
            moved.append(entry.name)
        else:
            os.link(entry, staging / entry.name, follow_symlinks=False)
    return moved


def _exchange(first: Path, second: Path) -> None:
    """Swap two folders in one step; where that is not offered, rename aside then in (a gap, never a mix)."""
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is not None:
        result = renameat2(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE)
        if result == 0:
            return
        code = ctypes.get_errno()
        if code not in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
            raise OSError(code, os.strerror(code), str(second))
    aside = transient_path("outputs being swapped", second)
    os.rename(second, aside)
    try:
        os.rename(first, second)
    except OSError:
        os.rename(aside, second)
        raise
    os.rename(aside, first)


def _publish_inside(out_dir: Path, files: Mapping[str, str], kept: KeptWeek | None) -> None:
    staging = transient_path("outputs being published in place", out_dir)
    shutil.rmtree(staging, ignore_errors=True)
    os.mkdir(staging, 0o700)
    try:
        write_all(staging, files)
        incoming = _write_week(staging, files, kept)
        for name in files:
            os.replace(staging / name, out_dir / name)
        _file_week(out_dir, incoming, kept, staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
