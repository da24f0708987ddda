"""The marts every platform feeds are the union of each declared platform's staging model for them: a platform that
leaves a mart it must feed without a model fails here by name, and a platform declared in a test reaches every
such mart (and the DPO's list of platforms) through its declaration alone, with no mart file edited."""

from __future__ import annotations

from dataclasses import replace

import duckdb
import pytest

from platforms import NAMES, PLATFORMS, Platform, Stream
from warehouse.sql_models import (
    MODELS_DIR,
    PLATFORM_MARTS,
    PLATFORM_ROWS,
    apply_models,
    marts_to_feed,
    render,
)

STAGING = MODELS_DIR / "staging"
MARTS = MODELS_DIR / "marts"


def missing_mart_models(platform: Platform) -> list[str]:
    """What a declared platform lacks to feed the marts, one line each (empty: it feeds every one it must)."""
    name, missing = platform.name, []
    for mart in marts_to_feed(platform):
        if mart not in platform.marts:
            missing.append(
                f"{name}: names no staging model for marts.{mart}, which its streams' subjects oblige it to feed"
                " (platforms/ Platform.marts)"
            )
    for mart, model in platform.marts.items():
        if mart not in PLATFORM_MARTS:
            missing.append(f"{name}: names a model for {mart}, which is not a mart every platform feeds")
        if not model.startswith(f"stg_{name}__"):
            missing.append(
                f"{name}: its model for {mart}, {model}, is not one of its staging models (stg_{name}__*)"
            )
        elif not (STAGING / f"{model}.sql").exists():
            missing.append(f"{name}: its model for {mart} is missing: warehouse/models/staging/{model}.sql")
    return missing


@pytest.mark.parametrize("platform", PLATFORMS, ids=NAMES)
def test_each_declared_platform_feeds_every_mart_it_must(platform: Platform) -> None:
    assert missing_mart_models(platform) == []


def test_a_platform_declared_without_its_mart_models_is_told_what_it_lacks() -> None:
    """The check can fail: a platform with followers and posts and no staging models names each mart it leaves out,
    and a declared model with no file."""
    bare = Platform(
        "mastodon",
        "Mastodon",
        "post",
        (Stream("account", ("account",)), Stream("followers", ("follower",)), Stream("posts", ("post",))),
        marts={"fct_audience": "stg_mastodon__audience"},
    )
    lacking = "\n".join(missing_mart_models(bare))
    for mart in PLATFORM_MARTS.keys() - {"fct_audience"}:
        assert f"names no staging model for marts.{mart}" in lacking
    assert "missing: warehouse/models/staging/stg_mastodon__audience.sql" in lacking
    posts_only = replace(bare, streams=(Stream("posts", ("post",)),), marts={})
    assert set(marts_to_feed(posts_only)) == {
        "fct_published_media",
        "fct_published_text",
        "fct_subjects_present",
    }


def test_the_marts_every_platform_feeds_are_the_ones_whose_sql_takes_their_rows() -> None:
    placed = {
        path.stem for path in MARTS.glob("*.sql") if PLATFORM_ROWS.search(path.read_text(encoding="utf-8"))
    }
    assert placed == set(PLATFORM_MARTS)


def test_a_mart_no_platform_feeds_is_an_error_not_an_empty_view() -> None:
    with pytest.raises(RuntimeError, match="no platform names a staging model"):
        render(MARTS / "fct_audience.sql", [replace(p, marts={}) for p in PLATFORMS])


