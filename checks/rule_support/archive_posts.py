"""Posts imported from the X archive carry no alt text: a finding on one says what could not be checked."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

import duckdb

from checks.findings import Finding
from checks.rules import rules_reading

UNCHECKED_ALT_TEXT = (
    "alt text not checked: this post came from the X archive, which does not include the images' alt text"
)
ARCHIVED_IMAGES_WITHOUT_ALT_TEXT = """
SELECT DISTINCT p.account_id, p.post_id
FROM staging.stg_x__posts AS p
JOIN staging.stg_x__media AS m USING (post_id)
WHERE p.source = 'archive' AND m.source = 'archive' AND m.alt_text IS NULL
"""


def note_unchecked_alt_text(con: duckdb.DuckDBPyConnection, findings: Iterable[Finding]) -> list[Finding]:
    reads_alt_text = rules_reading("alt_text")
    archived = {(str(r[0]), str(r[1])) for r in con.execute(ARCHIVED_IMAGES_WITHOUT_ALT_TEXT).fetchall()}
    return [
        replace(f, evidence=f"{f.evidence}; {UNCHECKED_ALT_TEXT}")
        if f.rule in reads_alt_text and f.subject_kind == "post" and (f.account_id, f.subject_id) in archived
        else f
        for f in findings
    ]
