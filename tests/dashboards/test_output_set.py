"""The output folder changes as one set: never a mix of two weeks, never a half-written file, nothing left over."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import threading
from pathlib import Path

import pytest

from dashboards import output_set
from dashboards.output_set import OutputFolderError, check_out_dir, publish_set

NAMES = ("exceptions.json", "exceptions.csv", "resolved.json", "report.html")


def week(marker: str, size: int = 10) -> dict[str, str]:
    return {name: f"{marker}\n" + "x" * size for name in NAMES}


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


def test_a_new_set_replaces_the_old_whole_owner_only_and_keeps_other_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    publish_set(out, week("one"))
    (out / "notes.txt").write_text("the DSL's own notes", encoding="utf-8")
    (out / "archive").mkdir()
    (out / "archive" / "old.html").write_text("kept", encoding="utf-8")

    paths = publish_set(out, week("two"))

    assert {p.read_text(encoding="utf-8").splitlines()[0] for p in paths.values()} == {"two"}
    assert (out / "notes.txt").read_text(encoding="utf-8") == "the DSL's own notes"
    assert (out / "archive" / "old.html").read_text(encoding="utf-8") == "kept"
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in paths.values())
    assert leftovers(out) == []


def test_a_write_failing_half_way_leaves_last_weeks_set_and_no_temporary_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ENOSPC injected at the write layer (the third file's fsync), as a full disk answers."""
    out = tmp_path / "out"
    publish_set(out, week("one"))
    before = {name: (out / name).read_bytes() for name in NAMES}
    calls = {"n": 0}
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(output_set.os, "fsync", fsync)
    with pytest.raises(OSError) as raised:
        publish_set(out, week("two"))
    assert raised.value.errno == errno.ENOSPC
    assert {name: (out / name).read_bytes() for name in NAMES} == before
    assert leftovers(out) == []


def test_at_every_instant_the_folder_holds_one_whole_set(tmp_path: Path) -> None:
    """A reader that opens the folder once and reads the four files through it sees one week, never two (or, if
    it still holds last week's folder while that is removed, a missing file: it reads again, never a mix)."""
    out = tmp_path / "out"
    publish_set(out, week("0", 50_000))
    stop = threading.Event()
    mixes: list[set[str]] = []

    def read() -> None:
        while not stop.is_set():
            folder = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
            try:
                markers = set()
                for name in NAMES:
                    fd = os.open(name, os.O_RDONLY, dir_fd=folder)
                    with os.fdopen(fd, encoding="utf-8") as handle:
                        markers.add(handle.readline().strip())
            except FileNotFoundError:
                continue
            finally:
                os.close(folder)
            if len(markers) != 1:
                mixes.append(markers)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for n in range(1, 40):
            publish_set(out, week(str(n), 50_000))
    finally:
        stop.set()
        reader.join()
    assert mixes == []
    assert leftovers(out) == []


def test_the_folder_is_checked_before_a_run(tmp_path: Path) -> None:
    check_out_dir(tmp_path / "new" / "out")  # may be created: fine
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x", encoding="utf-8")
    with pytest.raises(OutputFolderError, match="not a folder"):
        check_out_dir(not_a_folder)


@pytest.fixture
def tiny_disk(tmp_path: Path):
    """A real 1 MB file system (tmpfs; needs root), so a full disk is the kernel's ENOSPC, not a mock."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", str(mount_point)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], check=True)


def test_a_full_disk_keeps_last_weeks_set(tiny_disk: Path) -> None:
    out = tiny_disk / "out"
    publish_set(out, week("one", 100_000))
    before = {name: (out / name).read_bytes() for name in NAMES}
    with pytest.raises(OSError) as raised:
        publish_set(out, week("two", 300_000))  # 1.2 MB: more than the disk holds
    assert raised.value.errno == errno.ENOSPC
    assert {name: (out / name).read_bytes() for name in NAMES} == before
    assert leftovers(out) == []
    with pytest.raises(OutputFolderError, match="MB free"):
        check_out_dir(out)  # and a run would have refused before fetching
