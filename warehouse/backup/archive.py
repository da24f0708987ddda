"""The backup file: one warehouse image and its manifest, encrypted and authenticated as a whole.

Layout (format 1), all of it written by `write_archive` and refused by `read_archive` unless every byte is as
written with this key:

    MAGIC                                   "SOCIALAUDIT BACKUP\\n"
    header line                             JSON, in the clear, ending in "\\n" (at most 4 KiB): the format, the
                                            key derivation (scrypt, its salt), the chunk size, which warehouse
                                            (the id of its secret, warehouse/privacy/keyed.py) and when it was taken,
                                            and `check`, an HMAC of the rest under a key derived from the backup
                                            key: a wrong key is told apart from a damaged file before any chunk
    chunks                                  each a 4-byte big-endian length and AES-256-GCM ciphertext of at
                                            most `chunk_bytes` plaintext; the nonce is the chunk's number and a
                                            last-chunk flag, the associated data the header's hash, so chunks
                                            cannot be reordered, dropped, cut short or moved to another backup

The plaintext is a 4-byte manifest length, the manifest (JSON) and the image's bytes, exactly as many as the
manifest declares. Nothing in a backup names a path: the reader writes the image to a file it names itself, in a
folder the caller made, so a crafted backup cannot write anywhere else, through a link or not; it stops at the
declared size and checks the room for it first, so a manifest cannot ask for more disk than it carries.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import shutil
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"SOCIALAUDIT BACKUP\n"
SUFFIX = ".socialaudit-backup"
FORMAT = 1
# scrypt's cost for format 1 (~32 MiB, ~0.1 s): a stolen backup's key cannot be guessed quickly. A reader accepts
# these values only, so a crafted header cannot make it spend gigabytes deriving a key.
SCRYPT = {"n": 2**15, "r": 8, "p": 1}
CHUNK_BYTES = 1 << 20
MAX_HEADER_BYTES = 4096
MAX_MANIFEST_BYTES = 1 << 20
TAG_BYTES = 16
IMAGE_NAME = "image.duckdb"  # the one file a backup holds, under the name the reader gives it
SHORTEST_KEY = 16
ROOM_MARGIN_BYTES = 64 * 1024 * 1024


class BackupError(Exception):
    """A backup that cannot be used: not a backup, damaged, cut short or altered; nothing was restored."""


class BackupKeyError(BackupError):
    """The backup key is missing, too short, or not the key this backup was made with."""


@dataclass(frozen=True)
class Header:
    """What a backup says of itself in the clear (and authenticates with the key): which warehouse, when."""

    warehouse: str  # the id of the warehouse's secret (warehouse/keyed.secret_id): reveals nothing of it
    taken_at: datetime  # naive UTC, as the erasure journal's `erased_at`
    raw: bytes  # the header line as written: the associated data of every chunk


@dataclass(frozen=True)
class _Keys:
    cipher: AESGCM
    check: bytes


def check_key_strength(key: str | None) -> str:
    if not key:
        raise BackupKeyError(
            "no backup key: set SOCIALAUDIT_BACKUP_KEY (or name one in school.toml [warehouse] backup_key_env or "
            "backup_key_secret), e.g. from `openssl rand -base64 32`"
        )
    if len(key) < SHORTEST_KEY:
        raise BackupKeyError(f"the backup key must be at least {SHORTEST_KEY} characters")
    return key


def _derive(key: str, salt: bytes) -> _Keys:
    material = Scrypt(salt=salt, length=64, **SCRYPT).derive(key.encode("utf-8"))
    return _Keys(AESGCM(material[:32]), material[32:])


def _nonce(number: int, last: bool) -> bytes:
    return number.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def _check(keys: _Keys, fields: dict[str, Any]) -> str:
    body = json.dumps({k: v for k, v in fields.items() if k != "check"}, sort_keys=True).encode()
    return hmac.new(keys.check, MAGIC + body, hashlib.sha256).hexdigest()


def write_archive(
    target: Path, key: str, warehouse: str, taken_at: datetime, manifest: dict[str, Any], image: Path
) -> Path:
    """Write the backup of `image` (with `manifest`, which gains the image's size and hash) to `target`, a new
    file."""
    manifest = {**manifest, "image_bytes": image.stat().st_size, "image_sha256": _sha256(image)}
    body = json.dumps(manifest, sort_keys=True).encode()

    def plaintext() -> Iterator[bytes]:
        yield struct.pack(">I", len(body)) + body
        with open(image, "rb") as source:
            while block := source.read(CHUNK_BYTES):
                yield block

    return write_sealed(target, key, warehouse, taken_at, plaintext())


def write_sealed(
    target: Path, key: str, warehouse: str, taken_at: datetime, plaintext: Iterable[bytes]
) -> Path:
    """Seal `plaintext` as a backup file at `target` (the layout above), whatever it holds: written beside it
    under a temporary name, synced, then linked in place, so a reader never sees half of one and an existing file
    is never replaced."""
    salt = secrets.token_bytes(16)
    keys = _derive(check_key_strength(key), salt)
    fields: dict[str, Any] = {
        "format": FORMAT,
        "cipher": "AES-256-GCM",
        "kdf": "scrypt",
        **SCRYPT,
        "salt": salt.hex(),
        "chunk_bytes": CHUNK_BYTES,
        "warehouse": warehouse,
        "taken_at": taken_at.isoformat(),
    }
    fields["check"] = _check(keys, fields)
    raw = json.dumps(fields, sort_keys=True).encode() + b"\n"
    temporary = target.with_name(f".{target.name}.{os.getpid()}.partial")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(MAGIC + raw)
            _write_chunks(out, keys.cipher, hashlib.sha256(MAGIC + raw).digest(), plaintext)
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(temporary, target)
        except FileExistsError:
            raise BackupError(f"{target} already exists: give another name, or a folder") from None
    finally:
        temporary.unlink(missing_ok=True)
    return target


def _write_chunks(out: BinaryIO, cipher: AESGCM, associated: bytes, plaintext: Iterable[bytes]) -> None:
    """The plaintext in chunks of CHUNK_BYTES, each sealed once the next is known (the last one is flagged)."""

    def pieces() -> Iterator[bytes]:
        buffer = b""
        for block in plaintext:
            buffer += block
            while len(buffer) >= CHUNK_BYTES:
                yield buffer[:CHUNK_BYTES]
                buffer = buffer[CHUNK_BYTES:]
        yield buffer

    number, pending = 0, None
    for piece in pieces():
        if pending is not None:
            _seal(out, cipher, associated, number, pending, last=False)
            number += 1
        pending = piece
    _seal(out, cipher, associated, number, pending or b"", last=True)


def _seal(out: BinaryIO, cipher: AESGCM, associated: bytes, number: int, plain: bytes, last: bool) -> None:
    sealed = cipher.encrypt(_nonce(number, last), plain, associated)
    out.write(struct.pack(">I", len(sealed)) + sealed)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        while block := source.read(CHUNK_BYTES):
            digest.update(block)
    return digest.hexdigest()


# --- reading ------------------------------------------------------------------------------------------------


def read_header(path: Path, key: str) -> Header:
    """The backup's header, checked with `key`: `BackupError` for anything that is not a backup of this format,
    `BackupKeyError` when the key is not the one it was made with."""
    with _open(path) as source:
        return _header(path, source, key)[0]


def _open(path: Path) -> BinaryIO:
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise BackupError(f"{path} does not exist") from None
    except IsADirectoryError:
        raise BackupError(f"{path} is a folder: give one backup file ({SUFFIX})") from None


def _header(path: Path, source: BinaryIO, key: str) -> tuple[Header, _Keys]:
    if source.read(len(MAGIC)) != MAGIC:
        raise BackupError(f"{path} is not a socialaudit backup")
    raw = source.readline(MAX_HEADER_BYTES + 1)
    try:
        if not raw.endswith(b"\n"):
            raise ValueError("no end of line")
        fields = json.loads(raw)
        if fields["format"] != FORMAT:
            raise BackupError(
                f"{path} is a backup of format {fields['format']}; this socialaudit reads {FORMAT}"
            )
        if (fields["cipher"], fields["kdf"]) != ("AES-256-GCM", "scrypt") or any(
            fields[name] != value for name, value in SCRYPT.items()
        ):
            raise ValueError("unknown cipher or key derivation")
        if not isinstance(fields["chunk_bytes"], int) or not 1 <= fields["chunk_bytes"] <= 16 * CHUNK_BYTES:
            raise ValueError("chunk size out of bounds")
        salt = bytes.fromhex(fields["salt"])
        header = Header(str(fields["warehouse"]), datetime.fromisoformat(fields["taken_at"]), raw)
    except BackupError:
        raise
    except (ValueError, KeyError, TypeError) as error:
        raise BackupError(f"{path}: its header is damaged ({error})") from None
    keys = _derive(check_key_strength(key), salt)
    if not hmac.compare_digest(_check(keys, fields), str(fields.get("check", ""))):
        raise BackupKeyError(
            f"{path}: the backup key in force is not the key this backup was made with (or its header was altered)"
        )
    return header, keys


def read_archive(path: Path, key: str, into: Path) -> tuple[Header, dict[str, Any], Path]:
    """Check and decrypt the backup at `path` into `into` (an empty folder the caller made): its header, its
    manifest and the path of its image (`into/image.duckdb`). Any damage raises `BackupError`, with the image
    removed; nothing is written outside `into`."""
    image = into / IMAGE_NAME
    try:
        with _open(path) as source:
            header, keys = _header(path, source, key)
            plain = _opened_chunks(path, source, keys.cipher, hashlib.sha256(MAGIC + header.raw).digest())
            manifest = _manifest(path, plain)
            _write_image(path, plain, manifest, image)
    except BaseException:
        image.unlink(missing_ok=True)
        raise
    return header, manifest, image


class _Plain:
    """The decrypted plaintext, read in order; every chunk authenticated before any of its bytes is handed out."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks, self._buffer = chunks, b""

    def read(self, size: int) -> bytes:
        while len(self._buffer) < size:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._buffer += chunk
        taken, self._buffer = self._buffer[:size], self._buffer[size:]
        return taken

    def rest(self) -> Iterator[bytes]:
        if self._buffer:
            yield self._buffer
            self._buffer = b""
        yield from self._chunks


def _opened_chunks(path: Path, source: BinaryIO, cipher: AESGCM, associated: bytes) -> _Plain:
    limit = CHUNK_BYTES * 16 + TAG_BYTES

    def chunks() -> Iterator[bytes]:
        number = 0
        length = source.read(4)
        while True:
            if len(length) < 4:
                raise BackupError(f"{path} is cut short: its last part is missing")
            (size,) = struct.unpack(">I", length)
            if not TAG_BYTES <= size <= limit:
                raise BackupError(f"{path} is damaged (a part of impossible length)")
            sealed = source.read(size)
            if len(sealed) < size:
                raise BackupError(f"{path} is cut short: its last part is missing")
            length = source.read(4)
            last = length == b""
            try:
                yield cipher.decrypt(_nonce(number, last), sealed, associated)
            except InvalidTag:
                raise BackupError(
                    f"{path} is damaged, cut short or was altered (part {number + 1} does not authenticate)"
                ) from None
            if last:
                return
            number += 1

    return _Plain(chunks())


def _manifest(path: Path, plain: _Plain) -> dict[str, Any]:
    head = plain.read(4)
    size = struct.unpack(">I", head)[0] if len(head) == 4 else -1
    if not 0 < size <= MAX_MANIFEST_BYTES:
        raise BackupError(f"{path}: its manifest is missing or too large")
    try:
        manifest = json.loads(plain.read(size))
        if not isinstance(manifest, dict):
            raise ValueError("not an object")
        if not isinstance(manifest.get("image_bytes"), int) or manifest["image_bytes"] < 0:
            raise ValueError("no image size")
        if not isinstance(manifest.get("image_sha256"), str):
            raise ValueError("no image hash")
    except ValueError as error:
        raise BackupError(f"{path}: its manifest is not readable ({error})") from None
    return manifest


def _write_image(path: Path, plain: _Plain, manifest: dict[str, Any], image: Path) -> None:
    declared = int(manifest["image_bytes"])
    free = shutil.disk_usage(image.parent).free
    # The image, and as much again for the warehouse made from it.
    if 2 * declared + ROOM_MARGIN_BYTES > free:
        raise BackupError(
            f"{path} holds a warehouse of {declared // 2**20} MB; {image.parent} has {free // 2**20} MB free, "
            "too little to restore it"
        )
    digest, written = hashlib.sha256(), 0
    try:
        descriptor = os.open(image, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except FileExistsError:
        raise BackupError(
            f"{image} is already there (a file or a link): refused to write through it"
        ) from None
    with os.fdopen(descriptor, "wb") as out:
        for block in plain.rest():
            written += len(block)
            if written > declared:
                raise BackupError(f"{path} holds more than its manifest declares: refused")
            digest.update(block)
            out.write(block)
        out.flush()
        os.fsync(out.fileno())
    if written != declared or not hmac.compare_digest(digest.hexdigest(), str(manifest["image_sha256"])):
        raise BackupError(f"{path}: its image is not the one its manifest describes")
