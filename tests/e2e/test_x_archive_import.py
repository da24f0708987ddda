"""A school whose older posts exist only in its X archive: after `import-x-archive` and a run it has exactly the
post exceptions it has when the API serves every post (the session's sample school week, tests/e2e/conftest.py,
is that school audited with every post served; each test works on a copy of its school)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from flows.cli import main as socialaudit
from tests.builders.audits import Audit
from tests.builders.output_contract import assert_outputs_meet_the_contract as check_outputs
from tests.builders.warehouse import table_fingerprint
from tests.builders.x_archive import write_archive
from warehouse.db import connect

AS_OF = "2026-11-16"
NEWEST = 8  # what the API serves in this test, instead of X's 3,200
POST_RULES = ("unapproved-media", "consent-breach", "contact-details", "political-content")


def school_in(tmp_path: Path, sample_school_week: Audit) -> Path:
    """A copy of the shared week's school: the shared one is read by other modules."""
    dataset = tmp_path / "school"
    shutil.copytree(sample_school_week.dataset, dataset)
    return dataset


def post_exceptions(rows: list[dict]) -> set[tuple[str, str]]:
    return {(r["rule"], r["key"]) for r in rows if r["rule"] in POST_RULES}


def x_handles(dataset: Path) -> list[str]:
    return sorted(p.name for p in (dataset / "x").iterdir() if p.is_dir())


def beyond_the_newest(dataset: Path, newest: int) -> set[str]:
    """The ids of the X posts a timeline serving only each account's `newest` posts does not reach (posts.json
    holds an account's posts newest first; an edited post's earlier versions are not on its timeline)."""
    beyond: set[str] = set()
    for posts_file in (dataset / "x").glob("*/posts.json"):
        posts = json.loads(posts_file.read_text(encoding="utf-8"))["data"]
        earlier = {str(old) for post in posts for old in (post.get("edit_history_tweet_ids") or [])[:-1]}
        live = [str(post["id"]) for post in posts if str(post["id"]) not in earlier]
        beyond |= set(live[newest:])
    return beyond


def count(db: Path, sql: str) -> int:
    con = connect(db, read_only=True)
    try:
        return int(con.execute(sql).fetchone()[0])  # type: ignore[index]
    finally:
        con.close()


