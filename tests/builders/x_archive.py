"""X account archives (the ZIP X sends a school), written from a sandbox dataset's X account as X writes them:
`data/account.js`, `data/tweets.js` (or parts) with v1.1-shaped posts, `data/tweets_media/<post id>-<file>`."""

from __future__ import annotations

import json
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

ARCHIVE_TIME = "%a %b %d %H:%M:%S %z %Y"


def js(global_name: str, value: Any) -> str:
    return f"window.{global_name} = {json.dumps(value, indent=2, ensure_ascii=False)}"


def archive_post(post: dict[str, Any], media_by_key: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """An API v2 post as the archive spells it: id_str, full_text, created_at, v1.1 entities, strings for numbers."""
    created = datetime.fromisoformat(post["created_at"].replace("Z", "+00:00"))
    hashtags = [
        {"text": h["tag"], "indices": [str(h["start"]), str(h["end"])]}
        for h in (post.get("entities") or {}).get("hashtags", [])
    ]
    tweet: dict[str, Any] = {
        "edit_info": {"initial": {"editTweetIds": [post["id"]], "editableUntil": "", "editsRemaining": "5"}},
        "retweeted": False,
        "source": '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
        "entities": {"hashtags": hashtags, "symbols": [], "user_mentions": [], "urls": []},
        "display_text_range": ["0", str(len(post["text"]))],
        "favorite_count": "3",
        "id_str": post["id"],
        "truncated": False,
        "retweet_count": "1",
        "id": post["id"],
        "created_at": created.strftime(ARCHIVE_TIME),
        "favorited": False,
        "full_text": post["text"],
        "lang": "en",
    }
    media = []
    for key in (post.get("attachments") or {}).get("media_keys", []):
        item = media_by_key[key]
        media_id = key.split("_", 1)[1]
        url = str(item.get("url") or item.get("preview_image_url"))
        media.append(
            {
                "expanded_url": f"https://x.com/school/status/{post['id']}/photo/1",
                "indices": ["0", "0"],
                "url": "https://t.co/abc",
                "media_url": url.replace("https://", "http://"),
                "id_str": media_id,
                "id": media_id,
                "media_url_https": url,
                "sizes": {"large": {"w": str(item.get("width", 1200)), "h": str(item.get("height", 900))}},
                "type": item["type"],
                "display_url": "pic.x.com/abc",
            }
        )
    if media:
        tweet["entities"]["media"] = media[:1]
        tweet["extended_entities"] = {"media": media}
    return tweet


def write_archive(
    dataset: Path,
    handle: str,
    zip_path: Path,
    *,
    parts: int = 1,
    wrapped: bool = True,
    manifest: bool = False,
    folder: str = "",
    leave_out_images: frozenset[str] = frozenset(),
    extra_members: dict[str, bytes] | None = None,
) -> Path:
    """The archive of the dataset's X account `handle`: every post of its posts.json, in `parts` files."""
    account_dir = dataset / "x" / handle
    account = json.loads((account_dir / "account.json").read_text(encoding="utf-8"))
    account = account.get("data", account)
    posts_file = json.loads((account_dir / "posts.json").read_text(encoding="utf-8"))
    media_by_key = {m["media_key"]: m for m in (posts_file.get("includes") or {}).get("media", [])}
    posts = [archive_post(p, media_by_key) for p in posts_file["data"]]
    entries = [{"tweet": p} if wrapped else p for p in posts]
    root = f"{folder}/" if folder else ""
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
        account_js = [
            {
                "account": {
                    "email": "office@school.example",
                    "createdVia": "web",
                    "username": account["username"],
                    "accountId": str(account["id"]),
                    "createdAt": "2015-09-01T08:00:00.000Z",
                    "accountDisplayName": account.get("name", ""),
                }
            }
        ]
        archive.writestr(f"{root}data/account.js", js("YTD.account.part0", account_js))
        archive.writestr(
            f"{root}data/follower.js",
            js("YTD.follower.part0", [{"follower": {"accountId": "1", "userLink": "https://x.com/1"}}]),
        )
        size = -(-len(entries) // parts) if entries else 1
        files = []
        for n in range(parts):
            name = (
                "data/tweets.js" if parts == 1 else f"data/tweets-part{n + 1}.js" if n else "data/tweets.js"
            )
            global_name = f"YTD.tweets.part{n}"
            archive.writestr(f"{root}{name}", js(global_name, entries[n * size : (n + 1) * size]))
            files.append({"fileName": name, "globalName": global_name, "count": str(len(entries))})
        if manifest:
            config = {
                "userInfo": {"accountId": str(account["id"]), "userName": account["username"]},
                "archiveInfo": {"sizeBytes": "1", "generationDate": "2026-11-20T10:00:00.000Z"},
                "dataTypes": {"tweets": {"files": files}},
            }
            archive.writestr(f"{root}data/manifest.js", js("__THAR_CONFIG", config))
        for post in posts_file["data"]:
            for key in (post.get("attachments") or {}).get("media_keys", []):
                if key in leave_out_images:
                    continue
                url = media_by_key[key].get("url") or media_by_key[key].get("preview_image_url")
                image = next((account_dir / "media").glob(f"{key}.*"), None)
                if image is not None:
                    archive.writestr(
                        f"{root}data/tweets_media/{post['id']}-{url.rsplit('/', 1)[1]}", image.read_bytes()
                    )
        for name, data in (extra_members or {}).items():
            archive.writestr(name, data)
    return zip_path
