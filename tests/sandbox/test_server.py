"""The sandbox server, exercised through the real tweepy and google-api-python-client code paths."""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests
import tweepy
from googleapiclient.errors import HttpError

from sandbox.server import FAULTS_ENV, Fault, FaultPlan, RequestRecord, SandboxServer
from tests.builders.dataset_contract import assert_dataset_meets_the_contract
from tests.builders.sandbox_clients import (
    api_key,
    make_x_client,
    make_youtube,
    x_keys,
    x_signed_request,
)
from tests.builders.tiny_dataset import (
    CHANNEL_HANDLE,
    CHANNEL_ID,
    CHOIR_POST_ID,
    FOLLOWER_IDS,
    FOLLOWING_IDS,
    MEDIA_BY_POST,
    PHOTO_GARDEN_A,
    PHOTO_SPORTS,
    POST_IDS,
    REPLY_POST_ID,
    SCHOOL_NAME,
    SUBSCRIBER_CHANNEL_IDS,
    THREAD_IDS,
    UPLOADS_PLAYLIST_ID,
    VIDEO_CHOIR,
    VIDEO_NATIVITY,
    VIDEO_SONG,
    VIDEO_SPORTS,
    X_ACCOUNT_ID,
    X_HANDLE,
    build_tiny_dataset,
)

REPO = Path(__file__).resolve().parents[2]
StartServer = Callable[..., SandboxServer]


def x_get(server: SandboxServer, path: str, **params: str) -> requests.Response:
    """Signed with the tiny account's keys (OAuth 1.0a over api.twitter.com, as tweepy signs)."""
    return x_signed_request(server, "GET", path, params, timeout=5)


def yt_get(server: SandboxServer, resource: str, **params: str) -> requests.Response:
    if params.get("key") == "<api key>":
        params = {**params, "key": api_key(server)}
    return requests.get(f"{server.url}/youtube/v3/{resource}", params=params, timeout=5)


def reason_of(error: HttpError) -> str:
    return error.error_details[0]["reason"]


# ------------------------------------------------------------------------------------------ the fixture


def test_tiny_dataset_meets_the_dataset_contract(tiny_dataset: Path) -> None:
    assert_dataset_meets_the_contract(tiny_dataset)


# ----------------------------------------------------------------------------------------------- X API


def test_get_me_returns_the_account_with_only_the_requested_fields(sandbox: SandboxServer) -> None:
    client = make_x_client(sandbox)
    me = client.get_me(user_fields=["created_at", "protected"])
    assert set(me.data.data) == {"id", "name", "username", "created_at", "protected"}
    assert me.data.id == int(X_ACCOUNT_ID)
    assert me.data.username == X_HANDLE
    bare = make_x_client(sandbox, dict).get_me()
    assert set(bare["data"]) == {"id", "name", "username"}


def test_followers_page_through_tweepy_paginator(sandbox: SandboxServer) -> None:
    client = make_x_client(sandbox)
    sandbox.clear_requests()
    pages = list(
        tweepy.Paginator(
            client.get_users_followers,
            X_ACCOUNT_ID,
            max_results=3,
            user_fields=["description"],
            user_auth=True,
        )
    )
    assert [page.meta["result_count"] for page in pages] == [3, 3, 1]
    assert "next_token" not in pages[-1].meta
    users = [user for page in pages for user in page.data]
    assert [str(user.id) for user in users] == FOLLOWER_IDS
    for user in users:
        assert set(user.data) <= {"id", "name", "username", "description"}
    assert "description" not in users[2].data  # absent in the dataset, so absent in the answer

    calls = [r for r in sandbox.requests if r.route == "x.followers"]
    assert [r.status for r in calls] == [200, 200, 200]
    assert "pagination_token" not in calls[0].query
    assert calls[1].query["pagination_token"] == pages[0].meta["next_token"]
    assert calls[0].query["max_results"] == "3"


def test_following_and_user_lookup(sandbox: SandboxServer) -> None:
    client = make_x_client(sandbox)
    following = client.get_users_following(X_ACCOUNT_ID, user_auth=True)
    assert [str(u.id) for u in following.data] == FOLLOWING_IDS
    assert following.meta == {"result_count": 2}

    follower = client.get_user(id=FOLLOWER_IDS[3], user_fields=["description"], user_auth=True)
    assert follower.data.username == "mr_jones_teach"
    assert set(follower.data.data) == {"id", "name", "username", "description"}

    missing = make_x_client(sandbox, dict).get_user(id="1999999999999999999", user_auth=True)
    assert "data" not in missing
    assert missing["errors"][0]["title"] == "Not Found Error"


def test_user_lookups_by_username_and_in_batches(sandbox: SandboxServer) -> None:
    client = make_x_client(sandbox, dict)
    assert client.get_user(username="MR_JONES_TEACH", user_auth=True)["data"]["id"] == FOLLOWER_IDS[3]
    batch = client.get_users(ids=[FOLLOWER_IDS[0], "1999999999999999999"], user_auth=True)
    assert [user["id"] for user in batch["data"]] == [FOLLOWER_IDS[0]]
    assert batch["errors"][0]["value"] == "1999999999999999999"
    by_name = client.get_users(usernames=[X_HANDLE, "anytown_fc"], user_fields=["location"], user_auth=True)
    assert [set(user) for user in by_name["data"]] == [{"id", "name", "username", "location"}] * 2
    with pytest.raises(tweepy.BadRequest):
        client.get_user(username="not a handle!", user_auth=True)


