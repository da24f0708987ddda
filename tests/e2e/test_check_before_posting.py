"""Check before you post, the whole road: a draft checked (hold: a certificate in it names a pupil), changed, checked
again (its new photos wait only for approval), approved, checked once more (ok), published, and next week's run
raises nothing about it; a draft published without a check, and one published while its check said hold, are
flagged with that said in the evidence. (A consent withdrawn after the approval still raises consent-breach:
tests/checks/rules/test_consent_breach.py, on an approval given to a checked draft.)

The week before any check is the session's tiny school as audited (tests/e2e/conftest.py `tiny_school_week`),
copied: the drafts are checked against, and the posts published into, the copy."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
from PIL import Image

from sandbox.school.images import Shot
from sandbox.school.lettering import Lettering, draw
from sandbox.server import SandboxServer
from tests.builders.audits import Audit, copy_of_week
from tests.builders.cli import CliResult
from tests.builders.images import original
from tests.builders.sandbox_clients import make_x_api, make_x_client
from tests.flows.test_access_cli import as_os_user, second_os_user, shared

__all__ = ["second_os_user", "shared"]  # the fixtures, used by name below

CERTIFICATE_LINES = ("Certificate of Achievement", "awarded to", "Alfie Price", "for excellent reading")


def pictures(folder: Path) -> dict[str, Image.Image]:
    """The poster's files: a certificate naming pupil P0001 (Alfie Price) and three ordinary photos."""
    drawn = {
        "certificate.jpg": draw(
            Shot(3, "classroom"), Lettering("certificate", CERTIFICATE_LINES, 5), 1200, 900
        ),
        **{f"photo{n}.jpg": draw(Shot(20 + n, "playground"), None, 1200, 900) for n in range(3)},
    }
    for name, picture in drawn.items():
        (folder / name).write_bytes(original(picture))
    return drawn


def publish(dataset: Path, text: str, files: list[Path]) -> str:
    """The post published as the school's tools publish it: tweepy uploads each photo to X (the sandbox,
    which re-encodes it as X does) and creates the post with their media ids. Its id, as X gave it."""
    with SandboxServer(dataset) as server:
        media_ids = [str(make_x_api(server).media_upload(str(path)).media_id_string) for path in files]
        created = make_x_client(server).create_tweet(text=text, media_ids=media_ids or None)
        assert server.ledger is not None and server.ledger.x[-1].route == "x.create_post"
    return str(created.data["id"])


def approved_by(user: str, db: Path, check_id: str) -> subprocess.CompletedProcess[str]:
    """approve-post run by `user`, the second person at the terminal, with the warehouse's folder handed to them for
    the command (root, who checked the draft, reads it whoever owns it)."""
    home = Path(tempfile.mkdtemp(prefix="socialaudit-approver-"))
    shutil.chown(home, user)
    subprocess.run(["chown", "-R", user, str(db.parent)], check=True)
    try:
        return as_os_user(user, home, "approve-post", check_id, "--db", str(db), "--by", "Headteacher")
    finally:
        subprocess.run(["chown", "-R", str(os.getuid()), str(db.parent)], check=True)
        shutil.rmtree(home)


def about(exceptions: list[dict[str, Any]], post_id: str) -> dict[str, str]:
    return {e["rule"]: e["evidence"] for e in exceptions if e["subject_id"] == post_id}


