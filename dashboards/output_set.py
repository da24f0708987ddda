"""The output folder published as one set: a reader sees last week's four files or this week's, never a mix.

The new set is written whole into a sibling folder (`.<out>.publishing-<pid>`, owner-only), then swapped with
`--out` in one step (Linux `renameat2(RENAME_EXCHANGE)`), and the old set removed. Other files a person keeps in
`--out` are carried into the new set. Where the exchange is not offered (another OS, a file system without it)
the old folder is renamed aside and the new one renamed in: for an instant there is no folder, still never a
mix. Only when `--out` is itself a mount point (a sibling would sit on another file system) are the files
renamed one by one inside it, the last rename a few microseconds after the first.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
from collections.abc import Mapping
from pathlib import Path

RENAME_EXCHANGE = 2
AT_FDCWD = -100
# Room the outputs need besides the previous set's size (the report of a large school is a few MB).
OUTPUT_HEADROOM_BYTES = 4 * 1024 * 1024


class OutputFolderError(Exception):
    """`--out` cannot take this week's outputs (not writable, not a folder, too little free space)."""


def check_out_dir(out_dir: Path) -> None:
    """Before anything is fetched: `--out` can be created and written, and has room for a new set."""
    out_dir = out_dir.absolute()
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputFolderError(f"--out {out_dir} exists and is not a folder")
    existing = out_dir if out_dir.exists() else _nearest_existing(out_dir)
    probe = existing / f".socialaudit-probe-{os.getpid()}"
    try:
        descriptor = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as error:
        raise OutputFolderError(f"--out {out_dir} cannot be written ({error.strerror})") from None
    os.close(descriptor)
    probe.unlink()
    previous = sum(p.stat().st_size for p in out_dir.iterdir() if p.is_file()) if out_dir.exists() else 0
    needed = 2 * previous + OUTPUT_HEADROOM_BYTES
    free = shutil.disk_usage(existing).free
    if free < needed:
        raise OutputFolderError(
            f"--out {out_dir} has {free // 2**20} MB free; the outputs need about {needed // 2**20} MB"
        )


def _nearest_existing(path: Path) -> Path:
    while not path.exists():
        path = path.parent
    return path


def publish_set(out_dir: Path, files: Mapping[str, str]) -> dict[str, Path]:
    """Write `files` (name -> text) as `out_dir`'s new set, all or nothing; returns each file's final path."""
    out_dir = out_dir.absolute()
    out_dir.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if out_dir.exists() and os.stat(out_dir).st_dev != os.stat(out_dir.parent).st_dev:
        _publish_inside(out_dir, files)
    else:
        _publish_by_swap(out_dir, files)
    return {name: out_dir / name for name in files}


def _write_all(folder: Path, files: Mapping[str, str]) -> None:
    for name, text in files.items():
        descriptor = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())


def _publish_by_swap(out_dir: Path, files: Mapping[str, str]) -> None:
    staging = out_dir.with_name(f".{out_dir.name}.publishing-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)  # this process's own leftover, if it ever crashed
    os.mkdir(staging, 0o700)
    try:
        _write_all(staging, files)
        if not out_dir.exists():
            os.rename(staging, out_dir)
            return
        moved = _carry_over(out_dir, staging, set(files))
        try:
            _exchange(staging, out_dir)
        except OSError:
            for name in moved:
                os.rename(staging / name, out_dir / name)
            raise
        # `staging` now holds last week's set.
    finally:
        shutil.rmtree(staging, ignore_errors=True)


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
    aside = second.with_name(f".{second.name}.previous-{os.getpid()}")
    os.rename(second, aside)
    try:
        os.rename(first, second)
    except OSError:
        os.rename(aside, second)
        raise
    os.rename(aside, first)


def _publish_inside(out_dir: Path, files: Mapping[str, str]) -> None:
    staging = out_dir / f".publishing-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    os.mkdir(staging, 0o700)
    try:
        _write_all(staging, files)
        for name in files:
            os.replace(staging / name, out_dir / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