# A read-only platform's staging models, one row each in its mart's columns: what the platform's own
# warehouse/models/staging/stg_mastodon__*.sql would give from its snapshots.
MASTODON_MODELS = {
    "fct_audience": """
        SELECT DATE '2026-01-05' AS as_of, 'mastodon' AS platform, 'acct-1' AS account_id, 'follower' AS relation,
            'm-42' AS subject_id, 'alfie_y6' AS handle, 'Alfie' AS display_name, 'Year 6' AS description,
            NULL::VARCHAR AS location, NULL::TIMESTAMP AS created_at, NULL::BOOLEAN AS protected,
            'https://school.social/@alfie_y6' AS subject_url, NULL::VARCHAR AS profile_url""",
    "fct_official_account_settings": """
        SELECT 'mastodon' AS platform, 'acct-1' AS account_id, DATE '2026-01-05' AS as_of, 'acct-1' AS platform_id,
            'tinylane' AS handle, 'Tiny Lane Primary' AS display_name, NULL::VARCHAR AS description,
            false AS protected""",
    "fct_published_media": """
        SELECT 'mastodon' AS platform, 'acct-1' AS account_id, 'toot-1' AS post_id, 'img-1' AS media_key,
            'mastodon:img-1' AS media_ref, 'photo' AS media_type, NULL::VARCHAR AS url, NULL::VARCHAR AS alt_text,
            TIMESTAMP '2026-01-02 10:00' AS published_at, 'https://school.social/@tinylane/1' AS post_url,
            'Sports day' AS post_text""",
    "fct_published_text": """
        SELECT 'mastodon' AS platform, 'acct-1' AS account_id, 'post' AS subject_kind, 'toot-1' AS subject_id,
            'https://school.social/@tinylane/1' AS subject_url, 'Sports day' AS label_text, true AS carries_media,
            'text' AS field, 'Sports day' AS value, 0 AS field_order, 1 AS value_position,
            NULL::VARCHAR AS media_key, NULL::DOUBLE[] AS word_confidences""",
    "fct_subjects_present": """
        SELECT DATE '2026-01-05' AS as_of, 'mastodon' AS platform, 'acct-1' AS account_id, 'post' AS subject_kind,
            'toot-1' AS subject_id""",
}
MASTODON = Platform(
    "mastodon",
    "Mastodon",
    "post",
    (Stream("account", ("account",)), Stream("followers", ("follower",)), Stream("posts", ("post",))),
    marts={mart: f"stg_mastodon__{mart.removeprefix('fct_')}" for mart in MASTODON_MODELS},
)


def test_a_platform_declared_with_its_staging_models_reaches_every_mart_without_a_mart_edited(
    con: duckdb.DuckDBPyConnection,
) -> None:
    for mart, select in MASTODON_MODELS.items():
        con.execute(f"CREATE VIEW staging.{MASTODON.marts[mart]} AS {select}")
    marts_before = {path.name: path.read_bytes() for path in MARTS.glob("*.sql")}

    apply_models(con)  # not declared: its models are there, the marts do not read them
    assert all(not mastodon_rows(con, mart) for mart in PLATFORM_MARTS)

    apply_models(con, (*PLATFORMS, MASTODON))
    assert {mart: mastodon_rows(con, mart) for mart in PLATFORM_MARTS} == {
        "fct_audience": [("follower", "m-42", "alfie_y6")],
        "fct_official_account_settings": [("acct-1", "tinylane", "Tiny Lane Primary")],
        "fct_published_media": [("toot-1", "mastodon:img-1", None)],
        "fct_published_text": [("toot-1", "text", "Sports day")],
        "fct_subjects_present": [("post", "toot-1", "acct-1")],
    }
    assert dpo_comment(con, "exceptions", "platform") == "x, youtube, facebook, instagram or mastodon."
    assert "; mastodon: account, followers, posts; media:" in dpo_comment(con, "partial_audits", "stream")
    assert {path.name: path.read_bytes() for path in MARTS.glob("*.sql")} == marts_before


def mastodon_rows(con: duckdb.DuckDBPyConnection, mart: str) -> list[tuple[object, ...]]:
    picked = {
        "fct_audience": "relation, subject_id, handle",
        "fct_official_account_settings": "platform_id, handle, display_name",
        "fct_published_media": "post_id, media_ref, sha256",
        "fct_published_text": "subject_id, field, value",
        "fct_subjects_present": "subject_kind, subject_id, account_id",
    }[mart]
    return con.execute(
        f"SELECT {picked} FROM marts.{mart} WHERE platform = 'mastodon' ORDER BY ALL"
    ).fetchall()


def dpo_comment(con: duckdb.DuckDBPyConnection, view: str, column: str) -> str:
    (comment,) = con.execute(
        "SELECT comment FROM duckdb_columns() WHERE schema_name = 'dpo' AND table_name = ? AND column_name = ?",
        [view, column],
    ).fetchone() or (None,)
    return str(comment)