def test_tweets_since_id_with_media_expansion_and_field_selection(sandbox: SandboxServer) -> None:
    client = make_x_client(sandbox)
    since_id = POST_IDS[8]  # the ninth newest: eight posts are newer
    pages = list(
        tweepy.Paginator(
            client.get_users_tweets,
            X_ACCOUNT_ID,
            max_results=5,
            since_id=since_id,
            expansions=["attachments.media_keys"],
            media_fields=["url", "alt_text"],
            tweet_fields=["created_at"],
            user_auth=True,
        )
    )
    posts = [post for page in pages for post in page.data]
    assert [str(post.id) for post in posts] == POST_IDS[:8]
    assert [page.meta["result_count"] for page in pages] == [5, 3]
    assert pages[0].meta["newest_id"] == POST_IDS[0] and pages[0].meta["oldest_id"] == POST_IDS[4]
    assert "next_token" not in pages[-1].meta
    for post in posts:
        assert set(post.data) <= {"id", "text", "edit_history_tweet_ids", "created_at", "attachments"}
        assert {"id", "text", "edit_history_tweet_ids", "created_at"} <= set(post.data)

    for page in pages:
        referenced = [key for post in page.data for key in (post.attachments or {}).get("media_keys", [])]
        included = [media.media_key for media in page.includes.get("media", [])]
        assert included == referenced  # only the media of this page, each once
    first_page_media = {m.media_key: m.data for m in pages[0].includes["media"]}
    assert set(first_page_media) == {PHOTO_SPORTS, *MEDIA_BY_POST["1850000000000000010"]}
    assert set(first_page_media[PHOTO_SPORTS]) == {"media_key", "type", "url", "alt_text"}
    garden_a = first_page_media[PHOTO_GARDEN_A]
    assert garden_a["url"].startswith("https://pbs.twimg.com/media/")
    video_page = pages[1].includes["media"][0].data
    assert video_page == {"media_key": VIDEO_CHOIR, "type": "video"}  # no url for a video; preview not asked


def test_tweets_without_expansion_carry_no_attachments_or_includes(sandbox: SandboxServer) -> None:
    body = make_x_client(sandbox, dict).get_users_tweets(X_ACCOUNT_ID, max_results=100, user_auth=True)
    assert [post["id"] for post in body["data"]] == POST_IDS
    assert "includes" not in body
    assert all(set(post) == {"id", "text", "edit_history_tweet_ids"} for post in body["data"])
    assert body["meta"] == {"result_count": 12, "newest_id": POST_IDS[0], "oldest_id": POST_IDS[-1]}


def test_tweets_newer_than_the_newest_is_an_empty_meta_only_answer(sandbox: SandboxServer) -> None:
    body = make_x_client(sandbox, dict).get_users_tweets(X_ACCOUNT_ID, since_id=POST_IDS[0], user_auth=True)
    assert body == {"meta": {"result_count": 0}}


def test_tweets_until_id_and_exclude_replies(sandbox: SandboxServer) -> None:
    client = make_x_client(sandbox, dict)
    older = client.get_users_tweets(X_ACCOUNT_ID, until_id=POST_IDS[9], user_auth=True)
    assert [p["id"] for p in older["data"]] == POST_IDS[10:]
    no_replies = client.get_users_tweets(X_ACCOUNT_ID, max_results=100, exclude=["replies"], user_auth=True)
    assert REPLY_POST_ID not in [p["id"] for p in no_replies["data"]]
    assert no_replies["meta"]["result_count"] == 11


@pytest.mark.parametrize(
    ("method", "max_results"),
    [
        ("get_users_tweets", 4),
        ("get_users_tweets", 101),
        ("get_users_followers", 0),
        ("get_users_following", 1001),
    ],
)
def test_out_of_range_max_results_is_a_400(sandbox: SandboxServer, method: str, max_results: int) -> None:
    client = make_x_client(sandbox)
    with pytest.raises(tweepy.BadRequest) as raised:
        getattr(client, method)(X_ACCOUNT_ID, max_results=max_results, user_auth=True)
    body = raised.value.response.json()
    assert body["title"] == "Invalid Request"
    assert "max_results" in body["errors"][0]["parameters"]


@pytest.mark.parametrize("token", ["not-a-token", "WyJmb2xsb3dlcnM6MSIsM10", "e30"])
def test_bad_pagination_token_is_a_400(sandbox: SandboxServer, token: str) -> None:
    client = make_x_client(sandbox)
    with pytest.raises(tweepy.BadRequest, match="pagination_token"):
        client.get_users_followers(X_ACCOUNT_ID, pagination_token=token, user_auth=True)


def test_a_token_of_another_stream_is_refused(sandbox: SandboxServer) -> None:
    client = make_x_client(sandbox, dict)
    followers_token = client.get_users_followers(X_ACCOUNT_ID, max_results=2, user_auth=True)["meta"][
        "next_token"
    ]
    with pytest.raises(tweepy.BadRequest):
        client.get_users_tweets(X_ACCOUNT_ID, pagination_token=followers_token, user_auth=True)


def test_unknown_field_and_bad_id_are_400s(sandbox: SandboxServer) -> None:
    client = make_x_client(sandbox)
    with pytest.raises(tweepy.BadRequest, match=r"user\.fields"):
        client.get_users_followers(X_ACCOUNT_ID, user_fields=["shoe_size"], user_auth=True)
    assert x_get(sandbox, "/2/users/not-a-number/followers").status_code == 400
    assert x_get(sandbox, "/2/users/me", colour="blue").status_code == 400


