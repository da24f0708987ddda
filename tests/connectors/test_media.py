"""MediaFetcher against a requests-mock adapter mounted on a plain requests.Session."""

from __future__ import annotations

import io
from typing import Any

import pytest
import requests
import requests_mock

from connectors.errors import MediaRefused, ServerFailure
from connectors.media import MediaFetcher
from connectors.paging import RetryPolicy

PHOTO_URL = "https://pbs.twimg.com/media/FxAbC123.jpg"
THUMB_URL = "https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg"
SANDBOX = "http://127.0.0.1:8123"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00JFIF" + bytes(range(256)) * 4 + b"\xff\xd9"


# ---------------------------------------------------------------------------------------------- helpers


class FakeSleep:
    def __init__(self) -> None:
        self.sleeps: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.sleeps.append(seconds)


class CountingBody(io.BytesIO):
    """A response body that records how much of it was actually read."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk

    def read1(self, size: int | None = -1) -> bytes:
        chunk = super().read1(size)
        self.bytes_read += len(chunk)
        return chunk

    def readinto(self, buffer: Any) -> int:
        n = super().readinto(buffer)
        self.bytes_read += n
        return n


def image(body: bytes = JPEG, content_type: str | None = "image/jpeg", **headers: str) -> dict[str, Any]:
    all_headers = dict(headers)
    if content_type is not None:
        all_headers["Content-Type"] = content_type
    return {"status_code": 200, "content": body, "headers": all_headers}


def status(code: int) -> dict[str, Any]:
    return {"status_code": code, "text": f"HTTP {code}", "headers": {"Content-Type": "text/plain"}}


@pytest.fixture
def sleep() -> FakeSleep:
    return FakeSleep()


@pytest.fixture
def adapter() -> requests_mock.Adapter:
    return requests_mock.Adapter()


@pytest.fixture
def session(adapter: requests_mock.Adapter) -> requests.Session:
    s = requests.Session()
    s.trust_env = False
    s.mount("https://", adapter)
    s.mount("http://", adapter)
    return s


def fetcher(session: requests.Session, sleep: FakeSleep, **overrides: Any) -> MediaFetcher:
    policy = RetryPolicy(max_retries=overrides.pop("max_retries", 3), backoff_seconds=2.0, sleep=sleep)
    return MediaFetcher(session=session, policy=policy, **overrides)


def refused(media: MediaFetcher, url: str, match: str | None = None) -> MediaRefused:
    with pytest.raises(MediaRefused, match=match) as raised:
        media.fetch(url)
    return raised.value


# ------------------------------------------------------------------------------------------------- fetch


@pytest.mark.parametrize(
    "content_type", ["image/jpeg", "image/png", "IMAGE/WEBP", "image/gif; charset=binary"]
)
def test_returns_the_bytes(
    session: requests.Session, adapter: requests_mock.Adapter, sleep: FakeSleep, content_type: str
) -> None:
    adapter.register_uri("GET", PHOTO_URL, **image(JPEG, content_type, **{"Content-Length": str(len(JPEG))}))
    assert fetcher(session, sleep).fetch(PHOTO_URL) == JPEG
    assert adapter.call_count == 1
    assert adapter.request_history[-1].timeout == 30.0
    assert sleep.sleeps == []


@pytest.mark.parametrize("content_type", ["text/html", "application/json", "image/svg+xml", "video/mp4"])
def test_refuses_a_non_image_content_type(
    session: requests.Session, adapter: requests_mock.Adapter, sleep: FakeSleep, content_type: str
) -> None:
    adapter.register_uri("GET", PHOTO_URL, **image(b"<html>login</html>", content_type))
    error = refused(fetcher(session, sleep), PHOTO_URL, match="not an image")
    assert error.__cause__ is not error
    assert adapter.call_count == 1
    assert sleep.sleeps == []


def test_refuses_a_declared_length_over_the_limit(
    session: requests.Session, adapter: requests_mock.Adapter, sleep: FakeSleep
) -> None:
    body = CountingBody(b"x" * 101)
    adapter.register_uri(
        "GET",
        PHOTO_URL,
        status_code=200,
        body=body,
        headers={"Content-Type": "image/jpeg", "Content-Length": "101"},
    )
    refused(fetcher(session, sleep, max_bytes=100), PHOTO_URL, match="101 bytes is over the 100 limit")
    assert body.bytes_read == 0  # refused on the header, before reading the body
    assert adapter.call_count == 1


def test_a_body_exactly_at_the_limit_is_accepted(
    session: requests.Session, adapter: requests_mock.Adapter, sleep: FakeSleep
) -> None:
    adapter.register_uri("GET", PHOTO_URL, **image(b"x" * 100, **{"Content-Length": "100"}))
    assert fetcher(session, sleep, max_bytes=100).fetch(PHOTO_URL) == b"x" * 100


@pytest.mark.parametrize(
    "declared", [None, "10", "0", "not-a-number"], ids=["absent", "lies-small", "zero", "garbage"]
)
def test_refuses_a_body_over_the_limit_while_streaming(
    session: requests.Session, adapter: requests_mock.Adapter, sleep: FakeSleep, declared: str | None
) -> None:
    max_bytes = 1000
    body = CountingBody(b"x" * (4 * 1024 * 1024))
    headers = {"Content-Type": "image/jpeg"}
    if declared is not None:
        headers["Content-Length"] = declared
    adapter.register_uri("GET", PHOTO_URL, status_code=200, body=body, headers=headers)

    refused(fetcher(session, sleep, max_bytes=max_bytes), PHOTO_URL, match="more than 1000 bytes")

    # Stopped after the first chunk instead of swallowing the whole 4 MiB.
    assert 0 < body.bytes_read <= 2 * 64 * 1024
    assert adapter.call_count == 1


@pytest.mark.parametrize(
    "failures",
    [[status(500)], [status(502), status(503)], [status(429)], [{"exc": requests.exceptions.ConnectTimeout}]],
    ids=["500", "502-503", "429", "timeout"],
)
def test_retries_transient_failures_then_succeeds(
    session: requests.Session,
    adapter: requests_mock.Adapter,
    sleep: FakeSleep,
    failures: list[dict[str, Any]],
) -> None:
    adapter.register_uri("GET", PHOTO_URL, [*failures, image()])
    assert fetcher(session, sleep).fetch(PHOTO_URL) == JPEG
    assert adapter.call_count == len(failures) + 1
    assert sleep.sleeps == [2.0 * 2**n for n in range(len(failures))]


def test_persistent_5xx_is_a_server_failure(
    session: requests.Session, adapter: requests_mock.Adapter, sleep: FakeSleep
) -> None:
    adapter.register_uri("GET", PHOTO_URL, **status(503))
    with pytest.raises(ServerFailure):
        fetcher(session, sleep, max_retries=2).fetch(PHOTO_URL)
    assert adapter.call_count == 3
    assert sleep.sleeps == [2.0, 4.0]


@pytest.mark.parametrize("code", [403, 404, 410])
def test_client_errors_are_refused_without_retry(
    session: requests.Session, adapter: requests_mock.Adapter, sleep: FakeSleep, code: int
) -> None:
    adapter.register_uri("GET", PHOTO_URL, **status(code))
    refused(fetcher(session, sleep), PHOTO_URL, match=f"HTTP {code}")
    assert adapter.call_count == 1
    assert sleep.sleeps == []


# ------------------------------------------------------------------------------------ sandbox and schemes


@pytest.mark.parametrize(
    ("url", "path"),
    [(PHOTO_URL, "/media/FxAbC123.jpg"), (THUMB_URL, "/vi/dQw4w9WgXcQ/hqdefault.jpg")],
)
@pytest.mark.parametrize("sandbox_url", [SANDBOX, SANDBOX + "/"])
def test_resolve_rewrites_cdn_hosts_to_the_sandbox(
    session: requests.Session, sleep: FakeSleep, url: str, path: str, sandbox_url: str
) -> None:
    assert fetcher(session, sleep, sandbox_url=sandbox_url).resolve(url) == SANDBOX + path


def test_resolve_without_sandbox_keeps_the_url(session: requests.Session, sleep: FakeSleep) -> None:
    assert fetcher(session, sleep).resolve(PHOTO_URL) == PHOTO_URL


def test_fetch_in_the_sandbox_goes_to_the_sandbox(
    session: requests.Session, adapter: requests_mock.Adapter, sleep: FakeSleep
) -> None:
    adapter.register_uri("GET", SANDBOX + "/vi/dQw4w9WgXcQ/hqdefault.jpg", **image())
    assert fetcher(session, sleep, sandbox_url=SANDBOX).fetch(THUMB_URL) == JPEG
    assert adapter.request_history[-1].url == SANDBOX + "/vi/dQw4w9WgXcQ/hqdefault.jpg"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "data:image/png;base64,iVBORw0KGgo=",
        "ftp://pbs.twimg.com/media/x.jpg",
        "/media/x.jpg",
    ],
)
@pytest.mark.parametrize("sandbox_url", [None, SANDBOX])
def test_refuses_non_http_urls_without_a_request(
    session: requests.Session,
    adapter: requests_mock.Adapter,
    sleep: FakeSleep,
    url: str,
    sandbox_url: str | None,
) -> None:
    refused(fetcher(session, sleep, sandbox_url=sandbox_url), url, match="non-HTTP")
    assert adapter.call_count == 0
