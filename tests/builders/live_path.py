"""What a real channel and account do that a first live run meets (issue 22), added to the tiny school: a published
thread with a reply YouTube holds as likely spam, other accounts' credentials, an app the account does not own, a
long post naming a pupil at its end, a pupil among the subscribers, an 80-video channel."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from sandbox.credentials import derived_google, derived_x
from tests.builders.pupil_comments import (
    PUPIL_CHANNEL,
    REPLY_THREAD_ID,
    add_pupil_replies_and_held_comment,
    declare_handle,
)
from tests.builders.tiny_dataset import CHANNEL_ID, X_ACCOUNT_ID, X_HANDLE

SPAM_REPLY_ID = f"{REPLY_THREAD_ID}.r1"
OTHER_X_ID = "1590000000000000077"
OTHER_X_HANDLE = "OtherSchoolPTA"
OTHER_CHANNEL_ID = "UCotherBrandAccount00001"
TRUST_OWNER_ID = "1590000000000000001"  # the member of staff whose developer app the school's keys come from
LONG_POST_ID = "1850000000000000013"
PUPIL_NAME = "Eleanor Brown"
PUPIL_SUBSCRIBER = PUPIL_CHANNEL  # the channel P0002 (Eleanor Brown) declares, and comments from


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def write_json(path: Path, value: Any) -> None:
    path.write_text(json.dumps(value, indent=2), encoding="utf-8")


def declare_to_sandbox(root: Path, platform: str, declared: dict[str, Any]) -> None:
    """Add to what the dataset's sandbox.json declares for `platform` (docs/contracts/dataset.md)."""
    path = root / "sandbox.json"
    current = read_json(path) if path.exists() else {}
    current.setdefault(platform, {}).update(declared)
    write_json(path, current)


def channel_dir(root: Path, channel_id: str = CHANNEL_ID) -> Path:
    return root / "youtube" / channel_id


def add_spam_reply_to_a_published_thread(root: Path) -> Path:
    """The pupil-comment school, whose published thread (a stranger's comment, seven replies, two the pupil's)
    gets one reply YouTube holds as likely spam: the thread comes back under `published` and `likelySpam`."""
    add_pupil_replies_and_held_comment(root)
    path = channel_dir(root) / "comment_threads.json"
    threads = read_json(path)
    thread = next(t for t in threads if t["id"] == REPLY_THREAD_ID)
    reply = next(r for r in thread["replies"]["comments"] if r["id"] == SPAM_REPLY_ID)
    reply["snippet"]["moderationStatus"] = "likelySpam"
    reply["snippet"]["textDisplay"] = reply["snippet"]["textOriginal"] = "cheap followers at example.com"
    write_json(path, threads)
    return root


def add_other_accounts(root: Path) -> Path:
    """Another X user and another channel the sandbox serves (not in school.toml): whose credentials a school may
    hold by mistake (a PTA's keys, the head's other Brand Account)."""
    other = root / "x" / OTHER_X_HANDLE
    other.mkdir(parents=True)
    user = {"id": OTHER_X_ID, "name": "Other PTA", "username": OTHER_X_HANDLE, "protected": False}
    user["public_metrics"] = {"followers_count": 1, "following_count": 0, "tweet_count": 0, "listed_count": 0}
    write_json(other / "account.json", user)
    write_json(other / "followers.json", [{"id": "1600000000000000099", "name": "A", "username": "a_parent"}])
    theirs = channel_dir(root, OTHER_CHANNEL_ID)
    shutil.copytree(channel_dir(root), theirs)
    channel = read_json(theirs / "channel.json")
    channel["id"] = OTHER_CHANNEL_ID
    channel["snippet"]["customUrl"] = "@otherbrand"
    channel["contentDetails"]["relatedPlaylists"]["uploads"] = "UUotherBrandAccount00001"
    write_json(theirs / "channel.json", channel)
    write_json(theirs / "videos.json", [])
    write_json(theirs / "comment_threads.json", [])
    for thumbnail in (theirs / "thumbnails").iterdir():
        thumbnail.unlink()
    return root


def other_x_keys_env() -> dict[str, str]:
    """The other user's own keys, set as the school's (SOCIALAUDIT_X_*)."""
    app, token = derived_x(OTHER_X_ID)
    return {
        "SOCIALAUDIT_X_CONSUMER_KEY": app.consumer_key,
        "SOCIALAUDIT_X_CONSUMER_SECRET": app.consumer_secret,
        "SOCIALAUDIT_X_ACCESS_TOKEN": token.access_token,
        "SOCIALAUDIT_X_ACCESS_TOKEN_SECRET": token.access_token_secret,
    }


def other_channel_token_file(directory: Path) -> Path:
    """An authorised-user token (as `socialaudit auth youtube` writes it) signed in as the other channel."""
    sign_in = derived_google(OTHER_CHANNEL_ID)
    path = directory / "youtube-token.json"
    info = {
        "refresh_token": sign_in.refresh_token,
        "client_id": "school.apps.googleusercontent.com",
        "client_secret": "school-secret",
        "token_uri": "https://oauth2.googleapis.com/token",
        "scopes": list(sign_in.scopes),
    }
    write_json(path, info)
    path.chmod(0o600)
    return path


