"""The staging and marts views over raw JSON pages, fed by hand-written pages stored with store_snapshot."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import cast

import duckdb
import pytest

from tests.builders.raw_pages import (
    CHANNEL,
    T0,
    WEEK,
    X_ACCOUNT,
    items_page,
    snapshot,
    x_photo,
    x_post,
    x_posts_page,
    x_user,
    x_video,
    yt_channel,
    yt_subscription,
    yt_thread,
    yt_video,
)
from tests.builders.warehouse import count, rows
from warehouse.db import connect, in_transaction, migrate
from warehouse.load import store_media_fingerprints, store_snapshot
from warehouse.sql_models import APPLIED_VIEW, apply_models, in_dependency_order, model_files, render

FOLLOWERS = [
    [
        x_user(
            "1600000000000000001",
            "jess_smith_mum",
            "Jess Smith",
            description="Mum of two",
            location="Anytown",
        ),
        x_user(
            "1600000000000000002",
            "alfie_p_y6",
            "Alfie P",
            description="year 6",
            protected=True,
            url="https://t.co/abc123",
            entities={
                "url": {"urls": [{"url": "https://t.co/abc123", "expanded_url": "https://alfie.example/y6"}]}
            },
        ),
    ],
    [x_user("1600000000000000003", "anytown_library", "Anytown Library", url="https://t.co/lib")],
]
FOLLOWING = [x_user("1700000000000000001", "anytown_council", "Anytown Council")]
ACCOUNT = x_user(X_ACCOUNT, "TinyLanePrimary", "Tiny Lane Primary School", description="News")
SPORTS, GARDEN, CHOIR = "3_1850000000000000112", "3_1850000000000000110", "7_1850000000000000107"
POSTS = [
    x_post("1850000000000000012", "Sports day! #TinyLane", [SPORTS], ["TinyLane"]),
    x_post("1850000000000000010", "Our garden and choir", [GARDEN, CHOIR]),
    x_post("1850000000000000009", "No pictures today"),
]
MEDIA = [x_photo(SPORTS, alt_text="Children racing"), x_photo(GARDEN), x_video(CHOIR)]
SUBSCRIBERS = ["UCsubscriber000000000001", "UCsubscriber000000000002"]


def store_week_one(con: duckdb.DuckDBPyConnection) -> None:
    as_of = WEEK[1]
    for snap in [
        snapshot("x", X_ACCOUNT, "account", [{"data": ACCOUNT}]),
        snapshot(
            "x",
            X_ACCOUNT,
            "followers",
            [{"data": FOLLOWERS[0], "meta": {"next_token": "t1"}}, {"data": FOLLOWERS[1]}],
        ),
        snapshot("x", X_ACCOUNT, "following", [{"data": FOLLOWING}]),
        snapshot("x", X_ACCOUNT, "posts", [x_posts_page(POSTS, MEDIA)], cursor=POSTS[0]["id"]),
        snapshot("youtube", CHANNEL, "channel", [items_page([yt_channel()])]),
        snapshot(
            "youtube",
            CHANNEL,
            "videos",
            [
                items_page(
                    [
                        yt_video("SportsDay01", "Sports day", "Races"),
                        yt_video("KidsSong003", "Song", made_for_kids=True),
                    ]
                )
            ],
        ),
        snapshot(
            "youtube",
            CHANNEL,
            "subscribers",
            [
                items_page(
                    [
                        yt_subscription(SUBSCRIBERS[0], "Jess Smith", "Mum"),
                        yt_subscription(SUBSCRIBERS[1], "Ray"),
                    ]
                )
            ],
        ),
        snapshot(
            "youtube",
            CHANNEL,
            "comments",
            [
                items_page(
                    [
                        yt_thread("UgThread1", "SportsDay01", SUBSCRIBERS[1], "Great race!"),
                        yt_thread("UgThread2", "SportsDay01", SUBSCRIBERS[1], "Well done"),
                    ]
                )
            ],
        ),
    ]:
        assert store_snapshot(con, snap, as_of, "run-1") is not None


def test_on_a_new_warehouse_each_model_is_made_after_its_inputs_at_the_first_attempt(db_path: Path) -> None:
    rendered = [(path, render(path)) for path in model_files()]
    ordered = in_dependency_order(rendered)
    assert sorted(ordered) == sorted(rendered)
    con = connect(db_path)
    try:
        migrate(con)
        for path, sql in ordered:
            try:
                con.execute(sql)
            except duckdb.CatalogException as error:
                pytest.fail(f"{path.parent.name}/{path.name} came before one of its inputs: {error}")
    finally:
        con.close()


def test_apply_models_creates_every_view(con: duckdb.DuckDBPyConnection) -> None:
    created = apply_models(con)  # again: every model is there, in the order they were made
    expected = {path.stem for path in model_files()}
    assert set(created) == expected and len(created) == len(expected)
    views = {
        row[0]
        for row in con.execute(
            "SELECT view_name FROM duckdb_views() WHERE schema_name IN ('staging', 'marts', 'dpo')"
        ).fetchall()
    }
    assert expected <= views
    assert {"stg_raw__current_snapshots", "stg_x__posts", "fct_audience", "fct_published_media"} <= expected


def test_models_over_an_empty_warehouse_return_no_rows(con: duckdb.DuckDBPyConnection) -> None:
    for path in model_files():
        layer = path.parent.name
        assert count(con, f"SELECT * FROM {layer}.{path.stem}") == 0


def test_x_users_from_two_follower_pages_and_the_account(con: duckdb.DuckDBPyConnection) -> None:
    store_week_one(con)
    users = rows(
        con,
        "SELECT relation, user_id, username, display_name, description, location, protected, followers_count"
        " FROM staging.stg_x__users WHERE as_of = ? ORDER BY relation, position",
        [WEEK[1]],
    )
    assert [(u["relation"], u["username"]) for u in users] == [
        ("account", "TinyLanePrimary"),
        ("follower", "jess_smith_mum"),
        ("follower", "alfie_p_y6"),
        ("follower", "anytown_library"),
        ("following", "anytown_council"),
    ]
    jess, alfie, library = users[1:4]
    assert (jess["description"], jess["location"], jess["protected"]) == ("Mum of two", "Anytown", False)
    assert alfie["protected"] is True and alfie["followers_count"] == 12
    assert (library["description"], library["location"]) == (None, None)


def test_x_posts_and_media(con: duckdb.DuckDBPyConnection) -> None:
    store_week_one(con)
    posts = rows(
        con,
        "SELECT post_id, text, media_keys, hashtags, created_at FROM staging.stg_x__posts ORDER BY post_id",
    )
    assert [(p["post_id"], p["media_keys"], p["hashtags"]) for p in posts] == [
        ("1850000000000000009", [], []),
        ("1850000000000000010", [GARDEN, CHOIR], []),
        ("1850000000000000012", [SPORTS], ["TinyLane"]),
    ]
    assert posts[0]["created_at"] is not None
    media = rows(
        con,
        "SELECT post_id, position_in_post, media_key, media_type, url, preview_image_url, alt_text"
        " FROM staging.stg_x__media ORDER BY media_key",
    )
    assert [(m["media_key"], m["post_id"], m["position_in_post"], m["media_type"]) for m in media] == [
        (GARDEN, "1850000000000000010", 1, "photo"),
        (SPORTS, "1850000000000000012", 1, "photo"),
        (CHOIR, "1850000000000000010", 2, "video"),
    ]
    garden, sports, choir = media
    assert sports["alt_text"] == "Children racing"
    assert garden["alt_text"] is None and choir["alt_text"] is None
    assert choir["url"] is None and choir["preview_image_url"].endswith(f"{CHOIR}.jpg")


def test_youtube_staging(con: duckdb.DuckDBPyConnection) -> None:
    store_week_one(con)
    (channel,) = rows(con, "SELECT * FROM staging.stg_youtube__channel")
    assert (channel["channel_id"], channel["custom_url"], channel["uploads_playlist_id"]) == (
        CHANNEL,
        "@tinylaneprimary",
        "UUtinyLane0000000000001A",
    )
    assert (channel["subscriber_count"], channel["hidden_subscriber_count"], channel["description"]) == (
        42,
        False,
        None,
    )

    videos = rows(con, "SELECT * FROM staging.stg_youtube__videos ORDER BY video_id")
    assert [(v["video_id"], v["made_for_kids"], v["description"], v["tags"]) for v in videos] == [
        ("KidsSong003", True, None, []),
        ("SportsDay01", False, "Races", ["school"]),
    ]
    assert videos[1]["thumbnail_url"] == "https://i.ytimg.com/vi/SportsDay01/hqdefault.jpg"

    subs = rows(con, "SELECT channel_id, title, description FROM staging.stg_youtube__subscribers ORDER BY 1")
    assert subs == [
        {"channel_id": SUBSCRIBERS[0], "title": "Jess Smith", "description": "Mum"},
        {"channel_id": SUBSCRIBERS[1], "title": "Ray", "description": None},
    ]
    comments = rows(
        con,
        "SELECT thread_id, video_id, author_channel_id, text FROM staging.stg_youtube__comments ORDER BY 1",
    )
    assert [(c["thread_id"], c["video_id"], c["author_channel_id"], c["text"]) for c in comments] == [
        ("UgThread1", "SportsDay01", SUBSCRIBERS[1], "Great race!"),
        ("UgThread2", "SportsDay01", SUBSCRIBERS[1], "Well done"),
    ]


def test_fct_audience(con: duckdb.DuckDBPyConnection) -> None:
    store_week_one(con)
    audience = rows(
        con,
        "SELECT platform, relation, subject_id, handle, description, subject_url, profile_url FROM marts.fct_audience"
        " WHERE as_of = ? ORDER BY platform, relation, subject_id",
        [WEEK[1]],
    )
    assert [(a["platform"], a["relation"], a["subject_id"]) for a in audience] == [
        ("x", "follower", "1600000000000000001"),
        ("x", "follower", "1600000000000000002"),
        ("x", "follower", "1600000000000000003"),
        ("x", "following", "1700000000000000001"),
        ("youtube", "commenter", SUBSCRIBERS[1]),  # two comments, one commenter
        ("youtube", "subscriber", SUBSCRIBERS[0]),
        ("youtube", "subscriber", SUBSCRIBERS[1]),
    ]
    assert audience[0]["subject_url"] == "https://x.com/jess_smith_mum"
    assert audience[2]["description"] is None
    assert audience[5]["subject_url"] == f"https://www.youtube.com/channel/{SUBSCRIBERS[0]}"
    # The website a profile links, as the person wrote it: X's expansion of its t.co link where X gives one.
    assert [a["profile_url"] for a in audience[:3]] == [None, "https://alfie.example/y6", "https://t.co/lib"]
    columns = [d[0] for d in con.execute("SELECT * FROM marts.fct_audience LIMIT 0").description]
    assert columns[:5] == ["as_of", "platform", "account_id", "relation", "subject_id"]


def test_fct_published_media_with_fingerprints(con: duckdb.DuckDBPyConnection) -> None:
    store_week_one(con)
    store_media_fingerprints(
        con,
        [
            {
                "media_ref": f"x:{SPORTS}",
                "platform": "x",
                "account_id": X_ACCOUNT,
                "url": "u",
                "sha256": "abc",
                "phash": "ff00",
            },
            {
                "media_ref": "youtube:KidsSong003",
                "platform": "youtube",
                "account_id": CHANNEL,
                "url": "u",
                "error": "HTTP 404",
            },
        ],
    )
    media = rows(
        con,
        "SELECT platform, post_id, media_ref, media_type, url, alt_text, sha256, phash, fetch_error, post_url"
        " FROM marts.fct_published_media ORDER BY media_ref",
    )
    assert len(media) == 5  # three X media, two video thumbnails
    by_ref = {m["media_ref"]: m for m in media}
    assert set(by_ref) == {
        f"x:{SPORTS}",
        f"x:{GARDEN}",
        f"x:{CHOIR}",
        "youtube:KidsSong003",
        "youtube:SportsDay01",
    }
    assert (by_ref[f"x:{SPORTS}"]["sha256"], by_ref[f"x:{SPORTS}"]["phash"]) == ("abc", "ff00")
    assert by_ref[f"x:{SPORTS}"]["post_url"] == "https://x.com/i/status/1850000000000000012"
    assert by_ref[f"x:{CHOIR}"]["url"].endswith(f"ext_tw_video_thumb/{CHOIR}.jpg")
    assert by_ref[f"x:{GARDEN}"]["sha256"] is None and by_ref[f"x:{GARDEN}"]["fetch_error"] is None
    assert by_ref["youtube:KidsSong003"]["fetch_error"] == "HTTP 404"
    assert by_ref["youtube:SportsDay01"]["url"] == "https://i.ytimg.com/vi/SportsDay01/hqdefault.jpg"


def test_a_refetched_week_supersedes_the_first_fetch(con: duckdb.DuckDBPyConnection) -> None:
    first = snapshot("x", X_ACCOUNT, "followers", [{"data": FOLLOWERS[0]}], fetched_at=T0)
    second = snapshot(
        "x", X_ACCOUNT, "followers", [{"data": FOLLOWERS[1]}], fetched_at=T0 + timedelta(hours=2)
    )
    first_id = store_snapshot(con, first, WEEK[1], "run-1")
    second_id = store_snapshot(con, second, WEEK[1], "run-2")
    assert first_id and second_id and first_id != second_id
    assert count(con, "SELECT * FROM raw.snapshots") == 2  # raw is append-only
    current = rows(
        con, "SELECT snapshot_id, run_id FROM staging.stg_raw__current_snapshots WHERE stream = 'followers'"
    )
    assert current == [{"snapshot_id": second_id, "run_id": "run-2"}]
    followers = con.execute("SELECT username FROM staging.stg_x__users WHERE as_of = ?", [WEEK[1]]).fetchall()
    assert followers == [("anytown_library",)]


def test_incremental_posts_across_two_snapshots_are_present_once_each(con: duckdb.DuckDBPyConnection) -> None:
    week_one = snapshot("x", X_ACCOUNT, "posts", [x_posts_page(POSTS[1:], MEDIA[1:])], cursor=POSTS[1]["id"])
    edited = {**POSTS[1], "text": "Our garden and choir (edited)"}
    week_two = snapshot(
        "x",
        X_ACCOUNT,
        "posts",
        [x_posts_page([POSTS[0], edited], MEDIA)],
        fetched_at=T0 + timedelta(weeks=1),
        cursor=POSTS[0]["id"],
    )
    assert store_snapshot(con, week_one, WEEK[1], "run-1")
    assert store_snapshot(con, week_two, WEEK[2], "run-2")
    posts = con.execute("SELECT post_id, text FROM staging.stg_x__posts ORDER BY post_id").fetchall()
    assert posts == [
        ("1850000000000000009", "No pictures today"),
        ("1850000000000000010", "Our garden and choir (edited)"),
        ("1850000000000000012", "Sports day! #TinyLane"),
    ]
    media = con.execute("SELECT media_key, count(*) FROM staging.stg_x__media GROUP BY 1").fetchall()
    assert sorted(media) == sorted([(GARDEN, 1), (CHOIR, 1), (SPORTS, 1)])
    assert count(con, "SELECT * FROM marts.fct_published_media WHERE platform = 'x'") == 3


def test_thumbnails_come_from_each_channels_latest_videos_fetch(con: duckdb.DuckDBPyConnection) -> None:
    other = "UCotherChannel0000000001"
    week_one = [
        snapshot("youtube", CHANNEL, "videos", [items_page([yt_video("SportsDay01", "Sports day")])]),
        snapshot("youtube", other, "videos", [items_page([yt_video("OtherVid001", "Other")])]),
    ]
    for snap in week_one:
        assert store_snapshot(con, snap, WEEK[1], "run-1")
    # Week 2: the school deleted every video on its channel; the other channel was not fetched again.
    empty = snapshot("youtube", CHANNEL, "videos", [items_page([])], fetched_at=T0 + timedelta(weeks=1))
    assert store_snapshot(con, empty, WEEK[2], "run-2")
    refs = con.execute("SELECT media_ref FROM marts.fct_published_media ORDER BY 1").fetchall()
    assert refs == [("youtube:OtherVid001",)]


def test_images_of_quoted_and_reposted_posts_count_as_the_posts_media(con: duckdb.DuckDBPyConnection) -> None:
    """A post quoting (or reposting) another carries that post's images as well as its own: the school
    republished them. A reply's parent post is not republished."""
    quoting = x_post("1850000000000000020", "Look at this", media_keys=["3_20"])
    quoting["referenced_tweets"] = [{"type": "quoted", "id": "1849000000000000001"}]
    reposting = x_post("1850000000000000021", "RT")
    reposting["referenced_tweets"] = [{"type": "retweeted", "id": "1849000000000000002"}]
    replying = x_post("1850000000000000022", "Thanks!")
    replying["referenced_tweets"] = [{"type": "replied_to", "id": "1849000000000000003"}]
    page = x_posts_page([quoting, reposting, replying], [x_photo("3_20"), x_photo("3_91"), x_photo("3_92")])
    page["includes"]["tweets"] = [
        {"id": "1849000000000000001", "text": "ours", "attachments": {"media_keys": ["3_91"]}},
        {"id": "1849000000000000002", "text": "theirs", "attachments": {"media_keys": ["3_92"]}},
        {"id": "1849000000000000003", "text": "question", "attachments": {"media_keys": ["3_93"]}},
    ]
    store_snapshot(con, snapshot("x", X_ACCOUNT, "posts", [page]), WEEK[1], "run-1")
    apply_models(con)
    keys = dict(con.execute("SELECT post_id, media_keys FROM staging.stg_x__posts").fetchall())
    assert keys == {
        "1850000000000000020": ["3_20", "3_91"],
        "1850000000000000021": ["3_92"],
        "1850000000000000022": [],
    }
    carried = con.execute("SELECT media_key, post_id FROM staging.stg_x__media ORDER BY media_key").fetchall()
    assert carried == [
        ("3_20", "1850000000000000020"),
        ("3_91", "1850000000000000020"),
        ("3_92", "1850000000000000021"),
    ]


