"""Posting with images on X as tweepy 4.17 does it (API.media_upload, simple and chunked, then Client.create_tweet),
over real sockets, as X checks it: the signature, the write permission, whose media ids and for how long, four images
at most, 280 weighted characters, 100 posts a 15 minutes, the price; and the post as the next week's reads see it."""

from __future__ import annotations

import io
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
import tweepy
from PIL import Image

from connectors.x import MEDIA_FIELDS, POST_EXPANSIONS, TWEET_FIELDS
from sandbox.ledger import XCharge
from sandbox.server import SandboxServer
from sandbox.writes import JOURNAL_MEDIA
from sandbox.x.media import EXPIRES_AFTER_SECS
from tests.builders import remediation as build
from tests.builders.images import encode, original, textured_image
from tests.builders.sandbox_clients import (
    X_API_HOST,
    RewriteToSandbox,
    make_x_api,
    make_x_client,
    x_keys,
    x_signed_request,
)
from tests.builders.tiny_dataset import POST_IDS, X_ACCOUNT_ID, build_tiny_dataset


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    root = build_tiny_dataset(tmp_path / "school")
    build.other_school(root)
    return root


@pytest.fixture
def server(dataset: Path) -> Iterator[SandboxServer]:
    with SandboxServer(dataset) as running:
        yield running


def photo(folder: Path, seed: int, size: tuple[int, int] = (640, 480)) -> Path:
    """A camera JPEG with EXIF (a GPS-like tag X must not pass on)."""
    picture = textured_image(seed, size)
    exif = Image.Exif()
    exif[0x010F] = "SchoolCam"  # Make
    path = folder / f"photo{seed}.jpg"
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=95, exif=exif.tobytes())
    path.write_bytes(buffer.getvalue())
    return path


def upload(api: tweepy.API, path: Path, **options: Any) -> str:
    return str(api.media_upload(str(path), **options).media_id_string)


def x_error(error: tweepy.HTTPException) -> dict[str, Any]:
    body: dict[str, Any] = error.response.json()
    return body


def charges(server: SandboxServer) -> list[XCharge]:
    assert server.ledger is not None
    return server.ledger.x


def created_posts(server: SandboxServer) -> list[str]:
    return [c.route for c in charges(server) if c.route.startswith("x.create_post")]


def test_four_images_simple_and_chunked_make_a_post_the_next_week_reads_as_a_dataset_post(
    tmp_path: Path, dataset: Path
) -> None:
    files = [photo(tmp_path, n) for n in range(4)]
    with SandboxServer(dataset) as server:
        api = make_x_api(server)
        simple = [upload(api, path) for path in files[:2]]
        # Chunks of 64 KiB: several APPENDs each, as tweepy sends them.
        chunked = [upload(api, path, chunked=True, chunk_size=64 * 1024) for path in files[2:]]
        client = make_x_client(server)
        text = "Sports day at Tiny Lane, well done everyone! #TinyLane"
        created = client.create_tweet(text=text, media_ids=simple + chunked)
        post_id = created.data["id"]
        assert created.data["text"].startswith(text + " https://t.co/")
        assert [(c.route, c.usd) for c in charges(server) if c.route.startswith("x.create")] == [
            ("x.create_post", 0.015)
        ]
        paths = [r.path for r in server.requests if r.route == "x.media_upload"]
        assert len(paths) >= 2 + 2 * 3 and set(paths) == {"/1.1/media/upload.json"}

    # The next week's server, as the weekly run reads it: timeline, media, the image bytes at each url.
    with SandboxServer(dataset) as later:
        client = make_x_client(later)
        page = client.get_users_tweets(
            X_ACCOUNT_ID,
            max_results=100,
            tweet_fields=TWEET_FIELDS,
            expansions=POST_EXPANSIONS,
            media_fields=MEDIA_FIELDS,
            user_auth=True,
        )
        newest = page.data[0]
        assert str(newest.id) == post_id and str(newest.author_id) == X_ACCOUNT_ID
        assert newest.text.startswith(text) and newest.entities["hashtags"][0]["tag"] == "TinyLane"
        assert newest.created_at is not None and newest.edit_history_tweet_ids == [int(post_id)]
        keys = newest.attachments["media_keys"]
        assert keys == [f"3_{m}" for m in simple + chunked]
        media = {m.media_key: m for m in page.includes["media"]}
        for key, sent in zip(keys, files, strict=True):
            item = media[key]
            assert item.type == "photo" and item.url.startswith("https://pbs.twimg.com/media/")
            served = requests.get(later.url + urlsplit(item.url).path, timeout=10)
            assert served.status_code == 200 and served.headers["Content-Type"].startswith("image/jpeg")
            with Image.open(io.BytesIO(served.content)) as image, Image.open(sent) as camera:
                assert image.size == camera.size == (item.width, item.height)
                assert not image.getexif(), "X strips the camera's metadata"
            assert served.content != sent.read_bytes(), "X serves its own encoding, not the file sent"
        # The older dataset posts are still there, after it.
        assert [str(p.id) for p in page.data[1:3]] == POST_IDS[:2]
    assert len(list((dataset / JOURNAL_MEDIA).iterdir())) == 4


def test_a_bad_signature_is_refused_on_the_upload_and_on_the_post(
    server: SandboxServer, tmp_path: Path
) -> None:
    forged = {"consumer_secret": "not-the-secret"}
    with pytest.raises(tweepy.Unauthorized) as refused:
        make_x_api(server, **forged).media_upload(str(photo(tmp_path, 1)))
    assert x_error(refused.value)["errors"][0]["code"] == 32
    # A signature made for api.twitter.com does not hold on the upload host.
    wrong_host = x_signed_request(
        server, "POST", "/1.1/media/upload.json", files={"media": ("a.jpg", original(textured_image(2)))}
    )
    assert wrong_host.status_code == 401
    client = tweepy.Client(**{**x_keys(server), **forged})
    client.session.trust_env = False
    client.session.mount(X_API_HOST, RewriteToSandbox(server.url))
    with pytest.raises(tweepy.Unauthorized):
        client.create_tweet(text="Forged")
    assert created_posts(server) == []