def test_x_requires_an_authorization_header(sandbox: SandboxServer) -> None:
    response = requests.get(sandbox.url + "/2/users/me", timeout=5)
    assert response.status_code == 401
    assert response.json() == {
        "title": "Unauthorized",
        "detail": "Unauthorized",
        "type": "about:blank",
        "status": 401,
    }
    basic = requests.get(sandbox.url + "/2/users/me", headers={"Authorization": "Basic eDp5"}, timeout=5)
    assert basic.status_code == 401


def test_successful_x_responses_carry_rate_limit_headers(sandbox: SandboxServer) -> None:
    response = make_x_client(sandbox, requests.Response).get_users_followers(X_ACCOUNT_ID, user_auth=True)
    assert response.headers["x-rate-limit-limit"] == "300"
    assert 0 <= int(response.headers["x-rate-limit-remaining"]) < 300
    assert int(response.headers["x-rate-limit-reset"]) > time.time()


def test_only_the_newest_3200_posts_are_reachable(tmp_path: Path) -> None:
    dataset = build_tiny_dataset(tmp_path / "many")
    posts_file = dataset / "x" / X_HANDLE / "posts.json"
    posts = [
        {"id": str(1900000000000000000 + n), "text": f"post {n}", "edit_history_tweet_ids": []}
        for n in range(3300, 0, -1)
    ]
    posts_file.write_text(json.dumps({"data": posts, "includes": {"media": []}}), encoding="utf-8")
    with SandboxServer(dataset) as server:
        client = make_x_client(server, dict)
        seen = [
            post["id"]
            for page in tweepy.Paginator(
                client.get_users_tweets, X_ACCOUNT_ID, max_results=100, user_auth=True
            )
            for post in page.get("data", [])
        ]
    assert len(seen) == 3200
    assert seen[0] == posts[0]["id"] and seen[-1] == posts[3199]["id"]


# -------------------------------------------------------------------- several accounts on each platform

SPORT_HANDLE, SPORT_ID = "TinyLaneSport", "1580000000000000002"
SPORT_FOLLOWER_ID = "1600000000000000101"  # follows only the sports account
SPORT_POST_ID, SPORT_PHOTO = "1860000000000000001", "3_1860000000000000101"
SPORT_CHANNEL_ID = "UCtinyLaneSport00000002A"
SPORT_UPLOADS = "UUtinyLaneSport00000002A"
SPORT_VIDEO = "SportVid001"
SPORT_SUBSCRIBERS = ["UCsportsub00000000000001", "UCsportsub00000000000002"]


def _add_sports_accounts(dataset: Path) -> Path:
    """A second X account (its followers partly the main account's) and a second YouTube channel."""
    x_dir = dataset / "x" / SPORT_HANDLE
    main = json.loads((dataset / "x" / X_HANDLE / "account.json").read_text(encoding="utf-8"))
    shared = [
        u
        for u in json.loads((dataset / "x" / X_HANDLE / "followers.json").read_text(encoding="utf-8"))
        if u["id"] in (FOLLOWER_IDS[1], FOLLOWER_IDS[3])
    ]
    own = {"id": SPORT_FOLLOWER_ID, "name": "Sports Dad", "username": "sports_dad", "protected": False}
    files: dict[Path, object] = {
        x_dir / "account.json": {"id": SPORT_ID, "name": "Tiny Lane Sport", "username": SPORT_HANDLE},
        x_dir / "followers.json": [own, *shared],
        x_dir / "following.json": [main],
        x_dir / "posts.json": {
            "data": [
                {
                    "id": SPORT_POST_ID,
                    "text": "Sports day! ⚽",
                    "created_at": "2026-07-10T15:00:00.000Z",
                    "attachments": {"media_keys": [SPORT_PHOTO]},
                }
            ],
            "includes": {
                "media": [
                    {
                        "media_key": SPORT_PHOTO,
                        "type": "photo",
                        "url": f"https://pbs.twimg.com/media/{SPORT_PHOTO}.jpg",
                    }
                ]
            },
        },
    }
    yt_dir = dataset / "youtube" / SPORT_CHANNEL_ID
    video_snippet = {
        "channelId": SPORT_CHANNEL_ID,
        "title": "Cross-country",
        "publishedAt": "2026-10-01T16:00:00Z",
    }
    files.update(
        {
            yt_dir / "channel.json": {
                "kind": "youtube#channel",
                "id": SPORT_CHANNEL_ID,
                "snippet": {"title": "Tiny Lane Sport", "customUrl": "@tinylanesport"},
                "contentDetails": {"relatedPlaylists": {"uploads": SPORT_UPLOADS}},
            },
            yt_dir / "videos.json": [
                {
                    "kind": "youtube#video",
                    "id": SPORT_VIDEO,
                    "snippet": {
                        **video_snippet,
                        "thumbnails": {
                            "high": {"url": f"https://i.ytimg.com/vi/{SPORT_VIDEO}/hqdefault.jpg"}
                        },
                    },
                    "status": {"madeForKids": False},
                }
            ],
            yt_dir / "subscribers.json": [
                {"kind": "youtube#subscription", "id": f"sub{n}", "subscriberSnippet": {"channelId": channel}}
                for n, channel in enumerate(SPORT_SUBSCRIBERS)
            ],
            yt_dir / "comment_threads.json": [
                {
                    "kind": "youtube#commentThread",
                    "id": "UgSportThread1",
                    "snippet": {
                        "channelId": SPORT_CHANNEL_ID,
                        "videoId": SPORT_VIDEO,
                        "topLevelComment": {
                            "kind": "youtube#comment",
                            "id": "UgSportThread1",
                            "snippet": {"videoId": SPORT_VIDEO, "textDisplay": "Well played!"},
                        },
                    },
                }
            ],
        }
    )
    for path, value in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    for folder, name in (
        (x_dir / "media", f"{SPORT_PHOTO}.jpg"),
        (yt_dir / "thumbnails", f"{SPORT_VIDEO}.jpg"),
    ):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(b"\xff\xd8" + name.encode() + b"\xff\xd9")
    with (dataset / "school.toml").open("a", encoding="utf-8") as toml:
        for platform, handle, account_id in (
            ("x", SPORT_HANDLE, SPORT_ID),
            ("youtube", "@tinylanesport", SPORT_CHANNEL_ID),
        ):
            toml.write(
                f'\n[[accounts]]\nplatform = "{platform}"\nhandle = "{handle}"\nid = "{account_id}"\n'
                'approved_by = "Headteacher"\napproved_on = 2025-09-01\n'
            )
    return dataset


