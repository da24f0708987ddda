"""A hand-made sandbox dataset small enough to reason about in a test: one X account, one YouTube channel."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

SCHOOL_NAME = "Tiny Lane Primary School"
X_HANDLE = "TinyLanePrimary"
X_ACCOUNT_ID = "1580000000000000001"
CHANNEL_ID = "UCtinyLane0000000000001A"
UPLOADS_PLAYLIST_ID = "UUtinyLane0000000000001A"
CHANNEL_HANDLE = "@tinylaneprimary"

FOLLOWER_IDS = [f"16000000000000000{n:02d}" for n in range(1, 8)]
FOLLOWING_IDS = ["1700000000000000001", "1600000000000000003"]
POST_IDS = [str(1850000000000000000 + n) for n in range(12, 0, -1)]  # newest first
PHOTO_SPORTS = "3_1850000000000000112"
PHOTO_GARDEN_A = "3_1850000000000000110"
PHOTO_GARDEN_B = "3_1850000000000000111"
VIDEO_CHOIR = "7_1850000000000000107"
CHOIR_POST_ID = "1850000000000000007"
MEDIA_BY_POST = {
    "1850000000000000012": [PHOTO_SPORTS],
    "1850000000000000010": [PHOTO_GARDEN_A, PHOTO_GARDEN_B],
    CHOIR_POST_ID: [VIDEO_CHOIR],
}
REPLY_POST_ID = "1850000000000000004"

VIDEO_SPORTS = "SportsDay01"
VIDEO_NATIVITY = "Nativity002"
VIDEO_SONG = "KidsSong003"  # made for kids: comments disabled
SUBSCRIBER_CHANNEL_IDS = [f"UCsubscriber{n:012d}" for n in range(1, 5)]
THREAD_IDS = ["UgThreadSports1", "UgThreadSports2", "UgThreadNativity1"]

REGISTER_HEADERS = {
    "pupils.csv": [
        "pupil_id",
        "forename",
        "surname",
        "preferred_name",
        "date_of_birth",
        "year_group",
        "status",
        "leaving_date",
        "photo_consent",
        "known_handles",
    ],
    "staff.csv": [
        "staff_id",
        "forename",
        "surname",
        "preferred_name",
        "role",
        "personal_handles",
        "official_handles",
    ],
    "parents.csv": ["parent_id", "forename", "surname", "pupil_ids", "known_handles"],
    "approved_media.csv": [
        "approval_id",
        "file",
        "platform",
        "post_id",
        "approved_by",
        "approved_on",
        "pupils_pictured",
    ],
}


def _write_json(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=2, ensure_ascii=False), encoding="utf-8")


def _write_image(path: Path, colour: tuple[int, int, int], label: str) -> None:
    """A small picture whose pixels differ from every other one written here."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", (48, 32), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((4, 4, 4 + 3 * len(label), 20), fill=(255 - colour[0], 255 - colour[1], 255 - colour[2]))
    draw.text((6, 18), label[:6], fill=(0, 0, 0))
    image.save(path)


def _user(user_id: str, username: str, name: str, day: int, **extra: Any) -> dict[str, Any]:
    return {
        "id": user_id,
        "name": name,
        "username": username,
        "created_at": f"2021-03-{day:02d}T09:00:00.000Z",
        "protected": False,
        "public_metrics": {
            "followers_count": 10 + day,
            "following_count": 50,
            "tweet_count": day,
            "listed_count": 0,
        },
        **extra,
    }