def test_a_checked_and_approved_draft_is_trusted_next_week_and_unchecked_ones_are_named(
    tmp_path: Path,
    tiny_school_week: Audit,
    audit: Callable[..., Any],
    socialaudit: Callable[..., CliResult],
    shared: Path,
    second_os_user: str,
) -> None:
    first = copy_of_week(tiny_school_week, shared, school=tmp_path / "school")
    dataset = first.dataset
    pictures(tmp_path)
    db = str(first.db)

    def check(*args: str) -> tuple[int, dict[str, Any], str]:
        ran = socialaudit(
            "check-post",
            "--sandbox",
            str(dataset),
            "--db",
            db,
            "--format",
            "json",
            "--by",
            "Ms Poster",
            *args,
        )
        assert ran.returncode in (0, 5), ran.stderr
        return ran.returncode, json.loads(ran.stdout), ran.stdout

    def images(*names: str) -> list[str]:
        return [arg for name in names for arg in ("--image", str(tmp_path / name))]

    text = "Reading award winners this week, well done everyone! #TinyLane"
    status, held, _ = check("--text", text, *images("certificate.jpg", "photo0.jpg"), "--pupil", "P0001")
    assert status == 5 and held["verdict"] == "hold"
    named = [f for f in held["findings"] if f["rule"] == "pupil-named"]
    assert named and named[0]["image"] == "certificate.jpg" and "Alfie Price" in named[0]["evidence"]
    assert "P0001" in named[0]["evidence"]

    # Changed: the certificate swapped for a photo. Its photos are new, so only approval stands in the way.
    status, changed, _ = check("--text", text, *images("photo0.jpg", "photo1.jpg"), "--pupil", "P0001")
    assert status == 5 and {f["rule"] for f in changed["findings"]} == {"unapproved-media"}
    con = duckdb.connect(db, read_only=True)
    try:
        checks = con.execute("SELECT check_id, verdict FROM audit.post_checks ORDER BY checked_at").fetchall()
    finally:
        con.close()
    assert [v for _, v in checks] == ["hold", "hold"]
    held_check, changed_check = checks[0][0], checks[1][0]

    # The held check (a pupil named) is refused to any approver, shown without starting the command once more as
    # the second user (the command refuses as it refuses the poster below) by
    # tests/warehouse/test_post_check_approval.py::test_a_check_holding_on_more_than_its_images_approval_is_refused_to_a_second_person
    # The poster approving their own draft is one person, whatever name they type.
    own = socialaudit("approve-post", changed_check, "--db", db, "--by", "Headteacher")
    assert own.returncode == 1 and "the same person cannot confirm it" in own.stderr, own.stderr
    approved = approved_by(second_os_user, first.db, changed_check)
    assert approved.returncode == 0, approved.stderr
    status, ok, _ = check("--text", text, *images("photo0.jpg", "photo1.jpg"), "--pupil", "P0001")
    assert (status, ok) == (0, {"verdict": "ok", "findings": []})

    # A pupil whose parents refused consent, declared in the same photos: held whatever the library says.
    status, refused_consent, _ = check("--text", text, *images("photo0.jpg"), "--pupil", "P0002")
    assert status == 5 and [f["rule"] for f in refused_consent["findings"]] == ["consent-breach"]
    assert "P0002" in refused_consent["findings"][0]["evidence"]

    exported = socialaudit("approve-post", "--export", str(tmp_path / "approvals.csv"), "--db", db)
    assert exported.returncode == 0, exported.stderr
    rows = list(csv.DictReader((tmp_path / "approvals.csv").open(encoding="utf-8")))
    assert [(r["check_id"], r["approved_by"], r["pupils_pictured"]) for r in rows] == [
        (changed_check, f"Headteacher ({second_os_user})", "P0001")
    ] * 2  # a typed name alone proves nobody: the operating-system user who approved is beside it

    # Published after the checks: the approved draft, one never checked, and the certificate its check held.
    soon = datetime.now(UTC) + timedelta(minutes=1)
    approved_post = publish(dataset, text, [tmp_path / "photo0.jpg", tmp_path / "photo1.jpg"])
    unchecked_post = publish(dataset, "Sports day fun!", [tmp_path / "photo2.jpg"])
    certificate_post = publish(dataset, "Reading award", [tmp_path / "certificate.jpg"])
    named_post = publish(dataset, "Well done Alfie Price, star reader!", [])
    next_week = (soon + timedelta(days=7)).date().isoformat()
    second = audit(dataset, root=shared, as_of=next_week)
    assert second.result.returncode == 0, second.result.stderr[-2000:]
    assert about(second.exceptions, approved_post) == {}
    unchecked = about(second.exceptions, unchecked_post)
    assert "never checked before posting" in unchecked["unapproved-media"]
    certificate = about(second.exceptions, certificate_post)
    assert f"checked before posting (check {held_check}" in certificate["unapproved-media"]
    assert "hold, never approved" in certificate["unapproved-media"]
    assert f"checked before posting (check {held_check}" in certificate["pupil-named"]
    named_unchecked = about(second.exceptions, named_post)
    assert "never checked before posting" in named_unchecked["pupil-named"]
    # The posts that were there before any check read as they always did: nothing said of checking before posting.
    # Their week is read from the session's, as the copy's outputs are the second week's now (both runs publish into
    # root/out). Evidence as a whole may change between the weeks: a pupil's age, the nearest approved image.
    before = {e["key"] for e in tiny_school_week.exceptions}
    already_there = [e for e in second.exceptions if e["key"] in before]
    assert any(e["subject_kind"] == "post" for e in already_there)
    said_of_checking = [e["evidence"] for e in already_there if "checked before posting" in e["evidence"]]
    assert said_of_checking == [], (
        "posts published before the school checked drafts are said to be (un)checked"
    )

    # Consent withdrawn after the approval flags the published copy (the approval names the pupils the poster
    # declared), shown without a third audit by
    # tests/checks/rules/test_consent_breach.py::test_a_draft_approved_after_its_check_flags_its_published_copy_once_consent_is_withdrawn