@pytest.fixture(scope="module")
def two_accounts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    dataset = _add_sports_accounts(build_tiny_dataset(tmp_path_factory.mktemp("two") / "dataset"))
    with SandboxServer(dataset) as server:
        yield server


def x_client_as(server: SandboxServer, access_token: str) -> tweepy.Client:
    client = make_x_client(server, dict)
    client.access_token = access_token
    return client


def status_of(call: Callable[[], object]) -> int:
    try:
        call()
    except tweepy.HTTPException as error:
        return int(error.response.status_code)
    return 200


def test_the_two_account_dataset_meets_the_dataset_contract(two_accounts: SandboxServer) -> None:
    assert_dataset_meets_the_contract(two_accounts.dataset_dir)


def test_me_is_the_account_whose_keys_signed(two_accounts: SandboxServer) -> None:
    """Each account's own keys answer as that account; a token the dataset never issued, a signature made with
    another secret or an unknown bearer token is X's 401."""
    for user_id, handle in [(SPORT_ID, SPORT_HANDLE), (X_ACCOUNT_ID, X_HANDLE)]:
        me = make_x_client(two_accounts, dict, user_id=user_id).get_me(user_auth=True)["data"]
        assert me["username"] == handle
    assert status_of(lambda: x_client_as(two_accounts, f"{SPORT_ID}-anything").get_me(user_auth=True)) == 401
    forged = make_x_client(two_accounts, dict, user_id=SPORT_ID)
    forged.consumer_secret = "not-the-app-secret"
    assert status_of(lambda: forged.get_me(user_auth=True)) == 401
    mixed = make_x_client(two_accounts, dict, user_id=SPORT_ID)
    mixed.consumer_key = x_keys(two_accounts, X_ACCOUNT_ID)["consumer_key"]  # another app's key
    mixed.consumer_secret = x_keys(two_accounts, X_ACCOUNT_ID)["consumer_secret"]
    assert status_of(lambda: mixed.get_me(user_auth=True)) == 401
    bearer = requests.get(
        two_accounts.url + "/2/users/me", headers={"Authorization": f"Bearer {SPORT_ID}-x"}, timeout=5
    )
    assert bearer.status_code == 401


def test_each_account_has_its_own_followers_following_and_posts(two_accounts: SandboxServer) -> None:
    client = make_x_client(two_accounts, dict, user_id=SPORT_ID)

    def ids(method: Callable[..., dict], user_id: str) -> list[str]:
        pages = tweepy.Paginator(method, user_id, max_results=5, user_auth=True)
        return [item["id"] for page in pages for item in page.get("data", [])]

    assert ids(client.get_users_followers, SPORT_ID) == [SPORT_FOLLOWER_ID, FOLLOWER_IDS[1], FOLLOWER_IDS[3]]
    assert ids(client.get_users_followers, X_ACCOUNT_ID) == FOLLOWER_IDS
    assert ids(client.get_users_following, SPORT_ID) == [X_ACCOUNT_ID]
    assert ids(client.get_users_following, X_ACCOUNT_ID) == FOLLOWING_IDS
    assert ids(client.get_users_tweets, SPORT_ID) == [SPORT_POST_ID]
    assert ids(client.get_users_tweets, X_ACCOUNT_ID) == POST_IDS
    # One person who follows both accounts is one user; the sports account's own follower is known too.
    assert client.get_user(id=FOLLOWER_IDS[3], user_auth=True)["data"]["username"] == "mr_jones_teach"
    assert client.get_user(username="sports_dad", user_auth=True)["data"]["id"] == SPORT_FOLLOWER_ID
    assert client.get_user(id=SPORT_ID, user_auth=True)["data"]["username"] == SPORT_HANDLE
    tweets = client.get_users_tweets(
        SPORT_ID, expansions=["attachments.media_keys"], media_fields=["url"], user_auth=True
    )
    (photo,) = tweets["includes"]["media"]
    image = requests.get(two_accounts.url + photo["url"].removeprefix("https://pbs.twimg.com"), timeout=5)
    assert image.status_code == 200 and image.content.startswith(b"\xff\xd8")


