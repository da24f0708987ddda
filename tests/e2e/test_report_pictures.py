"""The pictures beside the report's media findings: made from the bytes the run downloaded, small, and gone from every
report once the pupil they show is erased. Still shown the weeks the image is not downloaded again:
tests/e2e/test_media_refetch.py; gone from an earlier kept week's report that never names the pupil:
tests/e2e/test_weeks_kept.py."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

from PIL import Image

from checks.images.thumbnails import THUMBNAIL_SIDE
from tests.builders.report_pictures import pictures_by_row
from tests.builders.tiny_dataset import build_tiny_dataset
from warehouse.db import connect

AS_OF = "2026-11-16"
# An upper bound on one thumbnail (the demo's are 2-4 KB): pictures of children stay small.
MAX_THUMBNAIL_BYTES = 8_000


def test_media_findings_show_their_pictures_until_the_pupil_shown_is_erased(
    tmp_path: Path, audit, socialaudit
) -> None:
    dataset = build_tiny_dataset(tmp_path / "school")
    # The approved sports-day photo now pictures the pupil whose parents refused consent: a consent breach.
    approvals = dataset / "registers" / "approved_media.csv"
    approvals.write_text(
        approvals.read_text("utf-8").replace("2026-10-01,P0001", "2026-10-01,P0002"), "utf-8"
    )
    # One week: that a later week, downloading nothing again, shows the pictures stored when the images were
    # fetched is tests/e2e/test_media_refetch.py's (on the session's sample school's next week); that an erasure
    # writes again an earlier kept week showing the pupil, tests/e2e/test_weeks_kept.py's.
    done = audit(dataset, as_of=AS_OF, root=tmp_path)
    assert done.result.returncode == 0, done.result.stderr[-3000:]
    out = tmp_path / "out"
    reports = [out / "report.html", out / "weeks" / AS_OF / "report.html"]
    for report in reports:
        shown = pictures_by_row(report.read_text("utf-8"))
        shown_breaches = [key for key in shown if key.startswith("consent-breach:")]
        assert len(shown_breaches) == 2
        for (
            key
        ) in shown_breaches:  # the published photo, then the approved file it matched (which pictures P0002)
            assert [alt for alt, _ in shown[key]][:2] == ["the published picture", "approved picture A001"]
        unapproved = [key for key in shown if key.startswith("unapproved-media:")]
        assert len(unapproved) == 3 and all(
            alt == "the published picture" for key in unapproved for alt, _ in shown[key]
        )
        for _, data in (picture for pictures in shown.values() for picture in pictures):
            jpeg = base64.b64decode(data)
            assert len(jpeg) <= MAX_THUMBNAIL_BYTES
            with Image.open(io.BytesIO(jpeg)) as image:
                assert image.format == "JPEG" and max(image.size) <= THUMBNAIL_SIDE
                assert not image.getexif()
    first = pictures_by_row((out / "report.html").read_text("utf-8"))
    breaches = {key for key in first if key.startswith("consent-breach:")}
    erased_pictures = {data for key in breaches for _, data in first[key]}
    kept_pictures = {data for key, pictures in first.items() if key not in breaches for _, data in pictures}
    assert kept_pictures and not kept_pictures & erased_pictures

    db = tmp_path / "w.duckdb"
    # Asked for first, the pupil's subject access export lists the pictures beside their findings, never the
    # pictures themselves (a photo may show other children: the DPO looks before handing one over).
    sar = socialaudit(
        "sar", "--person", "P0002", "--db", str(db), "--out", str(tmp_path / "sar"), "--reason", "S-1"
    )
    assert sar.returncode == 0, sar.stderr
    exported = json.loads((tmp_path / "sar" / "sar.json").read_text("utf-8"))
    listed = exported["sections"]["pictures_beside_findings"]
    assert {row["key"] for row in listed} == breaches and all(row["picture_bytes"] > 0 for row in listed)
    assert not [
        data for data in erased_pictures if data in (tmp_path / "sar" / "sar.json").read_text("utf-8")
    ]
    assert "Small copies of published or approved photos" in (tmp_path / "sar" / "cover.html").read_text(
        "utf-8"
    )
    erased = socialaudit(
        "erase", "--person", "P0002", "--db", str(db), "--by", "dpo", "--reason", "E-7", "--yes", timeout=300
    )
    assert erased.returncode == 0, erased.stderr
    for report in reports:
        text = report.read_text("utf-8")
        assert not [data for data in erased_pictures if data in text], report
        assert all(data in text for data in kept_pictures), report  # other findings keep theirs
    with connect(db, read_only=True) as con:
        left = {str(r[0]) for r in con.execute("SELECT key FROM audit.finding_pictures").fetchall()}
    assert left and not left & breaches