def _x_account(root: Path) -> None:
    account_dir = root / "x" / X_HANDLE
    account = _user(
        X_ACCOUNT_ID,
        X_HANDLE,
        SCHOOL_NAME,
        1,
        description="News from Tiny Lane Primary School, Anytown.",
        location="Anytown, UK",
    )
    account["created_at"] = "2015-09-01T08:00:00.000Z"
    _write_json(account_dir / "account.json", account)

    followers = [
        _user(FOLLOWER_IDS[0], "jess_smith_mum", "Jess Smith", 2, description="Mum of two. Tiny Lane PTA."),
        _user(FOLLOWER_IDS[1], "alfie_p_y6", "Alfie P", 3, description="year 6 tiny lane"),
        _user(FOLLOWER_IDS[2], "anytown_library", "Anytown Library", 4, location="Anytown"),
        _user(FOLLOWER_IDS[3], "mr_jones_teach", "Mr Jones", 5, description="Teacher. Views my own."),
        _user(FOLLOWER_IDS[4], "ellie_b2015", "Ellie B", 6, protected=True),
        _user(FOLLOWER_IDS[5], "grandad_ray", "Ray", 7, description="Grandad, gardener"),
        _user(
            FOLLOWER_IDS[6], "anytown_fc", "Anytown FC", 8, location="Anytown", description="Football club"
        ),
    ]
    _write_json(account_dir / "followers.json", followers)
    following = [
        _user(FOLLOWING_IDS[0], "anytown_council", "Anytown Council", 9),
        followers[2],
    ]
    _write_json(account_dir / "following.json", following)

    media: list[dict[str, Any]] = []
    colours = {
        PHOTO_SPORTS: ((200, 40, 40), "jpg"),
        PHOTO_GARDEN_A: ((40, 160, 40), "png"),
        PHOTO_GARDEN_B: ((60, 60, 200), "jpg"),
        VIDEO_CHOIR: ((220, 200, 30), "jpg"),
    }
    for media_key, (colour, ext) in colours.items():
        _write_image(account_dir / "media" / f"{media_key}.{ext}", colour, media_key[-3:])
        if media_key.startswith("7_"):
            media.append(
                {
                    "media_key": media_key,
                    "type": "video",
                    "preview_image_url": f"https://pbs.twimg.com/ext_tw_video_thumb/{CHOIR_POST_ID}/pu/img/{media_key}.{ext}",
                    "duration_ms": 31000,
                    "width": 48,
                    "height": 32,
                }
            )
        else:
            item: dict[str, Any] = {
                "media_key": media_key,
                "type": "photo",
                "url": f"https://pbs.twimg.com/media/{media_key}.{ext}",
                "width": 48,
                "height": 32,
            }
            if media_key != PHOTO_GARDEN_B:
                item["alt_text"] = f"Photo {media_key[-3:]} from school"
            media.append(item)

    posts = []
    for index, post_id in enumerate(POST_IDS):
        day = 28 - index * 2
        post: dict[str, Any] = {
            "id": post_id,
            "text": f"Tiny Lane news item {12 - index} #TinyLane",
            "created_at": f"2026-10-{day:02d}T15:30:00.000Z",
            "author_id": X_ACCOUNT_ID,
            "edit_history_tweet_ids": [post_id],
            "lang": "en",
            "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": index, "quote_count": 0},
            "entities": {"hashtags": [{"start": 25, "end": 34, "tag": "TinyLane"}]},
        }
        if post_id in MEDIA_BY_POST:
            post["attachments"] = {"media_keys": MEDIA_BY_POST[post_id]}
        if post_id == REPLY_POST_ID:
            post["referenced_tweets"] = [{"type": "replied_to", "id": POST_IDS[-1]}]
            post["in_reply_to_user_id"] = FOLLOWER_IDS[0]
        posts.append(post)
    _write_json(account_dir / "posts.json", {"data": posts, "includes": {"media": media}})


def _thumbnails(video_id: str) -> dict[str, Any]:
    return {
        "default": {"url": f"https://i.ytimg.com/vi/{video_id}/default.jpg", "width": 120, "height": 90},
        "high": {"url": f"https://i.ytimg.com/vi/{video_id}/hqdefault.jpg", "width": 480, "height": 360},
    }


