"""A thumbnail already fingerprinted is downloaded again only when its size at the URL changed (one HEAD, no
retries; a failed check changes nothing)."""

from __future__ import annotations

import requests
import requests_mock

from connectors.media import MediaFetcher
from connectors.paging import RetryPolicy

URL = "https://i.ytimg.com/vi/abc/hqdefault.jpg"
NEW = b"\xff\xd8new thumbnail bytes"


def fetcher(adapter: requests_mock.Adapter) -> MediaFetcher:
    session = requests.Session()
    session.mount("https://", adapter)
    return MediaFetcher(session, RetryPolicy(max_retries=0, backoff_seconds=0.0, max_wait_seconds=0.0))


def test_same_size_is_not_downloaded_and_another_size_is() -> None:
    adapter = requests_mock.Adapter()
    adapter.register_uri("HEAD", URL, headers={"Content-Length": str(len(NEW))})
    adapter.register_uri("GET", URL, content=NEW, headers={"Content-Type": "image/jpeg"})
    assert fetcher(adapter).fetch_if_changed(URL, len(NEW)) is None
    assert [r.method for r in adapter.request_history] == ["HEAD"]
    assert fetcher(adapter).fetch_if_changed(URL, len(NEW) + 1) == NEW
    assert fetcher(adapter).fetch_if_changed(URL, None) == NEW  # never fingerprinted: just fetched


def test_a_failed_or_uninformative_check_changes_nothing() -> None:
    for response in (
        {"status_code": 503},
        {"status_code": 200, "headers": {}},
        {"exc": requests.ConnectionError("reset")},
    ):
        adapter = requests_mock.Adapter()
        adapter.register_uri("HEAD", URL, **response)  # type: ignore[arg-type]
        assert fetcher(adapter).fetch_if_changed(URL, 10) is None
        assert len(adapter.request_history) == 1
