"""The YouTube side of a dataset: its channels (each with videos, subscribers and comment threads), the
uploads playlists YouTube derives from the videos, and which channel an OAuth token stands for."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sandbox.http import JsonObject, etag_of

if TYPE_CHECKING:
    from sandbox.dataset import Dataset


@dataclass
class YouTubeChannel:
    channel_id: str
    channel: JsonObject
    videos: list[JsonObject]
    subscribers: list[JsonObject]
    threads: list[JsonObject]

    @property
    def uploads_playlist_id(self) -> str:
        related = self.channel.get("contentDetails", {}).get("relatedPlaylists", {})
        return str(related.get("uploads", ""))

    @property
    def handle(self) -> str:
        return str(self.channel.get("snippet", {}).get("customUrl", ""))


class YouTubeBackend:
    """The dataset's channels and their uploads playlists, looked up the ways the YouTube routes need."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self.channels = dataset.channels
        self.playlists: dict[str, list[JsonObject]] = {
            channel.uploads_playlist_id: [
                playlist_item(channel, video, position) for position, video in enumerate(channel.videos)
            ]
            for channel in dataset.channels
            if channel.uploads_playlist_id
        }

    def channel(self, channel_id: str) -> YouTubeChannel | None:
        return self.dataset.channel(channel_id)

    def video(self, video_id: str) -> tuple[YouTubeChannel, JsonObject] | None:
        return self.dataset.video(video_id)

    def channel_of_thread(self, thread: JsonObject) -> YouTubeChannel | None:
        return next((c for c in self.channels if any(t is thread for t in c.threads)), None)


def playlist_item(channel: YouTubeChannel, video: JsonObject, position: int) -> JsonObject:
    """An uploads-playlist item as YouTube derives it from the video."""
    snippet = video.get("snippet", {})
    playlist_id = channel.uploads_playlist_id
    video_id = str(video.get("id", ""))
    item_id = base64.urlsafe_b64encode(f"{playlist_id}.{video_id}".encode()).decode("ascii").rstrip("=")
    channel_title = snippet.get("channelTitle") or channel.channel.get("snippet", {}).get("title", "")
    item: JsonObject = {
        "kind": "youtube#playlistItem",
        "id": item_id,
        "snippet": {
            "publishedAt": snippet.get("publishedAt"),
            "channelId": channel.channel_id,
            "title": snippet.get("title", ""),
            "description": snippet.get("description", ""),
            "thumbnails": snippet.get("thumbnails", {}),
            "channelTitle": channel_title,
            "playlistId": playlist_id,
            "position": position,
            "resourceId": {"kind": "youtube#video", "videoId": video_id},
            "videoOwnerChannelTitle": channel_title,
            "videoOwnerChannelId": channel.channel_id,
        },
        "contentDetails": {"videoId": video_id, "videoPublishedAt": snippet.get("publishedAt")},
        "status": {"privacyStatus": video.get("status", {}).get("privacyStatus", "public")},
    }
    item["etag"] = etag_of(item)
    return item