def _youtube_channel(root: Path) -> None:
    channel_dir = root / "youtube" / CHANNEL_ID
    channel = {
        "kind": "youtube#channel",
        "etag": "tinyLaneChannelEtag",
        "id": CHANNEL_ID,
        "snippet": {
            "title": SCHOOL_NAME,
            "description": "Videos from Tiny Lane Primary School.",
            "customUrl": CHANNEL_HANDLE,
            "publishedAt": "2016-01-10T10:00:00Z",
            "thumbnails": {
                "default": {"url": "https://yt3.ggpht.com/tinylane=s88", "width": 88, "height": 88}
            },
            "country": "GB",
        },
        "contentDetails": {"relatedPlaylists": {"likes": "", "uploads": UPLOADS_PLAYLIST_ID}},
        "statistics": {
            "viewCount": "1234",
            "subscriberCount": "42",
            "hiddenSubscriberCount": False,
            "videoCount": "3",
        },
        "status": {"privacyStatus": "public", "isLinked": True, "madeForKids": False},
    }
    _write_json(channel_dir / "channel.json", channel)

    specs = [
        (VIDEO_NATIVITY, "Nativity 2025", "2025-12-15T16:00:00Z", False, (90, 30, 120)),
        (VIDEO_SPORTS, "Sports day highlights", "2026-07-10T14:00:00Z", False, (30, 120, 200)),
        (VIDEO_SONG, "Our class song", "2026-03-02T09:00:00Z", True, (250, 140, 0)),
    ]
    videos = []
    for video_id, title, published, for_kids, colour in specs:
        videos.append(
            {
                "kind": "youtube#video",
                "etag": f"etag{video_id}",
                "id": video_id,
                "snippet": {
                    "publishedAt": published,
                    "channelId": CHANNEL_ID,
                    "title": title,
                    "description": f"{title} at Tiny Lane.",
                    "thumbnails": _thumbnails(video_id),
                    "channelTitle": SCHOOL_NAME,
                    "tags": ["school"],
                    "categoryId": "27",
                },
                "contentDetails": {
                    "duration": "PT2M3S",
                    "dimension": "2d",
                    "definition": "hd",
                    "caption": "false",
                },
                "status": {
                    "uploadStatus": "processed",
                    "privacyStatus": "public",
                    "license": "youtube",
                    "embeddable": True,
                    "publicStatsViewable": True,
                    "madeForKids": for_kids,
                    "selfDeclaredMadeForKids": for_kids,
                },
                "statistics": {
                    "viewCount": "100",
                    "likeCount": "5",
                    "commentCount": "0" if for_kids else "2",
                },
            }
        )
        _write_image(channel_dir / "thumbnails" / f"{video_id}.jpg", colour, video_id[:5])
    _write_json(channel_dir / "videos.json", videos)

    subscribers = []
    for number, subscriber_id in enumerate(SUBSCRIBER_CHANNEL_IDS, start=1):
        title = ["Jess Smith", "Alfie Plays", "Anytown Scouts", "Ray Gardens"][number - 1]
        subscribers.append(
            {
                "kind": "youtube#subscription",
                "etag": f"subEtag{number}",
                "id": f"subscriptionId{number:04d}",
                "snippet": {
                    "publishedAt": f"2026-0{number}-01T12:00:00Z",
                    "title": SCHOOL_NAME,
                    "description": "",
                    "resourceId": {"kind": "youtube#channel", "channelId": CHANNEL_ID},
                    "channelId": subscriber_id,
                    "thumbnails": {},
                },
                "subscriberSnippet": {
                    "title": title,
                    "description": "",
                    "channelId": subscriber_id,
                    "thumbnails": {"default": {"url": f"https://yt3.ggpht.com/{subscriber_id}=s88"}},
                },
            }
        )
    _write_json(channel_dir / "subscribers.json", subscribers)

    threads = []
    for thread_id, video_id, author, text in [
        (THREAD_IDS[0], VIDEO_SPORTS, SUBSCRIBER_CHANNEL_IDS[1], "Great race!"),
        (THREAD_IDS[1], VIDEO_SPORTS, SUBSCRIBER_CHANNEL_IDS[0], "Well done everyone"),
        (THREAD_IDS[2], VIDEO_NATIVITY, SUBSCRIBER_CHANNEL_IDS[3], "Lovely singing"),
    ]:
        comment_snippet = {
            "channelId": CHANNEL_ID,
            "videoId": video_id,
            "textDisplay": text,
            "textOriginal": text,
            "authorDisplayName": f"@{author.lower()}",
            "authorChannelId": {"value": author},
            "canRate": True,
            "viewerRating": "none",
            "likeCount": 1,
            "publishedAt": "2026-07-11T10:00:00Z",
            "updatedAt": "2026-07-11T10:00:00Z",
        }
        threads.append(
            {
                "kind": "youtube#commentThread",
                "etag": f"threadEtag{thread_id}",
                "id": thread_id,
                "snippet": {
                    "channelId": CHANNEL_ID,
                    "videoId": video_id,
                    "topLevelComment": {
                        "kind": "youtube#comment",
                        "etag": f"commentEtag{thread_id}",
                        "id": thread_id,
                        "snippet": comment_snippet,
                    },
                    "canReply": True,
                    "totalReplyCount": 0,
                    "isPublic": True,
                },
            }
        )
    _write_json(channel_dir / "comment_threads.json", threads)


def _registers(root: Path) -> None:
    registers = root / "registers"
    _write_image(registers / "approved_media" / "sports_day.jpg", (200, 40, 40), "112")
    rows = {
        "pupils.csv": [
            ["P0001", "Alfie", "Price", "", "2015-05-04", "6", "current", "", "granted", "x:@alfie_p_y6"],
            ["P0002", "Eleanor", "Brown", "Ellie", "2015-11-20", "5", "current", "", "refused", ""],
        ],
        "staff.csv": [["S001", "Owen", "Jones", "", "Teacher", "x:@mr_jones_teach", ""]],
        "parents.csv": [
            ["PA0001", "Jessica", "Smith", "P0001", "x:@jess_smith_mum;youtube:" + SUBSCRIBER_CHANNEL_IDS[0]]
        ],
        "approved_media.csv": [
            ["A001", "sports_day.jpg", "x", "", "Headteacher", "2026-10-01", "P0001"],
            ["A002", "", "youtube", VIDEO_NATIVITY, "Headteacher", "2025-12-14", ""],
        ],
    }
    for name, header in REGISTER_HEADERS.items():
        with (registers / name).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows[name])


def build_tiny_dataset(root: Path) -> Path:
    """Write the tiny dataset under `root` (created if needed) and return `root`."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    (root / "school.toml").write_text(
        f"""[school]
name = "{SCHOOL_NAME}"
urn = "999001"
phase = "primary"
timezone = "Europe/London"

[[accounts]]
platform = "x"
handle = "{X_HANDLE}"
id = "{X_ACCOUNT_ID}"
approved_by = "Headteacher"
approved_on = 2024-09-01

[[accounts]]
platform = "youtube"
handle = "{CHANNEL_HANDLE}"
id = "{CHANNEL_ID}"
approved_by = "Headteacher"
approved_on = 2024-09-01
""",
        encoding="utf-8",
    )
    _registers(root)
    _x_account(root)
    _youtube_channel(root)
    return root