def test_several_channels_are_served_by_id_and_by_owner_token(two_accounts: SandboxServer) -> None:
    youtube = make_youtube(two_accounts)
    both = youtube.channels().list(id=f"{SPORT_CHANNEL_ID},{CHANNEL_ID}", part="id").execute()
    assert [c["id"] for c in both["items"]] == [SPORT_CHANNEL_ID, CHANNEL_ID]
    handle = youtube.channels().list(forHandle="@TinyLaneSport", part="id").execute()
    assert [c["id"] for c in handle["items"]] == [SPORT_CHANNEL_ID]
    uploads = youtube.playlistItems().list(playlistId=SPORT_UPLOADS, part="contentDetails").execute()
    assert [i["contentDetails"]["videoId"] for i in uploads["items"]] == [SPORT_VIDEO]
    videos = youtube.videos().list(id=f"{VIDEO_SPORTS},{SPORT_VIDEO}", part="snippet").execute()
    assert [v["snippet"]["channelId"] for v in videos["items"]] == [CHANNEL_ID, SPORT_CHANNEL_ID]
    threads = youtube.commentThreads().list(videoId=SPORT_VIDEO, part="id").execute()
    assert [t["id"] for t in threads["items"]] == ["UgSportThread1"]
    related = (
        youtube.commentThreads().list(allThreadsRelatedToChannelId=SPORT_CHANNEL_ID, part="id").execute()
    )
    assert [t["id"] for t in related["items"]] == ["UgSportThread1"]
    thumbnail = requests.get(f"{two_accounts.url}/vi/{SPORT_VIDEO}/hqdefault.jpg", timeout=5)
    assert thumbnail.status_code == 200

    def subscribers(owner: str) -> list[str]:
        signed_in = make_youtube(two_accounts, owner=owner)
        items = (
            signed_in.subscriptions().list(mySubscribers=True, part="subscriberSnippet").execute()["items"]
        )
        return sorted(item["subscriberSnippet"]["channelId"] for item in items)  # in no particular order

    assert subscribers(SPORT_CHANNEL_ID) == sorted(SPORT_SUBSCRIBERS)
    assert subscribers(CHANNEL_ID) == sorted(SUBSCRIBER_CHANNEL_IDS)
    mine = make_youtube(two_accounts, owner=SPORT_CHANNEL_ID).channels().list(mine=True, part="id")
    assert [c["id"] for c in mine.execute()["items"]] == [SPORT_CHANNEL_ID]
    unknown = requests.get(
        two_accounts.url + "/youtube/v3/channels",
        params={"part": "id", "mine": "true"},
        headers={"Authorization": f"Bearer {SPORT_CHANNEL_ID}-x"},  # a token Google never issued
        timeout=5,
    )
    assert unknown.status_code == 401


# ------------------------------------------------------------------------------------------- YouTube API


def test_channels_mine_needs_oauth_and_parts_are_filtered(sandbox: SandboxServer) -> None:
    owner = make_youtube(sandbox, owner=CHANNEL_ID)
    response = owner.channels().list(mine=True, part="id,contentDetails").execute()
    assert response["kind"] == "youtube#channelListResponse"
    assert response["pageInfo"] == {"totalResults": 1, "resultsPerPage": 5}
    channel = response["items"][0]
    assert set(channel) == {"kind", "etag", "id", "contentDetails"}
    assert channel["contentDetails"]["relatedPlaylists"]["uploads"] == UPLOADS_PLAYLIST_ID

    with pytest.raises(HttpError) as raised:
        make_youtube(sandbox).channels().list(mine=True, part="id").execute()
    assert raised.value.status_code == 401
    assert reason_of(raised.value) == "authorizationRequired"


def test_channels_by_id_and_by_handle(sandbox: SandboxServer) -> None:
    youtube = make_youtube(sandbox)
    by_id = youtube.channels().list(id=CHANNEL_ID, part="snippet,statistics").execute()
    assert by_id["items"][0]["snippet"]["title"] == SCHOOL_NAME
    assert set(by_id["items"][0]) == {"kind", "etag", "id", "snippet", "statistics"}
    by_handle = youtube.channels().list(forHandle=CHANNEL_HANDLE.upper(), part="id").execute()
    assert [c["id"] for c in by_handle["items"]] == [CHANNEL_ID]
    nothing = youtube.channels().list(id="UCnobody", part="id").execute()
    assert "items" not in nothing and nothing["pageInfo"]["totalResults"] == 0


def test_uploads_page_with_list_next_newest_first(sandbox: SandboxServer) -> None:
    youtube = make_youtube(sandbox)
    request = youtube.playlistItems().list(
        playlistId=UPLOADS_PLAYLIST_ID, part="snippet,contentDetails,status", maxResults=2
    )
    pages = []
    while request is not None:
        response = request.execute()
        pages.append(response)
        request = youtube.playlistItems().list_next(request, response)
    assert [len(page["items"]) for page in pages] == [2, 1]
    assert "nextPageToken" in pages[0] and "nextPageToken" not in pages[1]
    items = [item for page in pages for item in page["items"]]
    assert [item["contentDetails"]["videoId"] for item in items] == [VIDEO_SPORTS, VIDEO_SONG, VIDEO_NATIVITY]
    first = items[0]
    assert first["kind"] == "youtube#playlistItem"
    assert set(first) == {"kind", "etag", "id", "snippet", "contentDetails", "status"}
    assert first["snippet"]["resourceId"] == {"kind": "youtube#video", "videoId": VIDEO_SPORTS}
    assert first["snippet"]["playlistId"] == UPLOADS_PLAYLIST_ID
    assert [item["snippet"]["position"] for item in items] == [0, 1, 2]
    assert first["contentDetails"]["videoPublishedAt"] == first["snippet"]["publishedAt"]
    assert first["status"] == {"privacyStatus": "public"}
    assert pages[0]["pageInfo"] == {"totalResults": 3, "resultsPerPage": 2}

    only_ids = youtube.playlistItems().list(playlistId=UPLOADS_PLAYLIST_ID, part="id").execute()
    assert set(only_ids["items"][0]) == {"kind", "etag", "id"}
    with pytest.raises(HttpError) as raised:
        youtube.playlistItems().list(playlistId="UUnothing", part="id").execute()
    assert raised.value.status_code == 404 and reason_of(raised.value) == "playlistNotFound"