def test_archive_posts_beyond_what_the_api_serves_get_every_post_exception(
    tmp_path: Path,
    sample_school_week: Audit,
    prefect_api_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from flows.weekly_audit import weekly_audit

    dataset = school_in(tmp_path, sample_school_week)
    toml = str(dataset / "school.toml")
    every_post_served = sample_school_week.exceptions
    expected = post_exceptions(every_post_served)
    assert {rule for rule, _ in expected} >= {"unapproved-media", "contact-details"}

    # From here on the API serves only each account's newest posts, as X serves only the newest 3,200 (the sandbox
    # serves no older one: tests/sandbox/test_server.py::test_only_the_newest_3200_posts_are_reachable). Some
    # exceptions are on older posts, which a run without the archive misses.
    import sandbox.x.models

    monkeypatch.setattr(sandbox.x.models, "MAX_REACHABLE_POSTS", NEWEST)
    beyond = beyond_the_newest(dataset, NEWEST)
    older = {
        (r["rule"], r["key"])
        for r in every_post_served
        if r["rule"] in POST_RULES and r["subject_id"] in beyond
    }
    assert older and older < expected

    db = tmp_path / "w.duckdb"
    archives = [
        write_archive(dataset, handle, tmp_path / f"{handle}.zip", parts=2, manifest=n == 0)
        for n, handle in enumerate(x_handles(dataset))
    ]
    for archive in archives:
        assert (
            socialaudit(["import-x-archive", str(archive), "--db", str(db), "--sandbox", str(dataset)]) == 0
        )
    assert "posts stored" in capsys.readouterr().out
    imported = table_fingerprint(db)
    for archive in archives:  # idempotent: importing again adds nothing
        assert (
            socialaudit(["import-x-archive", str(archive), "--db", str(db), "--sandbox", str(dataset)]) == 0
        )
    assert table_fingerprint(db) == imported

    archived_images = count(db, "SELECT count(*) FROM raw.media_files WHERE error IS NULL")
    assert archived_images > 0
    # ... and read there too (text, faces), so the run downloads none of them again to read them.
    assert count(db, "SELECT count(DISTINCT sha256) FROM raw.media_files WHERE error IS NULL") == count(
        db, "SELECT count(*) FROM raw.image_readings"
    )
    summary = weekly_audit(toml, str(db), str(tmp_path / "out"), AS_OF, True)
    assert (
        post_exceptions(json.loads((tmp_path / "out" / "exceptions.json").read_text(encoding="utf-8")))
        == expected
    )
    check_outputs(tmp_path / "out", dataset)
    # The archive's images were fingerprinted from the ZIP: the run fetched only the images it had not.
    assert (
        summary["media_fingerprinted"] == count(db, "SELECT count(*) FROM raw.media_files") - archived_images
    )
    assert count(db, "SELECT count(*) FROM raw.snapshots WHERE source = 'archive'") == len(archives)
    # The API served the run no more than each account's newest posts: the older posts' exceptions came from the
    # archive.
    read_from_the_api = "SELECT max(n_items) FROM raw.snapshots WHERE platform = 'x' AND stream = 'posts' AND source <> 'archive'"
    assert 0 < count(db, read_from_the_api) <= NEWEST


def test_an_archive_of_another_account_is_refused_naming_both(
    tmp_path: Path, sample_school_week: Audit, capsys: pytest.CaptureFixture[str]
) -> None:
    dataset = school_in(tmp_path, sample_school_week)
    handle = x_handles(dataset)[0]
    account = json.loads((dataset / "x" / handle / "account.json").read_text(encoding="utf-8"))
    account = account.get("data", account)
    account["id"] = "999999999"
    (dataset / "x" / handle / "account.json").write_text(json.dumps(account), encoding="utf-8")
    archive = write_archive(dataset, handle, tmp_path / "other.zip")
    db = tmp_path / "w.duckdb"
    assert socialaudit(["import-x-archive", str(archive), "--db", str(db), "--sandbox", str(dataset)]) == 1
    err = capsys.readouterr().err
    assert "999999999" in err and "not an X account in school.toml" in err and "configured: @" in err
    assert not db.exists() or table_fingerprint(db).get("raw.snapshots", (0, ""))[0] == 0


def test_a_packed_bomb_is_refused_and_nothing_is_stored(
    tmp_path: Path, sample_school_week: Audit, capsys: pytest.CaptureFixture[str]
) -> None:
    import zipfile

    dataset = school_in(tmp_path, sample_school_week)
    handle = x_handles(dataset)[0]
    real = write_archive(dataset, handle, tmp_path / "real.zip")
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(real) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as packed:
        for info in source.infolist():
            packed.writestr(info.filename, source.read(info))
        # 16 MB of spaces pack to about 16 KB: a thousand to one, ten times what an export may (more would only
        # take longer to pack: the archive is refused from its directory, before anything is unpacked).
        with packed.open("data/tweets-part9.js", "w", force_zip64=True) as member:
            member.write(b"window.YTD.tweets.part9 = [")
            for _ in range(16):
                member.write(b" " * (1024 * 1024))
            member.write(b"]")
    db = tmp_path / "w.duckdb"
    assert socialaudit(["import-x-archive", str(bomb), "--db", str(db), "--sandbox", str(dataset)]) == 1
    err = capsys.readouterr().err
    assert "tweets-part9.js" in err and "more than 100 to 1" in err and "nothing was stored" in err
    assert not db.exists() or table_fingerprint(db).get("raw.snapshots", (0, ""))[0] == 0