def honest_metrics(root: Path) -> Path:
    """The account's public_metrics as the timeline and lists serve it (X's counts include every post)."""
    account_dir = root / "x" / X_HANDLE
    user = read_json(account_dir / "account.json")
    user["public_metrics"] = {
        "followers_count": len(read_json(account_dir / "followers.json")),
        "following_count": len(read_json(account_dir / "following.json")),
        "tweet_count": len(read_json(account_dir / "posts.json")["data"]),
        "listed_count": 0,
    }
    write_json(account_dir / "account.json", user)
    return root


def app_owned_by_someone_else(root: Path) -> Path:
    """The school's keys come from a developer app a member of staff made: the token is the school account's,
    the app is not (sandbox.json)."""
    app, _ = derived_x(TRUST_OWNER_ID)
    _, token = derived_x(X_ACCOUNT_ID)
    apps = [
        {"consumer_key": app.consumer_key, "consumer_secret": app.consumer_secret, "owner_id": TRUST_OWNER_ID}
    ]
    tokens = [
        {
            "user_id": X_ACCOUNT_ID,
            "access_token": token.access_token,
            "access_token_secret": token.access_token_secret,
            "consumer_key": app.consumer_key,
        }
    ]
    declare_to_sandbox(root, "x", {"apps": apps, "tokens": tokens})
    return root


def add_long_post_naming_a_pupil(root: Path) -> str:
    """A 400-character post whose last words name a pupil: X serves its first 280 characters as `text`."""
    opening = (
        "What a week at Tiny Lane! " + "Our Year 5 class visited the museum and learnt about the Romans. " * 7
    )
    text = (opening[: 400 - len(f" Well done {PUPIL_NAME}!")] + f" Well done {PUPIL_NAME}!")[:400]
    assert len(text) == 400 and text.endswith(f"{PUPIL_NAME}!")
    path = root / "x" / X_HANDLE / "posts.json"
    posts = read_json(path)
    posts["data"].insert(
        0,
        {
            "id": LONG_POST_ID,
            "text": text,
            "created_at": "2026-11-10T09:00:00.000Z",
            "author_id": X_ACCOUNT_ID,
            "edit_history_tweet_ids": [LONG_POST_ID],
        },
    )
    write_json(path, posts)
    return text


def quote_a_post_x_cannot_return(root: Path) -> Path:
    """A post quoting another account's post that was deleted since (X names it in `errors` beside the data)."""
    path = root / "x" / X_HANDLE / "posts.json"
    posts = read_json(path)
    posts["data"][0]["referenced_tweets"] = [{"type": "quoted", "id": "1849000000000000666"}]
    write_json(path, posts)
    return root


def add_pupil_subscriber(root: Path) -> Path:
    """P0002 declares a YouTube channel (the one she comments from) that subscribes to the school's."""
    declare_handle(root, "P0002", f"youtube:{PUPIL_SUBSCRIBER}")
    subscribers_path = channel_dir(root) / "subscribers.json"
    subscribers = read_json(subscribers_path)
    template = subscribers[0]
    subscribers.append(
        {
            **template,
            "id": "subscriptionOfEleanor",
            "subscriberSnippet": {
                **template["subscriberSnippet"],
                "channelId": PUPIL_SUBSCRIBER,
                "title": "Ellie B",
            },
        }
    )
    write_json(subscribers_path, subscribers)
    return root


def leave_out_of_the_sample(root: Path, channel_id: str) -> Path:
    """This week's visible sample, capped below the channel's subscribers, happens not to list `channel_id`."""
    path = channel_dir(root) / "subscribers.json"
    subscribers = read_json(path)
    kept = [s for s in subscribers if s["subscriberSnippet"]["channelId"] != channel_id]
    write_json(path, kept)
    declare_to_sandbox(root, "youtube", {"subscriber_cap": len(kept)})
    return root


def grow_to_videos(root: Path, n_videos: int) -> Path:
    """The channel with `n_videos` uploads (copies of its first commentable video, each with its thumbnail), each
    of the copies with one published comment thread."""
    directory = channel_dir(root)
    videos = read_json(directory / "videos.json")
    threads = read_json(directory / "comment_threads.json")
    model = next(v for v in videos if not v["status"].get("madeForKids"))
    thumbnail = next((directory / "thumbnails").glob(f"{model['id']}.*"))
    thread = next(t for t in threads if t["snippet"]["videoId"] == model["id"])
    for n in range(len(videos), n_videos):
        video_id = f"Copy{n:07d}"
        copy = json.loads(json.dumps(model).replace(model["id"], video_id))
        copy["snippet"]["publishedAt"] = f"2025-{1 + n % 12:02d}-{1 + n % 27:02d}T10:00:00Z"
        videos.append(copy)
        shutil.copyfile(thumbnail, directory / "thumbnails" / f"{video_id}{thumbnail.suffix}")
        threads.append(
            json.loads(
                json.dumps(thread).replace(thread["id"], f"UgCopy{n:07d}").replace(model["id"], video_id)
            )
        )
    write_json(directory / "videos.json", videos)
    write_json(directory / "comment_threads.json", threads)
    channel = read_json(directory / "channel.json")
    channel["statistics"]["videoCount"] = str(len(videos))
    write_json(directory / "channel.json", channel)
    return root


def subscribers_of(root: Path) -> list[str]:
    return [s["subscriberSnippet"]["channelId"] for s in read_json(channel_dir(root) / "subscribers.json")]