def test_videos_by_id_list(sandbox: SandboxServer) -> None:
    youtube = make_youtube(sandbox)
    response = youtube.videos().list(id=[VIDEO_SONG, "nonexistent", VIDEO_SPORTS], part="status").execute()
    assert [v["id"] for v in response["items"]] == [VIDEO_SONG, VIDEO_SPORTS]
    assert response["items"][0]["status"]["madeForKids"] is True
    assert set(response["items"][0]) == {"kind", "etag", "id", "status"}
    comma_joined = youtube.videos().list(id=f"{VIDEO_NATIVITY},{VIDEO_SPORTS}", part="snippet").execute()
    assert len(comma_joined["items"]) == 2
    with pytest.raises(HttpError) as raised:
        youtube.videos().list(id=[f"v{n:010d}" for n in range(51)], part="id").execute()
    assert raised.value.status_code == 400


def test_subscribers_need_oauth_and_page(sandbox: SandboxServer) -> None:
    owner = make_youtube(sandbox, owner=CHANNEL_ID)
    request = owner.subscriptions().list(mySubscribers=True, part="subscriberSnippet", maxResults=3)
    items = []
    while request is not None:
        response = request.execute()
        items.extend(response["items"])
        request = owner.subscriptions().list_next(request, response)
    # Every page of one listing comes from one order, which is no particular one: the set is whole, once.
    listed = [item["subscriberSnippet"]["channelId"] for item in items]
    assert sorted(listed) == sorted(SUBSCRIBER_CHANNEL_IDS) and len(listed) == len(set(listed))
    assert all(set(item) == {"kind", "etag", "id", "subscriberSnippet"} for item in items)
    with pytest.raises(HttpError) as raised:
        make_youtube(sandbox).subscriptions().list(mySubscribers=True, part="snippet").execute()
    assert raised.value.status_code == 401


def test_comment_threads_by_channel_and_video(sandbox: SandboxServer) -> None:
    youtube = make_youtube(sandbox)
    request = youtube.commentThreads().list(
        allThreadsRelatedToChannelId=CHANNEL_ID, part="snippet", maxResults=2
    )
    threads = []
    while request is not None:
        response = request.execute()
        threads.extend(response["items"])
        request = youtube.commentThreads().list_next(request, response)
    assert [t["id"] for t in threads] == THREAD_IDS
    assert threads[0]["snippet"]["topLevelComment"]["snippet"]["authorChannelId"]["value"].startswith("UC")

    sports = youtube.commentThreads().list(videoId=VIDEO_SPORTS, part="id").execute()
    assert [t["id"] for t in sports["items"]] == THREAD_IDS[:2]
    assert set(sports["items"][0]) == {"kind", "etag", "id"}


def test_comments_on_a_made_for_kids_video_are_disabled(sandbox: SandboxServer) -> None:
    with pytest.raises(HttpError) as raised:
        make_youtube(sandbox).commentThreads().list(videoId=VIDEO_SONG, part="snippet").execute()
    assert raised.value.status_code == 403
    assert reason_of(raised.value) == "commentsDisabled"
    assert "disabled comments" in raised.value.reason
    with pytest.raises(HttpError) as missing:
        make_youtube(sandbox).commentThreads().list(videoId="nosuchvideo", part="snippet").execute()
    assert missing.value.status_code == 404 and reason_of(missing.value) == "videoNotFound"


@pytest.mark.parametrize(
    ("resource", "params"),
    [
        ("playlistItems", {"playlistId": UPLOADS_PLAYLIST_ID, "maxResults": 51}),
        ("playlistItems", {"playlistId": UPLOADS_PLAYLIST_ID, "maxResults": -1}),
        ("commentThreads", {"allThreadsRelatedToChannelId": CHANNEL_ID, "maxResults": 0}),
        ("commentThreads", {"allThreadsRelatedToChannelId": CHANNEL_ID, "maxResults": 101}),
    ],
)
def test_out_of_range_max_results_is_a_youtube_400(
    sandbox: SandboxServer, resource: str, params: dict[str, object]
) -> None:
    with pytest.raises(HttpError) as raised:
        getattr(make_youtube(sandbox), resource)().list(part="id", **params).execute()
    assert raised.value.status_code == 400 and reason_of(raised.value) == "invalidParameter"


def test_bad_page_token_and_unknown_part_are_youtube_400s(sandbox: SandboxServer) -> None:
    youtube = make_youtube(sandbox)
    with pytest.raises(HttpError) as raised:
        youtube.playlistItems().list(playlistId=UPLOADS_PLAYLIST_ID, part="id", pageToken="CAUQAA").execute()
    assert raised.value.status_code == 400 and reason_of(raised.value) == "invalidPageToken"
    with pytest.raises(HttpError) as unknown_part:
        youtube.videos().list(id=VIDEO_SPORTS, part="snippet,gossip").execute()
    assert reason_of(unknown_part.value) == "unknownPart"


def test_youtube_needs_a_key_or_a_token(sandbox: SandboxServer) -> None:
    response = yt_get(sandbox, "videos", id=VIDEO_SPORTS, part="id")
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == 403 and error["status"] == "PERMISSION_DENIED"
    assert error["errors"][0]["reason"] == "forbidden"
    assert yt_get(sandbox, "videos", id=VIDEO_SPORTS, part="id", key="<api key>").status_code == 200
    basic = requests.get(
        f"{sandbox.url}/youtube/v3/videos",
        params={"id": VIDEO_SPORTS, "part": "id"},
        headers={"Authorization": "Basic eDp5"},
        timeout=5,
    )
    assert basic.status_code == 401


