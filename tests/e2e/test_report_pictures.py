"""The pictures beside the report's media findings: made from the bytes the run downloaded, small, and gone from every
report (kept weeks too) once the pupil they show is erased. Still shown the weeks the image is not downloaded again:
tests/e2e/test_media_refetch.py."""

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

WEEKS = ("2026-11-09", "2026-11-16")
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
    # writes again an earlier kept week showing the pupil, the test below's.
    done = audit(dataset, as_of=WEEKS[-1], root=tmp_path)
    assert done.result.returncode == 0, done.result.stderr[-3000:]
    out = tmp_path / "out"
    reports = [out / "report.html", out / "weeks" / WEEKS[-1] / "report.html"]
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


def test_a_kept_report_showing_an_erased_pupils_picture_is_written_again_though_it_never_names_them(
    tmp_path: Path, audit, socialaudit
) -> None:
    dataset = build_tiny_dataset(tmp_path / "school")
    # The sports-day photo is approved for the website only (so the X post is unapproved media) and pictures a
    # pupil with consent whom nothing else names: the approved picture is shown beside the X post's photo.
    approvals = dataset / "registers" / "approved_media.csv"
    approvals.write_text(
        approvals.read_text("utf-8").replace(
            "sports_day.jpg,x,,Headteacher,2026-10-01,P0001",
            "sports_day.jpg,website,,Headteacher,2026-10-01,P0003",
        ),
        "utf-8",
    )
    with (dataset / "registers" / "pupils.csv").open("a", encoding="utf-8", newline="") as pupils:
        pupils.write("P0003,Zara,Quill,,2015-03-10,6,current,,granted,\r\n")
    for as_of in WEEKS:
        done = audit(dataset, as_of=as_of, root=tmp_path)
        assert done.result.returncode == 0, done.result.stderr[-3000:]
    # The earlier week (the latest is published again by every erasure whatever it shows).
    kept = tmp_path / "out" / "weeks" / WEEKS[0] / "report.html"
    before = kept.read_text("utf-8")
    assert "P0003" not in before and "Quill" not in before
    approved = {
        data
        for pictures in pictures_by_row(before).values()
        for alt, data in pictures
        if alt == "approved picture A001"
    }
    assert approved

    erased = socialaudit(
        "erase",
        "--person",
        "P0003",
        "--db",
        str(tmp_path / "w.duckdb"),
        "--by",
        "dpo",
        "--reason",
        "E-8",
        "--yes",
        timeout=300,
    )
    assert erased.returncode == 0, erased.stderr
    after = kept.read_text("utf-8")
    assert not [data for data in approved if data in after]
    assert (
        "the published picture" in after
    )  # the post's own photo does not picture the pupil as far as anyone knows
