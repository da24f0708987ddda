"""Nothing already checked is checked again: next week's run fingerprints and reads no image already hashed and read
(published or in the approved library) and runs no raw-data suite on rows that did not change (the registers, which
depend on the date, are validated again)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from sandbox.school import labels_path_for
from tests.builders.audits import IMAGES_NOT_READ, Audit, append_toml, copy_of_week
from tests.builders.tiny_dataset import build_tiny_dataset
from tests.builders.warehouse import table_fingerprint

AS_OF = "2026-11-16"
NEXT_WEEK = "2026-11-23"


def media_rows(db: Path) -> dict[str, Any]:
    tables = table_fingerprint(db)
    return {
        t: tables[t]
        for t in ("raw.media_files", "ref.approved_media_hashes", "raw.image_readings", "raw.image_text")
    }


def shas(db: Path, sql: str) -> set[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {str(r[0]) for r in con.execute(sql).fetchall()}
    finally:
        con.close()


def week_summary(db: Path, as_of: str) -> dict[str, Any]:
    """The summary the week's run returned, as it recorded it in audit.runs."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute("SELECT attempts, summary FROM audit.runs WHERE as_of = ?", [as_of]).fetchone()
    finally:
        con.close()
    assert row is not None and row[0] == 1, "one run of the week, so its summary is that run's alone"
    return dict(json.loads(row[1]))


def media_exceptions(out: Path) -> dict[str, str]:
    rows = json.loads((out / "exceptions.json").read_text(encoding="utf-8"))
    return {r["key"]: r["evidence"] for r in rows if r["rule"] in ("unapproved-media", "consent-breach")}


def test_next_weeks_run_downloads_and_decodes_no_image_already_hashed(
    tmp_path: Path, sample_school_week: Audit, prefect_api_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows import weekly_audit as flow_module

    # The first week is the session's sample school week (tests/e2e/conftest.py); the second runs on copies of its
    # warehouse and school, as the shared week is read by other modules.
    first_week = sample_school_week
    labels = json.loads(labels_path_for(first_week.dataset).read_text(encoding="utf-8"))
    second_week = copy_of_week(first_week, tmp_path)
    dataset, db = second_week.dataset, second_week.db
    first = week_summary(db, AS_OF)
    assert first["media_fingerprinted"] == len(labels["media"])
    # Every distinct published image read once, and only the library files a published image copies (or is): the
    # library's other files are hashed, never read.
    published = shas(db, "SELECT sha256 FROM raw.media_files WHERE error IS NULL")
    library = shas(db, "SELECT file_sha256 FROM ref.approved_media_hashes")
    read = shas(db, "SELECT sha256 FROM raw.image_readings")
    copied = shas(
        db,
        "SELECT regexp_extract(reader, 'as the approved file ([0-9a-f]{64}) it copies', 1)"
        " FROM raw.image_readings WHERE reader LIKE '%it copies'",
    )
    assert first["images_read"] == len(published | (library & read))
    assert published <= read and copied and library & read == library & (copied | published)
    assert library - read, "the sample's library holds files no published image copies"
    before = media_rows(db)

    decoded: list[int] = []
    from flows import stream_reading

    real_examine = stream_reading.examine

    def counting(
        data: bytes, already_read: Any, originals: Any = None, may_wait: bool = True
    ) -> dict[str, Any]:
        decoded.append(len(data))
        return real_examine(data, already_read, originals, may_wait)

    import checks.images.reading
    import checks.media_hash

    real_fingerprint, real_decode = checks.media_hash.fingerprint_image, checks.images.reading.decode_upright

    def counting_fingerprint(data: bytes) -> dict[str, Any]:
        decoded.append(len(data))
        return real_fingerprint(data)

    def counting_decode(data: bytes) -> Any:
        decoded.append(len(data))
        return real_decode(data)

    # Published images are hashed and read by the flow's task; the approved library is hashed by
    # checks.media_hash and read by checks.images.reading.
    monkeypatch.setattr(stream_reading, "examine", counting)
    monkeypatch.setattr(checks.media_hash, "fingerprint_image", counting_fingerprint)
    monkeypatch.setattr(checks.images.reading, "decode_upright", counting_decode)
    # Were anything fetched again, the media routes would now fail and the report would say so.
    dead_media = [{"route": route, "kind": "500", "times": -1} for route in ("x.media", "yt.thumbnails")]
    monkeypatch.setenv("SOCIALAUDIT_SANDBOX_FAULTS", json.dumps(dead_media))
    second = flow_module.weekly_audit(
        str(dataset / "school.toml"), str(db), str(tmp_path / "out2"), NEXT_WEEK, True
    )

    assert second["media_fingerprinted"] == 0
    assert second["images_read"] == 0
    assert decoded == []  # neither published images nor the approved library were decoded (nor read) again
    assert media_rows(db) == before
    assert media_exceptions(tmp_path / "out2") == media_exceptions(first_week.out)
    assert media_exceptions(first_week.out)

    con = duckdb.connect(str(db), read_only=True)
    try:
        validated = dict(
            con.execute(
                "SELECT suite, reused_from FROM audit.validation_results WHERE as_of = ?", [NEXT_WEEK]
            ).fetchall()
        )
    finally:
        con.close()
    followers = [suite for suite in validated if suite.startswith("x_followers@")]
    assert followers and all(validated[suite] == date.fromisoformat(AS_OF) for suite in followers)
    assert validated["pupils"] is None  # a register suite is never copied


def test_a_run_reading_no_image_hashes_its_library_as_it_starts_and_stores_the_same_hashes(
    tmp_path: Path, prefect_api_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hashlib

    import checks.media_hash
    from checks.registers.contract import APPROVED_MEDIA_DIR
    from flows import weekly_audit as flow_module

    # The tiny school: its library's one file is hashed as the run starts like any other library's files.
    dataset = build_tiny_dataset(tmp_path / "school")
    toml = dataset / "school.toml"
    append_toml(dataset, IMAGES_NOT_READ)
    real = checks.media_hash.fingerprint_approved
    settled_alone: list[int] = []

    def counting(data: bytes) -> dict[str, Any]:
        settled_alone.append(len(data))
        return real(data)

    # Settling hashes a file itself only when the run has not: none of this school's files.
    monkeypatch.setattr(checks.media_hash, "fingerprint_approved", counting)
    db = tmp_path / "w.duckdb"
    done = flow_module.weekly_audit(str(toml), str(db), str(tmp_path / "out"), AS_OF, True)

    assert done["images_read"] == 0 and settled_alone == []
    library = {
        hashlib.sha256(data).hexdigest(): real(data)
        for data in (p.read_bytes() for p in (dataset / "registers" / APPROVED_MEDIA_DIR).iterdir())
    }
    con = duckdb.connect(str(db), read_only=True)
    try:
        stored = {
            r[0]: {"phash": r[1], "dhash": r[2], "width": r[3], "height": r[4]}
            for r in con.execute(
                "SELECT file_sha256, phash, dhash, width, height FROM ref.approved_media_hashes"
            ).fetchall()
        }
    finally:
        con.close()
    assert stored and stored == {
        sha: {k: library[sha][k] for k in ("phash", "dhash", "width", "height")} for sha in stored
    }
    assert media_exceptions(tmp_path / "out"), "the library's hashes cover and miss published images as ever"
