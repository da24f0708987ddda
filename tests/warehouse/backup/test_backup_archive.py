"""The backup file: what was sealed comes back byte for byte with the key, and anything else (another key, a cut,
a flipped bit, bytes added, a file that is not a backup, a backup that lies about its size, a link planted where
the image goes) is refused with a clear error, leaving nothing behind and writing nowhere else."""

from __future__ import annotations

import json
import os
import struct
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from warehouse.backup.archive import (
    CHUNK_BYTES,
    IMAGE_NAME,
    MAGIC,
    TAG_BYTES,
    BackupError,
    BackupKeyError,
    read_archive,
    read_header,
    write_archive,
    write_sealed,
)

KEY = "a passphrase of some length"
TAKEN_AT = datetime(2026, 11, 23, 6, 0, 12)
WAREHOUSE = "0123456789abcdef"


@pytest.fixture
def image(tmp_path: Path) -> Path:
    path = tmp_path / "source" / "w.duckdb"
    path.parent.mkdir()
    path.write_bytes(os.urandom(2 * CHUNK_BYTES + 12345))  # three chunks: a cut can fall between two
    return path


@pytest.fixture
def backup(tmp_path: Path, image: Path) -> Path:
    manifest = {"kind": "duckdb", "image_key": "k" * 64}
    return write_archive(tmp_path / "w.socialaudit-backup", KEY, WAREHOUSE, TAKEN_AT, manifest, image)


@pytest.fixture
def into(tmp_path: Path) -> Path:
    folder = tmp_path / "restore" / "staging"
    folder.mkdir(parents=True)
    return folder


def _refused(backup: Path, into: Path, match: str, key: str = KEY) -> None:
    outside = sorted(p.name for p in into.parent.parent.rglob("*"))
    with pytest.raises(BackupError, match=match):
        read_archive(backup, key, into)
    assert list(into.iterdir()) == []
    assert sorted(p.name for p in into.parent.parent.rglob("*")) == outside


def _altered(backup: Path, change: bytes) -> Path:
    altered = backup.with_name("altered.socialaudit-backup")
    altered.write_bytes(change)
    return altered


def _header_end(backup: Path) -> int:
    data = backup.read_bytes()
    return data.index(b"\n", len(MAGIC)) + 1


def test_what_was_sealed_comes_back_with_the_key(backup: Path, image: Path, into: Path) -> None:
    header, manifest, restored = read_archive(backup, KEY, into)
    assert (header.warehouse, header.taken_at) == (WAREHOUSE, TAKEN_AT)
    assert manifest["kind"] == "duckdb" and manifest["image_bytes"] == image.stat().st_size
    assert restored == into / IMAGE_NAME and restored.read_bytes() == image.read_bytes()
    assert restored.stat().st_mode & 0o777 == 0o600 and backup.stat().st_mode & 0o777 == 0o600
    assert read_header(backup, KEY).taken_at == TAKEN_AT


def test_nothing_of_the_image_is_readable_in_the_file(backup: Path, image: Path) -> None:
    data, plain = backup.read_bytes(), image.read_bytes()
    assert plain[1000:1032] not in data and b"image_key" not in data


def test_another_key_is_told_apart_from_damage(backup: Path, into: Path) -> None:
    _refused(backup, into, "not the key this backup was made with", key="another passphrase, long enough")
    with pytest.raises(BackupKeyError, match="at least 16 characters"):
        read_header(backup, "short")
    with pytest.raises(BackupKeyError, match="no backup key"):
        read_header(backup, "")


@pytest.mark.parametrize(
    "where", ["in the header", "in the first part", "between two parts", "one byte short"]
)
def test_a_backup_cut_short_is_refused(backup: Path, into: Path, where: str) -> None:
    data = backup.read_bytes()
    header = _header_end(backup)
    cut = {
        "in the header": header - 5,
        "in the first part": header + 1000,
        "between two parts": header + 2 * (4 + CHUNK_BYTES + TAG_BYTES),  # the last part dropped whole
        "one byte short": len(data) - 1,
    }[where]
    _refused(_altered(backup, data[:cut]), into, "cut short|damaged")


