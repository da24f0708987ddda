"""Which published images a run downloads: never fingerprinted, another version shown by the API, or (YouTube
thumbnails) a size check; X media once fingerprinted are never fetched again."""

from __future__ import annotations

from connectors.streams import thumbnail_version
from warehouse.state import WarehouseState, not_yet_fingerprinted

THUMBS = {
    "default": {"url": "https://i.ytimg.com/vi/v1/default.jpg", "width": 120, "height": 90},
    "high": {"url": "https://i.ytimg.com/vi/v1/hqdefault.jpg", "width": 480, "height": 360},
}


def item(ref: str, version: str | None = None) -> dict[str, object]:
    return {
        "media_ref": ref,
        "platform": ref.split(":")[0],
        "account_id": "a",
        "url": "u",
        "version": version,
    }


def test_the_thumbnail_version_is_every_size_the_api_shows() -> None:
    before = thumbnail_version({"snippet": {"thumbnails": THUMBS}})
    maxres = {"url": "https://i.ytimg.com/vi/v1/maxresdefault.jpg", "width": 1280, "height": 720}
    after = thumbnail_version({"snippet": {"thumbnails": {**THUMBS, "maxres": maxres}}})
    assert before and after and before != after
    assert thumbnail_version({"snippet": {}}) is None


def test_what_is_downloaded() -> None:
    state = WarehouseState(
        known_media={"x:3_1": None, "youtube:v1": "old", "youtube:v2": "same", "youtube:v3": None},
        thumbnail_bytes={"youtube:v1": 10, "youtube:v2": 20, "youtube:v3": 30},
    )
    wanted = [
        item("x:3_1"),
        item("x:3_2"),
        item("youtube:v1", "new"),
        item("youtube:v2", "same"),
        item("youtube:v3", "v"),
    ]
    chosen = not_yet_fingerprinted(wanted, state)
    assert [(i["media_ref"], i.get("known_bytes")) for i in chosen] == [
        ("x:3_2", None),  # never fingerprinted
        ("youtube:v1", None),  # the API shows another version: downloaded
        ("youtube:v2", 20),  # unchanged version: only if its size changed
        ("youtube:v3", 30),  # fingerprinted before versions were recorded: a size check
    ]