# ------------------------------------------------------------------------------------------------ media


def test_media_and_thumbnails_are_the_dataset_bytes(sandbox: SandboxServer, tiny_dataset: Path) -> None:
    posts = json.loads((tiny_dataset / "x" / X_HANDLE / "posts.json").read_text(encoding="utf-8"))
    media = {m["media_key"]: m for m in posts["includes"]["media"]}
    media_dir = tiny_dataset / "x" / X_HANDLE / "media"
    for key in [PHOTO_SPORTS, PHOTO_GARDEN_A]:
        url = media[key]["url"]
        response = requests.get(sandbox.url + url.removeprefix("https://pbs.twimg.com"), timeout=5)
        expected = next(media_dir.glob(f"{key}.*"))
        assert response.status_code == 200
        assert response.content == expected.read_bytes()
        assert response.headers["Content-Length"] == str(expected.stat().st_size)
        assert response.headers["Content-Type"] == (
            "image/png" if expected.suffix == ".png" else "image/jpeg"
        )

    preview = media[VIDEO_CHOIR]["preview_image_url"]
    assert CHOIR_POST_ID in preview
    response = requests.get(sandbox.url + preview.removeprefix("https://pbs.twimg.com"), timeout=5)
    assert response.content == next(media_dir.glob(f"{VIDEO_CHOIR}.*")).read_bytes()

    thumbnail = tiny_dataset / "youtube" / CHANNEL_ID / "thumbnails" / f"{VIDEO_SPORTS}.jpg"
    for name in ["default.jpg", "hqdefault.jpg", "maxresdefault.jpg"]:
        response = requests.get(f"{sandbox.url}/vi/{VIDEO_SPORTS}/{name}", timeout=5)
        assert response.status_code == 200 and response.headers["Content-Type"] == "image/jpeg"
        assert response.content == thumbnail.read_bytes()
    head = requests.head(f"{sandbox.url}/vi/{VIDEO_SPORTS}/default.jpg", timeout=5)
    assert head.status_code == 200 and head.headers["Content-Length"] == str(thumbnail.stat().st_size)
    assert requests.get(f"{sandbox.url}/media/3_unknown.jpg", timeout=5).status_code == 404
    assert requests.get(f"{sandbox.url}/vi/unknownvid/default.jpg", timeout=5).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/media/../school.toml",
        "/media/..%2Fschool.toml",
        "/media/%2e%2e%2f%2e%2e%2fschool.toml",
        "/vi/..%2F..%2F..%2Fschool.toml/x",
        "/vi/../../school.toml",
        "/../../../etc/passwd",
        "/media/..%2F..%2Fregisters%2Fpupils.csv",
        "/media/school",
    ],
)
def test_paths_outside_the_media_indexes_are_refused(sandbox: SandboxServer, path: str) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", sandbox.port, timeout=5)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    assert response.status == 404
    assert SCHOOL_NAME.encode() not in body and b"pupil_id" not in body


# ----------------------------------------------------------------------------------------------- faults


def test_x_429_carries_a_reset_and_clears_after_its_times(faulty_sandbox: StartServer) -> None:
    server = faulty_sandbox(Fault("x.followers", "429", times=2, reset_in=30))
    client = make_x_client(server)
    for _ in range(2):
        with pytest.raises(tweepy.TooManyRequests) as raised:
            client.get_users_followers(X_ACCOUNT_ID, user_auth=True)
        assert raised.value.reset_time is not None
        assert time.time() + 25 < raised.value.reset_time <= time.time() + 31
        assert raised.value.response.headers["x-rate-limit-remaining"] == "0"
        assert raised.value.response.json()["status"] == 429
    assert len(client.get_users_followers(X_ACCOUNT_ID, user_auth=True).data) == 7
    assert [r.status for r in server.requests] == [429, 429, 200]


def test_x_429_without_reset_header(faulty_sandbox: StartServer) -> None:
    client = make_x_client(faulty_sandbox(Fault("x.tweets", "429-no-reset")))
    with pytest.raises(tweepy.TooManyRequests) as raised:
        client.get_users_tweets(X_ACCOUNT_ID, user_auth=True)
    assert raised.value.reset_time is None
    assert "x-rate-limit-reset" not in raised.value.response.headers


@pytest.mark.parametrize("kind", ["500", "503"])
def test_server_errors_on_both_platforms(faulty_sandbox: StartServer, kind: str) -> None:
    server = faulty_sandbox(Fault("x.me", kind), Fault("yt.videos", kind))
    with pytest.raises(tweepy.TwitterServerError) as raised:
        make_x_client(server).get_me()
    assert raised.value.response.status_code == int(kind)
    with pytest.raises(HttpError) as google:
        make_youtube(server).videos().list(id=VIDEO_SPORTS, part="id").execute()
    assert google.value.status_code == int(kind)
    assert json.loads(google.value.content)["error"]["code"] == int(kind)


def test_truncated_json_bodies_fail_to_parse(faulty_sandbox: StartServer) -> None:
    server = faulty_sandbox(Fault("x.tweets", "truncate"), Fault("yt.playlistItems", "truncate"))
    with pytest.raises(requests.JSONDecodeError):
        make_x_client(server).get_users_tweets(X_ACCOUNT_ID, user_auth=True)
    # googleapiclient does not raise on a body that is not JSON: it hands back the text as a str.
    cut = make_youtube(server).playlistItems().list(playlistId=UPLOADS_PLAYLIST_ID, part="snippet").execute()
    assert isinstance(cut, str) and cut.startswith('{"kind": "youtube#playlistItemListResponse"')
    with pytest.raises(ValueError):
        json.loads(cut)
    assert make_x_client(server).get_users_tweets(X_ACCOUNT_ID, user_auth=True).meta["result_count"] == 10
    assert [r.status for r in server.requests] == [200, 200, 200]


