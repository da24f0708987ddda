"""Hostile input end to end: a bomb image, an oversized image, unknown API fields, path traversal.

A page that is never valid JSON is tests/e2e/test_faults_and_refusals.py's (a stream truncated for good)."""

from __future__ import annotations

import json
import random
import shutil

import pytest
from PIL import Image

from tests.builders.audits import Audit
from tests.builders.tiny_dataset import PHOTO_GARDEN_A, PHOTO_GARDEN_B, X_HANDLE, build_tiny_dataset
from tests.builders.warehouse import table_fingerprint
from warehouse.db import connect

NEXT_WEEK = "2026-11-23"
MEDIA_LIMIT = 100_000


def _hostile_dataset(root):
    dataset = build_tiny_dataset(root / "school")
    media = dataset / "x" / X_HANDLE / "media"
    # 400 million pixels in a few hundred kilobytes: decoding it would need gigabytes.
    (media / f"{PHOTO_GARDEN_A}.png").unlink()
    Image.new("1", (20_000, 20_000)).save(media / f"{PHOTO_GARDEN_A}.png", optimize=True)
    noise = random.Random(7).randbytes(600 * 600 * 3)
    Image.frombytes("RGB", (600, 600), noise).save(media / f"{PHOTO_GARDEN_B}.jpg", quality=95)
    assert (media / f"{PHOTO_GARDEN_B}.jpg").stat().st_size > MEDIA_LIMIT
    followers_file = dataset / "x" / X_HANDLE / "followers.json"
    followers = json.loads(followers_file.read_text(encoding="utf-8"))
    for user in followers:
        user["unexpected_field"] = {"nested": ["<script>alert(1)</script>"], "n": 1}
        user["public_metrics"]["new_metric"] = 3
    followers_file.write_text(json.dumps(followers), encoding="utf-8")
    return dataset


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory, audit) -> Audit:
    root = tmp_path_factory.mktemp("hostile")
    return audit(
        _hostile_dataset(root),
        toml=f"[api]\nmedia_max_bytes = {MEDIA_LIMIT}\nbackoff_seconds = 0.05\nmax_wait_seconds = 2",
        root=root,
    )


def test_bad_images_and_unknown_fields_do_not_stop_the_audit(hostile_run):
    assert hostile_run.result.returncode == 0, hostile_run.result.stderr[-2000:]
    con = connect(hostile_run.db, read_only=True)
    try:
        errors = dict(
            con.execute("SELECT media_ref, error FROM raw.media_files WHERE error IS NOT NULL").fetchall()
        )
        followers = con.execute(
            "SELECT count(*) FROM staging.stg_x__users WHERE relation = 'follower'"
        ).fetchone()
    finally:
        con.close()
    assert "pixels" in errors[f"x:{PHOTO_GARDEN_A}"]  # refused by our limit or by Pillow's bomb check
    assert f"over the {MEDIA_LIMIT} limit" in errors[f"x:{PHOTO_GARDEN_B}"]
    assert followers == (7,)
    assert (hostile_run.out / "exceptions.json").exists()
    assert "<script>" not in (hostile_run.out / "report.html").read_text(encoding="utf-8")


def test_path_traversal_in_the_register_is_refused_and_nothing_is_written(
    hostile_run, tmp_path, audit_inprocess
):
    dataset = tmp_path / "school"
    shutil.copytree(hostile_run.dataset, dataset)
    register = dataset / "registers" / "approved_media.csv"
    register.write_text(
        register.read_text(encoding="utf-8").replace("sports_day.jpg", "../../../../etc/passwd"),
        encoding="utf-8",
    )
    db = tmp_path / "w.duckdb"
    shutil.copy(hostile_run.db, db)
    before = table_fingerprint(db)
    refused = audit_inprocess(dataset, db=db, as_of=NEXT_WEEK)
    result = refused.result
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert "approved_media.csv line 2 column file" in last, last
    assert table_fingerprint(db) == before
    assert not refused.out.exists()