def test_subscribers_that_could_not_be_seen(con: duckdb.DuckDBPyConnection) -> None:
    store_week_one(con)
    apply_models(con)
    (row,) = rows(con, "SELECT * FROM marts.fct_subscriber_visibility")
    # The channel says 42 subscribers; two public subscriptions were listed.
    assert (row["subscriber_count"], row["visible_subscribers"], row["unseen_subscribers"]) == (42, 2, 40)


def test_the_same_models_are_not_made_again_a_changed_or_missing_one_is(
    con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[str] = []

    class Counting:
        """The connection, counting the views it is asked to make."""

        def __getattr__(self, name: str) -> object:
            return getattr(con, name)

        def execute(self, sql: str, *args: object) -> duckdb.DuckDBPyConnection:
            if "CREATE OR REPLACE VIEW" in sql:
                made.append(sql)
            return con.execute(sql, *args)

    counting = cast(duckdb.DuckDBPyConnection, Counting())
    apply_models(counting)
    assert made == [], "the fixture's warehouse holds these very models"

    con.execute("DROP VIEW marts.fct_audience")
    apply_models(counting)
    assert len(made) > len(model_files()), "a view gone: every model made again, and their fingerprint"
    assert count(con, "SELECT * FROM marts.fct_audience") >= 0

    made.clear()
    first = model_files()[0]
    monkeypatch.setattr(
        "warehouse.sql_models.render", lambda path, *_: render(path) + ("\n" if path == first else "")
    )
    apply_models(counting)
    assert made, "a model changed: the models are made again"
    made.clear()
    apply_models(counting)
    assert made == []


def test_the_views_are_made_in_one_transaction_that_a_failure_undoes_whole(
    con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    fingerprint = con.execute(f"SELECT models FROM {APPLIED_VIEW}").fetchone()
    con.execute("DROP VIEW marts.fct_audience")
    broken = model_files()[-1]

    def rendered(path: Path, *_: object) -> str:
        return "SELEC * FROM marts.fct_audience" if path == broken else render(path)  # after it, and fails

    order = [path.stem for path, _ in in_dependency_order([(p, rendered(p)) for p in model_files()])]
    assert order.index("fct_audience") < order.index(broken.stem), (
        "the dropped view is made before the failure"
    )
    monkeypatch.setattr("warehouse.sql_models.render", rendered)
    with pytest.raises(duckdb.ParserException):
        apply_models(con)
    assert not in_transaction(con)
    made_again = con.execute(
        "SELECT count(*) FROM duckdb_views() WHERE schema_name = 'marts' AND view_name = 'fct_audience'"
    ).fetchone()
    assert made_again == (0,), "the views made before the failing one were undone with it"
    assert con.execute(f"SELECT models FROM {APPLIED_VIEW}").fetchone() == fingerprint