@pytest.mark.parametrize("offset", [0.3, 0.5, 0.999])
def test_one_bit_flipped_anywhere_in_the_parts_is_refused(backup: Path, into: Path, offset: float) -> None:
    data = bytearray(backup.read_bytes())
    data[int(len(data) * offset)] ^= 0x10
    _refused(_altered(backup, bytes(data)), into, "damaged, cut short or was altered|impossible length")


def test_a_header_altered_in_the_clear_is_refused(backup: Path, into: Path) -> None:
    data = backup.read_bytes()
    later = data.replace(TAKEN_AT.isoformat().encode(), b"2027-01-01T00:00:00", 1)
    _refused(_altered(backup, later), into, "header was altered")


def test_bytes_added_after_the_last_part_are_refused(backup: Path, into: Path) -> None:
    _refused(_altered(backup, backup.read_bytes() + b"\x00" * 40), into, "altered|cut short")


def test_an_archive_with_paths_is_not_a_backup(tmp_path: Path, into: Path) -> None:
    crafted = tmp_path / "crafted.socialaudit-backup"
    with zipfile.ZipFile(crafted, "w") as archive:
        archive.writestr("../../../escaped.txt", "written outside")
        archive.writestr("/tmp/absolute.txt", "written outside")
    _refused(crafted, into, "is not a socialaudit backup")
    assert not (tmp_path / "escaped.txt").exists()


def _lying(tmp_path: Path, manifest: dict[str, object], image: bytes) -> Path:
    """A backup sealed with the right key whose manifest says what it likes about the image it carries."""
    body = json.dumps(manifest).encode()
    plaintext = [struct.pack(">I", len(body)) + body, image]
    return write_sealed(tmp_path / "lying.socialaudit-backup", KEY, WAREHOUSE, TAKEN_AT, plaintext)


def test_a_backup_carrying_more_than_its_manifest_declares_is_stopped(tmp_path: Path, into: Path) -> None:
    lying = _lying(tmp_path, {"image_bytes": 10, "image_sha256": "0" * 64}, b"x" * (CHUNK_BYTES * 3))
    _refused(lying, into, "holds more than its manifest declares")


def test_a_backup_asking_for_more_room_than_the_disk_has_writes_nothing(tmp_path: Path, into: Path) -> None:
    lying = _lying(tmp_path, {"image_bytes": 2**62, "image_sha256": "0" * 64}, b"x" * 100)
    _refused(lying, into, "too little to restore it")


def test_a_backup_whose_image_is_not_the_one_described_is_refused(tmp_path: Path, into: Path) -> None:
    lying = _lying(tmp_path, {"image_bytes": 100, "image_sha256": "0" * 64}, b"x" * 100)
    _refused(lying, into, "not the one its manifest describes")


@pytest.mark.parametrize(
    "manifest", [b"", b"not json", b"[1, 2]", b'{"image_bytes": -1, "image_sha256": ""}']
)
def test_a_manifest_that_cannot_be_read_is_refused(tmp_path: Path, into: Path, manifest: bytes) -> None:
    plaintext = [struct.pack(">I", len(manifest)) + manifest]
    broken = write_sealed(tmp_path / "broken.socialaudit-backup", KEY, WAREHOUSE, TAKEN_AT, plaintext)
    _refused(broken, into, "manifest")


def test_a_link_planted_where_the_image_goes_is_not_written_through(
    backup: Path, into: Path, tmp_path: Path
) -> None:
    target = tmp_path / "elsewhere.txt"
    target.write_text("untouched", encoding="utf-8")
    (into / IMAGE_NAME).symlink_to(target)
    with pytest.raises(BackupError, match="refused to write through it"):
        read_archive(backup, KEY, into)
    assert target.read_text(encoding="utf-8") == "untouched"


def test_a_backup_never_replaces_an_existing_file(backup: Path, image: Path) -> None:
    with pytest.raises(BackupError, match="already exists"):
        write_archive(backup, KEY, WAREHOUSE, TAKEN_AT, {}, image)
    assert [p.name for p in backup.parent.iterdir() if p.name.endswith(".partial")] == []
