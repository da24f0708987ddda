"""The YouTube routes the sandbox answers: the Data API v3 list calls, and the /vi/<video id>/ thumbnails."""

from __future__ import annotations

from sandbox.dataset import Dataset
from sandbox.http import ApiRequest, Reply, Route, route, serve_file
from sandbox.youtube.responses import YouTubeResponses

YT_ROUTES = (
    "yt.channels",
    "yt.playlistItems",
    "yt.videos",
    "yt.subscriptions",
    "yt.commentThreads",
    "yt.comments",
    "yt.token",
    "yt.thumbnails",
)
# Google's token endpoint (oauth2.googleapis.com/token) on the sandbox: the only route taking a POST.
TOKEN_PATH = "/token"  # noqa: S105 - a URL path, not a secret


def api_routes(api: YouTubeResponses) -> list[Route]:
    return [
        route("yt.channels", r"/youtube/v3/channels", api.serve_channels),
        route("yt.playlistItems", r"/youtube/v3/playlistItems", api.serve_playlist_items),
        route("yt.videos", r"/youtube/v3/videos", api.serve_videos),
        route("yt.subscriptions", r"/youtube/v3/subscriptions", api.serve_subscriptions),
        route("yt.commentThreads", r"/youtube/v3/commentThreads", api.serve_comment_threads),
        route("yt.comments", r"/youtube/v3/comments", api.serve_comments),
        route("yt.token", TOKEN_PATH, api.serve_token),
    ]


def file_routes(dataset: Dataset) -> list[Route]:
    """Thumbnails by video id, whichever size the URL names; looked up in the dataset's index by name."""

    def thumbnail(request: ApiRequest, video_id: str) -> Reply:
        return serve_file(dataset.thumbnail_files.get(video_id))

    return [route("yt.thumbnails", r"/vi(?:_webp)?/([^/]+)/[^/]+", thumbnail)]
