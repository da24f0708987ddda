"""The X routes the sandbox answers: the API v2 paths, and the media CDN's /media/<key> files."""

from __future__ import annotations

from sandbox.dataset import Dataset
from sandbox.http import ApiRequest, Reply, Route, route, serve_file
from sandbox.x.responses import XResponses

X_ROUTES = ("x.me", "x.user", "x.tweets", "x.tweets_lookup", "x.followers", "x.following", "x.media")


def api_routes(api: XResponses) -> list[Route]:
    """In matching order: /2/users/me and /2/users/by are not user ids."""
    return [
        route("x.me", r"/2/users/me", api.serve_me),
        route("x.user", r"/2/users", lambda request: api.serve_users_lookup(request, "ids")),
        route("x.user", r"/2/users/by", lambda request: api.serve_users_lookup(request, "usernames")),
        route("x.user", r"/2/users/by/username/([^/]+)", api.serve_user_by_username),
        route("x.tweets", r"/2/users/([^/]+)/tweets", api.serve_tweets),
        route("x.tweets_lookup", r"/2/tweets", api.serve_posts_lookup),
        route(
            "x.followers",
            r"/2/users/([^/]+)/followers",
            lambda request, user_id: api.serve_follows(request, user_id, "followers"),
        ),
        route(
            "x.following",
            r"/2/users/([^/]+)/following",
            lambda request, user_id: api.serve_follows(request, user_id, "following"),
        ),
        route("x.user", r"/2/users/([^/]+)", api.serve_user),
    ]


def file_routes(dataset: Dataset) -> list[Route]:
    """Media by key, whatever extension the URL gives; files are looked up in the dataset's index by name,
    never joined onto a path."""

    def media(request: ApiRequest, name: str) -> Reply:
        return serve_file(dataset.media_files.get(name.rsplit(".", 1)[0]))

    return [route("x.media", r"/media/([^/]+)", media)]
