"""Reading the X account archive: the variants real archives have, and refusals that name the file and why."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from connectors.x_archive import ArchiveRefused, XArchive, read_archive, to_api_post

ACCOUNT_ID = "1580000000000000001"


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 12), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


def js(name: str, value: Any) -> bytes:
    return f"window.YTD.{name}.part0 = {json.dumps(value)}".encode()


def account_js(account_id: str = ACCOUNT_ID) -> bytes:
    return js(
        "account", [{"account": {"accountId": account_id, "username": "TinyLane", "accountDisplayName": "T"}}]
    )


def tweet(
    post_id: str, text: str = "Sports day", media: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    post: dict[str, Any] = {
        "id_str": post_id,
        "id": post_id,
        "full_text": text,
        "created_at": "Wed Oct 10 20:19:24 +0000 2018",
        "favorite_count": "2",
        "entities": {
            "hashtags": [{"text": "SportsDay", "indices": ["11", "21"]}],
            "user_mentions": [],
            "urls": [],
        },
    }
    if media:
        post["extended_entities"] = {"media": media}
        post["entities"]["media"] = media[:1]
    return post


def photo(media_id: str, name: str, kind: str = "photo", folder: str = "media") -> dict[str, Any]:
    return {
        "id_str": media_id,
        "type": kind,
        "media_url_https": f"https://pbs.twimg.com/{folder}/{name}",
        "sizes": {"large": {"w": "1200", "h": "900"}},
    }


def make_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def read(path: Path, account_id: str = ACCOUNT_ID, held: frozenset[str] = frozenset()) -> Any:
    with XArchive(path) as archive:
        contents = read_archive(archive, account_id, held)
        images = {m.media_key: archive.image(m) for m in contents.media}
    return contents, images


def test_posts_become_api_posts_with_the_apis_media_keys_and_images_from_the_zip(tmp_path: Path) -> None:
    image = jpeg()
    posts = [
        {"tweet": tweet("1001", media=[photo("501", "AbC.jpg"), photo("502", "DeF.jpg")])},
        {"tweet": tweet("1002", media=[photo("503", "x.jpg", "video", "ext_tw_video_thumb/503/pu/img")])},
        {"tweet": tweet("1003", media=[photo("504", "y.jpg", "animated_gif", "tweet_video_thumb")])},
        {"tweet": tweet("1004", media=[photo("505", "z.jpg", "video", "amplify_video_thumb/505/img")])},
    ]
    path = make_zip(
        tmp_path / "a.zip",
        {
            "data/account.js": account_js(),
            "data/tweets.js": js("tweets", posts),
            "data/tweets_media/1001-AbC.jpg": image,
            "data/direct-messages.js": b"never read",
        },
    )
    contents, images = read(path)
    newest_first = [p["id"] for p in contents.pages[0].items]
    assert newest_first == ["1004", "1003", "1002", "1001"]
    first = contents.pages[0].items[-1]
    assert first["text"] == "Sports day"
    assert first["created_at"] == "2018-10-10T20:19:24.000Z"
    assert first["author_id"] == ACCOUNT_ID
    assert first["attachments"] == {"media_keys": ["3_501", "3_502"]}
    assert first["entities"]["hashtags"] == [{"start": 11, "end": 21, "tag": "SportsDay"}]
    keys = {m["media_key"]: m for m in contents.pages[0].payload["includes"]["media"]}
    assert set(keys) == {"3_501", "3_502", "7_503", "16_504", "13_505"}
    assert keys["3_501"]["url"] == "https://pbs.twimg.com/media/AbC.jpg"
    assert keys["7_503"]["preview_image_url"].endswith("x.jpg")
    assert "alt_text" not in keys["3_501"]
    assert images["3_501"] == image and images["3_502"] is None  # not in the archive: the run fetches it
    # the archive's own objects are kept beside the API shape
    assert contents.pages[0].payload["archive"][-1]["tweet"]["id_str"] == "1001"
    assert contents.snapshot().source == "archive"


def test_parts_bare_objects_a_manifest_and_a_re_zipped_folder_all_read(tmp_path: Path) -> None:
    manifest = {
        "dataTypes": {
            "tweets": {"files": [{"fileName": "data/tweets.js"}, {"fileName": "data/tweets-part1.js"}]}
        }
    }
    path = make_zip(
        tmp_path / "b.zip",
        {
            "twitter-2026-11-20-abc/data/account.js": account_js(),
            "twitter-2026-11-20-abc/data/manifest.js": f"window.__THAR_CONFIG = {json.dumps(manifest)}".encode(),
            "twitter-2026-11-20-abc/data/tweets.js": js("tweets", [tweet("2001")]),
            "twitter-2026-11-20-abc/data/tweets-part1.js": b"window.YTD.tweets.part1 = "
            + json.dumps([tweet("2002"), tweet("2001")]).encode()
            + b";\n",
            "twitter-2026-11-20-abc/data/tweets-part2.js": js("tweets", [{"tweet": tweet("2003")}]),
        },
    )
    contents, _ = read(path)
    assert [p["id"] for p in contents.pages[0].items] == ["2003", "2002", "2001"]
    assert contents.files == ["data/tweets.js", "data/tweets-part1.js", "data/tweets-part2.js"]
    assert contents.n_read == 4


def test_posts_already_held_are_not_read_again(tmp_path: Path) -> None:
    path = make_zip(
        tmp_path / "c.zip",
        {"data/account.js": account_js(), "data/tweets.js": js("tweets", [tweet("3001"), tweet("3002")])},
    )
    contents, _ = read(path, held=frozenset({"3001", "3002"}))
    assert contents.pages == [] and contents.n_read == 2


def test_pages_hold_at_most_a_hundred_posts(tmp_path: Path) -> None:
    posts = [tweet(str(4000 + n)) for n in range(250)]
    path = make_zip(
        tmp_path / "d.zip", {"data/account.js": account_js(), "data/tweets.js": js("tweets", posts)}
    )
    contents, _ = read(path)
    assert [len(p.items) for p in contents.pages] == [100, 100, 50]


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({"data/tweets.js": js("tweets", [])}, "no data/account.js"),
        ({"data/account.js": account_js()}, "no data/tweets.js"),
        (
            {"data/account.js": account_js("999"), "data/tweets.js": js("tweets", [])},
            "not 1580000000000000001",
        ),
        (
            {"data/account.js": account_js(), "data/tweets.js": b"window.YTD.tweets.part0 = [{"},
            "data/tweets.js",
        ),
        ({"data/account.js": account_js(), "data/tweets.js": b"var x = []"}, "does not start with"),
        (
            {
                "data/account.js": account_js(),
                "data/tweets.js": js("tweets", [{"tweet": {"full_text": "x"}}]),
            },
            "no numeric id_str",
        ),
        (
            {
                "data/account.js": account_js(),
                "data/tweets.js": js("tweets", [tweet("5", media=[{"id_str": "9", "type": "photo"}])]),
            },
            "media_url_https",
        ),
    ],
)
def test_what_would_make_findings_wrong_is_refused_naming_the_file(
    tmp_path: Path, members: dict[str, bytes], message: str
) -> None:
    path = make_zip(tmp_path / "bad.zip", members)
    with pytest.raises(ArchiveRefused, match=message):
        read(path)


def test_not_a_zip_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "archive.zip"
    path.write_bytes(b"not a zip")
    with pytest.raises(ArchiveRefused, match="not a readable ZIP"):
        XArchive(path)


def test_members_outside_the_archive_are_never_used_and_oversized_images_are_refused(tmp_path: Path) -> None:
    path = make_zip(
        tmp_path / "e.zip",
        {
            "data/account.js": account_js(),
            "data/tweets.js": js("tweets", [tweet("6001", media=[photo("601", "p.jpg")])]),
            "data/tweets_media/../../../etc/6001-p.jpg": jpeg(),
        },
    )
    contents, images = read(path)
    assert images == {"3_601": None}
    big = make_zip(
        tmp_path / "f.zip",
        {
            "data/account.js": account_js(),
            "data/tweets.js": js("tweets", [tweet("6002", media=[photo("602", "q.jpg")])]),
            "data/tweets_media/6002-q.jpg": b"\0" * 5000,
        },
    )
    with XArchive(big, max_media_bytes=1000) as archive:
        contents = read_archive(archive, ACCOUNT_ID)
        with pytest.raises(ArchiveRefused, match="over the 1000 limit"):
            archive.image(contents.media[0])


def test_alt_text_is_kept_when_an_export_carries_it() -> None:
    item = {**photo("701", "r.jpg"), "ext_alt_text": "Children on the field"}
    post, media = to_api_post(tweet("7001", media=[item]), ACCOUNT_ID, "data/tweets.js")
    assert media[0]["alt_text"] == "Children on the field"
    assert post["attachments"]["media_keys"] == ["3_701"]


def test_only_the_latest_version_of_an_edited_post_is_read(tmp_path: Path) -> None:
    first = {**tweet("8001", "Meet Jo Bloggs"), "edit_info": {"initial": {"editTweetIds": ["8001", "8002"]}}}
    edited = {
        **tweet("8002", "Meet our new coach"),
        "edit_info": {
            "edit": {"initialTweetId": "8001", "editControlInitial": {"editTweetIds": ["8001", "8002"]}}
        },
    }
    plain = {**tweet("8003"), "edit_info": {"initial": {"editTweetIds": ["8003"]}}}
    path = make_zip(
        tmp_path / "g.zip",
        {"data/account.js": account_js(), "data/tweets.js": js("tweets", [first, edited, plain])},
    )
    contents, _ = read(path)
    posts = {p["id"]: p for p in contents.pages[0].items}
    assert set(posts) == {"8002", "8003"}
    assert posts["8002"]["edit_history_tweet_ids"] == ["8001", "8002"]


def test_a_partial_archive_is_refused(tmp_path: Path) -> None:
    manifest = b'window.__THAR_CONFIG = {"archiveInfo": {"isPartialArchive": true}, "dataTypes": {}}'
    path = make_zip(
        tmp_path / "partial.zip",
        {
            "data/account.js": account_js(),
            "data/tweets.js": js("tweets", [{"tweet": tweet("1001")}]),
            "data/manifest.js": manifest,
        },
    )
    with pytest.raises(ArchiveRefused, match="isPartialArchive"):
        read(path)


def test_long_posts_get_their_whole_text_and_deleted_posts_are_listed(tmp_path: Path) -> None:
    whole = "Our Year 6 leavers' assembly was wonderful. " * 8 + "Thank you Eleanor Brown!"
    cut = whole[:270] + "… https://t.co/abcdef"
    by_id = "Spring fair " * 30 + "raffle winner Alfie Price"
    notes = [
        # Matched by its text and time (X documents no key joining a note to its post).
        {
            "noteTweet": {
                "noteTweetId": "77001",
                "createdAt": "2018-10-10T20:19:30.000Z",
                "core": {"text": whole},
            }
        },
        # Matched by id where the note carries its post's.
        {
            "noteTweet": {
                "noteTweetId": "1003",
                "createdAt": "2018-10-10T20:19:24.000Z",
                "core": {"text": by_id},
            }
        },
        # Matches nothing: counted, left out.
        {
            "noteTweet": {
                "noteTweetId": "77002",
                "createdAt": "2020-01-01T00:00:00.000Z",
                "core": {"text": "x " * 200},
            }
        },
    ]
    deleted = [{"tweet": {**tweet("999"), "deleted_at": "Mon Nov 02 10:00:00 +0000 2026"}}]
    path = make_zip(
        tmp_path / "long.zip",
        {
            "data/account.js": account_js(),
            "data/tweets.js": js(
                "tweets", [{"tweet": tweet("1002", cut)}, {"tweet": tweet("1003", by_id[:275])}]
            ),
            "data/note-tweet.js": js("note_tweet", notes),
            "data/deleted-tweets.js": js("deleted_tweets", deleted),
        },
    )
    contents, _ = read(path)
    posts = {p["id"]: p for p in contents.pages[0].items}
    assert posts["1002"]["note_tweet"]["text"] == whole
    assert posts["1003"]["note_tweet"]["text"] == by_id
    assert contents.unmatched_notes == 1
    snapshot = contents.deleted_snapshot()
    assert snapshot is not None and snapshot.stream == "deleted_posts"
    assert [d["id"] for d in snapshot.items] == ["999"]


def test_a_packed_bomb_is_refused_before_anything_is_unpacked(tmp_path: Path) -> None:
    """A few hundred KB that would unpack to 200 MB of tweets.js: refused from the ZIP's directory alone."""
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data/account.js", account_js())
        with archive.open("data/tweets.js", "w", force_zip64=True) as member:
            member.write(b"window.YTD.tweets.part0 = [")
            for _ in range(200):
                member.write(b" " * (1024 * 1024))
            member.write(b"]")
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(ArchiveRefused, match="more than 100 to 1"):
        XArchive(path)


def test_an_archive_is_never_unpacked_past_its_allowance(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from connectors import zip_limits

    path = make_zip(tmp_path / "a.zip", {"data/account.js": account_js(), "data/tweets.js": js("tweets", [])})
    with XArchive(path) as archive:
        # The directory said it was fine; the members then unpack past what the archive may unpack in all.
        monkeypatch.setattr(zip_limits, "MAX_TOTAL_BYTES", 40)
        with pytest.raises(ArchiveRefused, match=r"unpacks to more than .* nothing was stored"):
            read_archive(archive, ACCOUNT_ID)
