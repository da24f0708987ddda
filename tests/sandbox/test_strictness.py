"""The sandbox is as strict as X and YouTube document, never more forgiving: per-user rate limits enforced, the
project's daily quota counted, what X bills by ownership, subscribers capped in no stable order, moderation states
by reply (docs/contracts/dataset.md, What the sandbox does with it)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import tweepy
from googleapiclient.errors import HttpError

from sandbox.credentials import derived_x
from sandbox.server import SandboxServer
from sandbox.x.models import X_RATE_LIMITS
from tests.builders.live_path import SPAM_REPLY_ID, add_spam_reply_to_a_published_thread
from tests.builders.pupil_comments import REPLY_THREAD_ID
from tests.builders.sandbox_clients import make_x_client, make_youtube
from tests.builders.tiny_dataset import CHANNEL_ID, SUBSCRIBER_CHANNEL_IDS, X_ACCOUNT_ID, build_tiny_dataset


def _sandbox_json(root: Path, value: dict[str, object]) -> Path:
    (root / "sandbox.json").write_text(json.dumps(value), encoding="utf-8")
    return root


def test_a_users_window_is_enforced_per_route(tiny_dataset: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(X_RATE_LIMITS, "x.me", 2)
    with SandboxServer(tiny_dataset) as server:
        client = make_x_client(server, dict)
        client.get_me(user_auth=True)
        client.get_me(user_auth=True)
        with pytest.raises(tweepy.TooManyRequests) as refused:
            client.get_me(user_auth=True)
        assert refused.value.response.headers["x-rate-limit-remaining"] == "0"
        assert client.get_users_followers(X_ACCOUNT_ID, user_auth=True)["data"]  # another route's window


def test_the_projects_daily_quota_runs_out(tmp_path: Path) -> None:
    dataset = _sandbox_json(build_tiny_dataset(tmp_path / "school"), {"youtube": {"daily_quota": 3}})
    with SandboxServer(dataset) as server:
        youtube = make_youtube(server, owner=CHANNEL_ID)
        for _ in range(3):
            youtube.channels().list(mine=True, part="id").execute()
        with pytest.raises(HttpError) as refused:
            youtube.channels().list(mine=True, part="id").execute()
        assert (
            refused.value.status_code == 403 and refused.value.error_details[0]["reason"] == "quotaExceeded"
        )
        assert server.ledger is not None and server.ledger.youtube_units == 3


def test_x_bills_owned_reads_only_to_the_apps_owner(tmp_path: Path) -> None:
    dataset = build_tiny_dataset(tmp_path / "school")
    with SandboxServer(dataset) as server:
        own = make_x_client(server, dict)
        own.get_users_followers(X_ACCOUNT_ID, max_results=5, user_auth=True)
        own.get_users_followers(
            X_ACCOUNT_ID, max_results=5, user_auth=True
        )  # the same users, the same UTC day
        assert server.ledger is not None
        first, again = server.ledger.x
        assert (first.owned, first.billed, first.usd) == (True, 5, pytest.approx(0.005))
        assert (again.billed, again.usd) == (0, 0.0)
    app, _ = derived_x("1590000000000000001")  # a member of staff's app issued the school account's token
    _, token = derived_x(X_ACCOUNT_ID)
    apps = [
        {
            "consumer_key": app.consumer_key,
            "consumer_secret": app.consumer_secret,
            "owner_id": "1590000000000000001",
        }
    ]
    tokens = [
        {
            **{k: getattr(token, k) for k in ("user_id", "access_token", "access_token_secret")},
            "consumer_key": app.consumer_key,
        }
    ]
    _sandbox_json(dataset, {"x": {"apps": apps, "tokens": tokens}})
    with SandboxServer(dataset) as server:
        make_x_client(server, dict).get_users_followers(X_ACCOUNT_ID, max_results=5, user_auth=True)
        assert server.ledger is not None
        (charge,) = server.ledger.x
        assert (charge.owned, charge.usd) == (False, pytest.approx(0.050))


def test_subscribers_are_capped_and_in_no_stable_order(tmp_path: Path) -> None:
    dataset = _sandbox_json(build_tiny_dataset(tmp_path / "school"), {"youtube": {"subscriber_cap": 3}})
    orders = set()
    for _ in range(6):
        with SandboxServer(dataset) as server:
            items = (
                make_youtube(server, owner=CHANNEL_ID)
                .subscriptions()
                .list(mySubscribers=True, part="subscriberSnippet", maxResults=50)
                .execute()["items"]
            )
            listed = tuple(i["subscriberSnippet"]["channelId"] for i in items)
            assert len(listed) == 3 and set(listed) <= set(SUBSCRIBER_CHANNEL_IDS)
            orders.add(listed)
    assert len(orders) > 1


def test_a_thread_comes_back_under_each_state_its_comments_are_in(tmp_path: Path) -> None:
    dataset = add_spam_reply_to_a_published_thread(build_tiny_dataset(tmp_path / "school"))
    with SandboxServer(dataset) as server:
        owner = make_youtube(server, owner=CHANNEL_ID)

        def listed(state: str) -> dict[str, Any]:
            answer = owner.commentThreads().list(
                allThreadsRelatedToChannelId=CHANNEL_ID,
                part="snippet,replies",
                moderationStatus=state,
                maxResults=100,
            )
            return {t["id"]: t for t in answer.execute()["items"]}

        published, spam = listed("published"), listed("likelySpam")
        assert REPLY_THREAD_ID in published and REPLY_THREAD_ID in spam
        top = spam[REPLY_THREAD_ID]["snippet"]["topLevelComment"]["snippet"]
        assert top["moderationStatus"] == "published"
        replies = {
            r["id"]: r["snippet"]["moderationStatus"] for r in spam[REPLY_THREAD_ID]["replies"]["comments"]
        }
        assert replies[SPAM_REPLY_ID] == "likelySpam"
        # Anyone but the owner sees the published comments only, without their states.
        public = (
            make_youtube(server)
            .commentThreads()
            .list(videoId=published[REPLY_THREAD_ID]["snippet"]["videoId"], part="snippet,replies")
            .execute()
        )
        thread = next(t for t in public["items"] if t["id"] == REPLY_THREAD_ID)
        assert SPAM_REPLY_ID not in {r["id"] for r in thread["replies"]["comments"]}
        assert "moderationStatus" not in thread["snippet"]["topLevelComment"]["snippet"]
