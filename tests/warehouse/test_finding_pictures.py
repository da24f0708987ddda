"""The thumbnails kept beside open media findings: replaced each week, reused when the run did not hold the image,
dropped once the finding is no longer open."""

from __future__ import annotations

import duckdb

from tests.builders.warehouse import rows
from warehouse.finding_pictures import keep_for_open_findings, pictures_for


def exception(con: duckdb.DuckDBPyConnection, key: str, status: str) -> None:
    con.execute(
        "INSERT INTO audit.exceptions (key, rule, severity, platform, account, subject_kind, subject_id,"
        " confidence, evidence, evidence_sha256, status, first_seen, last_seen, updated_at)"
        " VALUES (?, 'unapproved-media', 'high', 'x', 'Acct', 'post', ?, 1.0, 'e', 'e', ?, DATE '2026-11-16',"
        " DATE '2026-11-16', TIMESTAMP '2026-11-16 06:00')",
        [key, key, status],
    )


def picture(
    key: str, sha: str, jpeg: bytes | None, label: str = "the published picture"
) -> dict[str, object]:
    return {"key": key, "role": "published", "label": label, "sha256": sha, "jpeg": jpeg}


def test_pictures_live_while_their_finding_is_open_and_are_reused_without_the_bytes(
    con: duckdb.DuckDBPyConnection,
) -> None:
    exception(con, "open", "new")
    exception(con, "later", "open")
    keep_for_open_findings(con, [picture("open", "a", b"jpeg-a"), picture("later", "b", b"jpeg-b")])
    assert pictures_for(con, ["open", "later"]) == {
        "open": [{"role": "published", "label": "the published picture", "jpeg": b"jpeg-a"}],
        "later": [{"role": "published", "label": "the published picture", "jpeg": b"jpeg-b"}],
    }
    # A week later nothing was downloaded again: the stored thumbnails are used; an image never held is left out.
    # "later" was resolved by a decision meanwhile, so its picture goes.
    con.execute("UPDATE audit.exceptions SET status = 'false_positive' WHERE key = 'later'")
    held = keep_for_open_findings(
        con, [picture("open", "a", None), picture("open", "c", None, "approved picture A1")]
    )
    assert held == 1
    assert rows(con, "SELECT key, position, sha256, jpeg FROM audit.finding_pictures") == [
        {"key": "open", "position": 1, "sha256": "a", "jpeg": b"jpeg-a"}
    ]
    # A finding kept open although the rules did not run on it (its stream could not be read) keeps its pictures.
    assert keep_for_open_findings(con, []) == 1
