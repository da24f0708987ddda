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
from tests.builders.audits import IMAGES_NOT_READ, Audit, append_toml
from tests.builders.next_week import SAMPLE_SCHOOL_NEXT_WEEK, NextWeek
from tests.builders.report_pictures import pictures_by_row
from tests.builders.tiny_dataset import build_tiny_dataset
from tests.builders.warehouse import table_fingerprint

AS_OF = "2026-11-16"
NEXT_WEEK = SAMPLE_SCHOOL_NEXT_WEEK


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
    sample_school_week: Audit, sample_school_next_week: NextWeek
) -> None:
    # The first week is the session's sample school week; the second is the session's next week of it
    # (tests/e2e/conftest.py), run on copies of its warehouse and school with the image routes dead and every
    # decode counted.
    first_week = sample_school_week
    labels = json.loads(labels_path_for(first_week.dataset).read_text(encoding="utf-8"))
    db = sample_school_next_week.audit.db
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

    second = sample_school_next_week.summary
    assert second["media_fingerprinted"] == 0
    assert second["images_read"] == 0
    # neither published images nor the approved library were decoded (nor read) again
    assert sample_school_next_week.decoded == []
    assert media_rows(db) == media_rows(first_week.db)
    out2 = sample_school_next_week.audit.out
    assert media_exceptions(out2) == media_exceptions(first_week.out)
    assert media_exceptions(first_week.out)
    # The pictures beside the media findings are the ones stored when the images were fetched: the same, with
    # nothing downloaded again (what a picture of a child may show, and that it goes with an erasure, is
    # tests/e2e/test_report_pictures.py's).
    shown = pictures_by_row((out2 / "report.html").read_text(encoding="utf-8"))
    assert shown and shown == pictures_by_row((first_week.out / "report.html").read_text(encoding="utf-8"))

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