def test_truncated_media_drops_the_connection(faulty_sandbox: StartServer) -> None:
    server = faulty_sandbox(Fault("x.media", "truncate"))
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        requests.get(f"{server.url}/media/{PHOTO_SPORTS}.jpg", timeout=5).content  # noqa: B018
    assert requests.get(f"{server.url}/media/{PHOTO_SPORTS}.jpg", timeout=5).status_code == 200


def test_youtube_quota_exceeded(faulty_sandbox: StartServer) -> None:
    server = faulty_sandbox(Fault("yt.channels", "403-quota", times=-1))
    youtube = make_youtube(server)
    for _ in range(3):
        with pytest.raises(HttpError) as raised:
            youtube.channels().list(id=CHANNEL_ID, part="id").execute()
        assert raised.value.status_code == 403 and reason_of(raised.value) == "quotaExceeded"


def test_after_skips_matching_requests_and_wildcard_matches_every_route(faulty_sandbox: StartServer) -> None:
    server = faulty_sandbox(
        Fault("x.followers", "500", times=1, after=2), Fault("*", "503", times=1, after=4)
    )
    client = make_x_client(server)
    outcomes = []
    for call in [
        lambda: client.get_users_followers(X_ACCOUNT_ID, user_auth=True),
        lambda: client.get_users_followers(X_ACCOUNT_ID, user_auth=True),
        lambda: client.get_users_followers(X_ACCOUNT_ID, user_auth=True),
        lambda: client.get_me(),
        lambda: requests.get(f"{server.url}/vi/{VIDEO_SPORTS}/default.jpg", timeout=5),
        lambda: client.get_me(),
    ]:
        try:
            call()
            outcomes.append("ok")
        except tweepy.TwitterServerError as error:
            outcomes.append(str(error.response.status_code))
    assert outcomes == ["ok", "ok", "500", "ok", "ok", "ok"]
    assert [r.status for r in server.requests] == [200, 200, 500, 200, 503, 200]
    assert server.requests[4].route == "yt.thumbnails"


def test_youtube_429_is_google_shaped(faulty_sandbox: StartServer) -> None:
    server = faulty_sandbox(Fault("yt.subscriptions", "429"))
    with pytest.raises(HttpError) as raised:
        make_youtube(server, token="t").subscriptions().list(mySubscribers=True, part="id").execute()
    assert raised.value.status_code == 429 and reason_of(raised.value) == "rateLimitExceeded"


def test_fault_plan_json_round_trip_and_validation() -> None:
    plan = FaultPlan(
        [Fault("x.tweets", "429", times=2, after=1, reset_in=3.5), Fault("*", "truncate", times=-1)]
    )
    assert FaultPlan.from_json(plan.to_json()) == plan
    assert json.loads(plan.to_json())[0] == {
        "route": "x.tweets",
        "kind": "429",
        "times": 2,
        "after": 1,
        "reset_in": 3.5,
    }
    assert FaultPlan.from_json('[{"route": "yt.videos", "kind": "500"}]').faults == [
        Fault("yt.videos", "500")
    ]
    with pytest.raises(ValueError):
        Fault("x.timeline", "500")
    with pytest.raises(ValueError):
        Fault("x.tweets", "418")
    with pytest.raises(ValueError):
        FaultPlan.from_json('{"route": "x.tweets"}')


def test_from_env_reads_the_fault_plan(tiny_dataset: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(FAULTS_ENV, FaultPlan([Fault("x.me", "503", times=-1)]).to_json())
    with SandboxServer.from_env(tiny_dataset) as server:
        assert x_get(server, "/2/users/me").status_code == 503
    monkeypatch.delenv(FAULTS_ENV)
    with SandboxServer.from_env(tiny_dataset) as server:
        assert x_get(server, "/2/users/me").status_code == 200


# ------------------------------------------------------------------------------------- server plumbing


def test_writes_are_refused(sandbox: SandboxServer) -> None:
    response = requests.delete(
        f"{sandbox.url}/2/users/{X_ACCOUNT_ID}/following/{FOLLOWING_IDS[0]}", timeout=5
    )
    assert response.status_code == 405
    assert sandbox.requests[-1].method == "DELETE" and sandbox.requests[-1].status == 405


def test_requests_are_recorded_from_many_threads(tiny_dataset: Path) -> None:
    with SandboxServer(tiny_dataset) as server:
        threads = [
            threading.Thread(
                target=lambda: x_get(server, f"/2/users/{X_ACCOUNT_ID}", **{"user.fields": "location"})
            )
            for _ in range(16)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(server.requests) == 16
        assert server.requests[0] == RequestRecord(
            "GET", f"/2/users/{X_ACCOUNT_ID}", {"user.fields": "location"}, 200, "x.user"
        )
    with pytest.raises(RuntimeError):
        _ = server.url


def test_command_line_serves_until_interrupted(tiny_dataset: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "sandbox.server", str(tiny_dataset), "--port", "0"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        unsigned = requests.get(url + "/2/users/me", headers={"Authorization": "Bearer app-token"}, timeout=5)
        assert unsigned.status_code == 401  # a token the dataset never issued
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert process.returncode == 0
