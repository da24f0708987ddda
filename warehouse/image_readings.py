"""What was read in images (raw.image_readings, raw.image_text), kept by the image's sha256: read once ever."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import duckdb

from warehouse.load import now_utc
from warehouse.portable import upsert
from warehouse.privacy.redaction import Redaction


def images_read(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The sha256 of every image read before (successfully or not: a broken image is not read again)."""
    return {str(r[0]) for r in con.execute("SELECT sha256 FROM raw.image_readings").fetchall()}


def media_never_read(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Published images fingerprinted before images were read (or while reading was off): downloaded once more so
    they are read too, as retried downloads are (warehouse/state.py)."""
    return [
        {"media_ref": r[0], "platform": r[1], "account_id": r[2], "url": r[3], "version": r[4]}
        for r in con.execute(
            "SELECT media_ref, platform, account_id, url, version FROM raw.media_files"
            " WHERE error IS NULL AND sha256 IS NOT NULL"
            " AND sha256 NOT IN (SELECT sha256 FROM raw.image_readings) ORDER BY media_ref"
        ).fetchall()
    ]


def store_readings(con: duckdb.DuckDBPyConnection, readings: Iterable[dict[str, Any]]) -> int:
    """Each reading once: an image already read keeps its first reading (same bytes, same text)."""
    fresh: dict[str, dict[str, Any]] = {}
    held = images_read(con)
    for reading in readings:
        if reading["sha256"] not in held:
            fresh.setdefault(reading["sha256"], reading)
    if not fresh:
        return 0
    now = now_utc()
    upsert(
        con,
        "raw.image_readings",
        ("sha256",),
        ("sha256", "reader", "n_lines", "faces", "face_boxes", "read_at", "error"),
        [
            [sha, r["reader"], len(r["lines"]), len(r["faces"]), json.dumps(r["faces"]), now, r["error"]]
            for sha, r in fresh.items()
        ],
        replace=False,
    )
    upsert(
        con,
        "raw.image_text",
        ("sha256", "line_no"),
        ("sha256", "line_no", "text", "confidence", "word_confidences", "box"),
        [
            [sha, number, line["text"], min(line["confidences"]), line["confidences"], line["box"]]
            for sha, r in fresh.items()
            for number, line in enumerate(r["lines"], start=1)
        ],
        replace=False,
    )
    return len(fresh)


def redact_lines(
    con: duckdb.DuckDBPyConnection, redaction: Redaction, where: str = "TRUE", params: Sequence[Any] = ()
) -> int:
    """Names (and handles, ids) replaced in the lines read from images matching `where` (over raw.image_text `t`
    and raw.image_readings `r`), inside the caller's transaction; replacements made.

    Every line is looked at in Python rather than picked by the needles `sweep` uses: an engine may have split a
    name across a space ("Zofia N owak"), which no needle contains."""
    if not redaction:
        return 0
    rows = con.execute(
        "SELECT t.sha256, t.line_no, t.text FROM raw.image_text AS t JOIN raw.image_readings AS r USING (sha256)"
        f" WHERE {where}",
        list(params),
    ).fetchall()
    total = 0
    for sha256, line_no, text in rows:
        redacted, n = redaction.text(text)
        if n:
            con.execute(
                "UPDATE raw.image_text SET text = ? WHERE sha256 = ? AND line_no = ?",
                [redacted, sha256, line_no],
            )
            total += n
    return total