def test_media_ids_must_be_the_poster_s_live_and_at_most_four(
    server: SandboxServer, dataset: Path, tmp_path: Path
) -> None:
    ours = make_x_api(server)
    theirs = make_x_api(server, user_id=build.OTHER_X_ID)
    mine = [upload(ours, photo(tmp_path, n)) for n in range(5)]
    foreign = upload(theirs, photo(tmp_path, 9))
    shared = upload(theirs, photo(tmp_path, 10), additional_owners=[X_ACCOUNT_ID])
    client = make_x_client(server)
    with pytest.raises(tweepy.BadRequest) as refused:
        client.create_tweet(text="Not ours", media_ids=[mine[0], foreign])
    assert "media IDs are invalid" in str(x_error(refused.value)["errors"])
    with pytest.raises(tweepy.BadRequest):
        client.create_tweet(text="Five", media_ids=mine)
    with pytest.raises(tweepy.BadRequest):
        client.create_tweet(text="Never uploaded", media_ids=["1234567890123456789"])
    # Named an additional owner, the school may attach the other account's upload.
    assert client.create_tweet(text="Shared", media_ids=[shared]).data["id"]
    assert server.x_media is not None
    server.x_media.clock = lambda: time.time() + EXPIRES_AFTER_SECS + 1
    with pytest.raises(tweepy.BadRequest):
        client.create_tweet(text="Expired", media_ids=mine[:1])
    assert created_posts(server) == ["x.create_post"]
    assert [e["kind"] for e in build.journal(dataset)] == ["x.post"]


def test_text_length_duplicates_urls_permission_and_what_is_not_an_image(
    dataset: Path, tmp_path: Path
) -> None:
    with SandboxServer(dataset) as server:
        client = make_x_client(server)
        with pytest.raises(tweepy.Forbidden, match="too long"):
            client.create_tweet(text="a" * 281)
        with pytest.raises(tweepy.Forbidden, match="too long"):
            client.create_tweet(text="学" * 141)  # CJK weighs 2
        long_url = "https://example.org/" + "x" * 300
        assert client.create_tweet(text="a" * 256 + " " + long_url).data["id"]  # a URL weighs 23
        with pytest.raises(tweepy.Forbidden, match="duplicate"):
            client.create_tweet(text="a" * 256 + " " + long_url)
        assert [(c.route, c.usd) for c in charges(server) if c.route.startswith("x.create")] == [
            ("x.create_post_with_url", 0.2)
        ]
        api = make_x_api(server)
        not_image = tmp_path / "notes.jpg"
        not_image.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg" * 10)
        with pytest.raises(tweepy.BadRequest) as refused:
            api.media_upload(str(not_image))
        assert x_error(refused.value)["errors"][0]["code"] == 324
        bomb = tmp_path / "bomb.png"
        Image.new("1", (9_000, 9_000)).save(bomb)  # a few kilobytes, 81 million pixels once decoded
        with pytest.raises(tweepy.BadRequest, match="too large"):
            api.media_upload(str(bomb))
        wrong_type = tmp_path / "photo.png"
        wrong_type.write_bytes(encode(textured_image(3), "PNG"))
        with pytest.raises(tweepy.BadRequest):
            api.chunked_upload(str(wrong_type), file_type="image/jpeg")
    build.declare(dataset, x_permission="read")
    with SandboxServer(dataset) as read_only:
        with pytest.raises(tweepy.Forbidden):
            make_x_client(read_only).create_tweet(text="Read-only app")
        with pytest.raises(tweepy.Forbidden) as refused:
            make_x_api(read_only).media_upload(str(photo(tmp_path, 4)))
        assert x_error(refused.value)["errors"][0]["code"] == 220


def test_one_hundred_posts_a_window_then_429(server: SandboxServer) -> None:
    client = make_x_client(server)
    for n in range(100):
        client.create_tweet(text=f"Notice {n}")
    with pytest.raises(tweepy.TooManyRequests) as refused:
        client.create_tweet(text="Notice 100")
    assert refused.value.response.headers["x-rate-limit-remaining"] == "0"
    assert len(created_posts(server)) == 100


def test_a_stranger_without_keys_gets_nothing(server: SandboxServer, dataset: Path) -> None:
    image = {"media": ("a.jpg", original(textured_image(5)))}
    assert requests.post(server.url + "/1.1/media/upload.json", files=image, timeout=10).status_code == 401
    posted = requests.post(server.url + "/2/tweets", json={"text": "Hello"}, timeout=10)
    assert posted.status_code == 401
    status = requests.get(server.url + "/1.1/media/upload.json?command=STATUS&media_id=1", timeout=10)
    assert status.status_code == 401
    assert created_posts(server) == [] and build.journal(dataset) == []


def test_a_body_over_the_upload_limit_is_refused_unread(server: SandboxServer) -> None:
    response = requests.post(
        server.url + "/1.1/media/upload.json",
        data=b"x" * (6 * 1024 * 1024),
        headers={"Content-Type": "application/octet-stream"},
        timeout=30,
    )
    assert response.status_code == 413
    # A length that is no number is refused, not waited on.
    with socket.create_connection((server.host, server.port), timeout=10) as raw:
        raw.sendall(b"POST /2/tweets HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n{}")
        assert raw.recv(100).startswith(b"HTTP/1.1 413")
