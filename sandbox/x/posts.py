"""`POST /2/tweets` (tweepy `Client.create_tweet`) as X checks it: a signed user context whose token may write (else
403 `oauth1-permissions`); 100 posts a 15 minutes per user (docs.x.com rate limits: Create Post); text of at most
280 weighted characters as twitter-text counts them (a URL counts 23, most CJK and emoji 2), or media, or both;
at most 4 media ids, each a finished upload of the poster's (or naming them an additional owner) not yet expired,
a GIF alone; the same text twice in a row refused. Billed per request: $0.015, $0.200 when the text holds a URL
(docs.x.com pricing, "Content: Create").

The post then reads as X serves it, and as a dataset post reads: its URLs wrapped in t.co links (`entities.urls`),
its hashtags and mentions in `entities`, and its media link appended to the text. It is kept in the dataset's
journal (sandbox/writes.py) with the processed images, so the next server, and the weekly run's reads, see it."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from datetime import UTC, datetime
from typing import Any

from sandbox.http import ApiError, ApiRequest, JsonObject, Reply, json_reply
from sandbox.writes import WriteJournal
from sandbox.x.exceptions import x_invalid_request, x_problem
from sandbox.x.media import MediaUploads, Snowflakes, Upload
from sandbox.x.responses import X_SNOWFLAKE, XResponses

MAX_WEIGHTED_LENGTH = 280
URL_WEIGHT = 23
MAX_MEDIA = 4
# twitter-text v3: code points in these ranges weigh 1, every other 2.
LIGHT_RANGES = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
URL = re.compile(r"(?i)\bhttps?://[^\s<>\"]+|\b(?:www\.)[^\s<>\"]+")
HASHTAG = re.compile(r"(?<![\w&])#(\w+)")
MENTION = re.compile(r"(?<![\w.@])@(\w{1,15})")
TOO_LONG = (
    "Your Tweet text is too long. For more information on how Twitter determines text length see "
    "https://github.com/twitter/twitter-text."
)


def weighted_length(text: str) -> int:
    """The length X counts against 280: NFC code points weighing 1 or 2, each URL 23."""
    text = unicodedata.normalize("NFC", text)
    total, position = 0, 0
    for match in URL.finditer(text):
        total += _weight(text[position : match.start()]) + URL_WEIGHT
        position = match.end()
    return total + _weight(text[position:])


def _weight(text: str) -> int:
    return sum(1 if any(low <= ord(c) <= high for low, high in LIGHT_RANGES) else 2 for c in text)


def short_link(value: str) -> str:
    return "https://t.co/" + hashlib.sha256(value.encode("utf-8")).hexdigest()[:10]


def served_text(text: str, post_id: str, handle: str, media_key: str | None) -> tuple[str, JsonObject]:
    """The text as X serves it (URLs wrapped, the media link appended) and its entities."""
    urls: list[JsonObject] = []
    out, position = "", 0
    for match in URL.finditer(text):
        link = short_link(match.group(0))
        out += text[position : match.start()]
        urls.append(
            {
                "start": len(out),
                "end": len(out) + len(link),
                "url": link,
                "expanded_url": match.group(0),
                "display_url": match.group(0).split("://", 1)[-1][:26],
            }
        )
        out += link
        position = match.end()
    out += text[position:]
    if media_key is not None:
        link = short_link(f"{post_id}/photo")
        out = f"{out} {link}" if out else link
        urls.append(
            {
                "start": len(out) - len(link),
                "end": len(out),
                "url": link,
                "expanded_url": f"https://x.com/{handle}/status/{post_id}/photo/1",
                "display_url": "pic.x.com/" + link.rsplit("/", 1)[-1],
                "media_key": media_key,
            }
        )
    entities: JsonObject = {}
    hashtags = [{"start": m.start(), "end": m.end(), "tag": m.group(1)} for m in HASHTAG.finditer(out)]
    mentions = [{"start": m.start(), "end": m.end(), "username": m.group(1)} for m in MENTION.finditer(out)]
    for name, found in (("hashtags", hashtags), ("mentions", mentions), ("urls", urls)):
        if found:
            entities[name] = found
    return out, entities


def _problem(parameter: str, value: Any, message: str) -> ApiError:
    return ApiError(x_invalid_request([{"parameters": {parameter: [value]}, "message": message}]))


class XPosting:
    def __init__(
        self, api: XResponses, uploads: MediaUploads, journal: WriteJournal, ids: Snowflakes, writer: Any
    ) -> None:
        self.api = api
        self.uploads = uploads
        self.journal = journal
        self.ids = ids
        # The write check every owner's write makes (sandbox/x/writes.py `XWrites._writer`).
        self.writer = writer

    def create_post(self, request: ApiRequest) -> Reply:
        context = self.writer(request, "x.create_post")
        try:
            body = json.loads(request.body.decode("utf-8") or "null")
        except (UnicodeDecodeError, ValueError):
            body = None
        if not isinstance(body, dict):
            raise _problem("body", "", "The request body must be a JSON object")
        text = body.get("text")
        media = body.get("media")
        if text is not None and not isinstance(text, str):
            raise _problem("text", str(text), "The `text` field must be a string")
        media_ids: list[str] = []
        if media is not None:
            raw = media.get("media_ids") if isinstance(media, dict) else None
            if not isinstance(raw, list) or not raw or not all(isinstance(i, str) for i in raw):
                raise _problem("media.media_ids", str(raw), "`media.media_ids` must be a list of id strings")
            if len(raw) > MAX_MEDIA:
                raise _problem(
                    "media.media_ids", ",".join(raw), f"`media.media_ids` has more than {MAX_MEDIA}"
                )
            bad = [i for i in raw if not X_SNOWFLAKE.match(i)]
            if bad:
                raise _problem("media.media_ids", bad[0], f"[{bad[0]}] does not match ^[0-9]{{1,19}}$")
            media_ids = list(raw)
        if not (text or "").strip() and not media_ids:
            raise _problem("text", "", "One of `text` or `media.media_ids` is required")
        if text is not None and weighted_length(text) > MAX_WEIGHTED_LENGTH:
            return x_problem(403, "Forbidden", TOO_LONG)
        uploads = self._attachable(media_ids, context.user_id)
        account = self.api.backend.account(context.user_id)
        if account is None:
            return x_problem(403, "Forbidden", "You are not permitted to perform this action.")
        if text and self._repeats(account.posts, text):
            return x_problem(
                403, "Forbidden", "You are not allowed to create a Tweet with duplicate content."
            )
        post_id = self.ids.next()
        keys = [u.media_key for u in uploads]
        shown, entities = served_text(text or "", post_id, account.handle, keys[0] if keys else None)
        post: JsonObject = {
            "id": post_id,
            "text": shown,
            "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
            "author_id": context.user_id,
            "edit_history_tweet_ids": [post_id],
            "conversation_id": post_id,
            "possibly_sensitive": False,
            "reply_settings": "everyone",
            "public_metrics": {
                "retweet_count": 0,
                "reply_count": 0,
                "like_count": 0,
                "quote_count": 0,
                "bookmark_count": 0,
                "impression_count": 0,
            },
        }
        if keys:
            post["attachments"] = {"media_keys": keys}
        if entities:
            post["entities"] = entities
        self.journal.record_post(context.user_id, post, text or "", [self._media(u) for u in uploads])
        self.api.ledger.bill_x_request(
            "x.create_post_with_url" if text and URL.search(text) else "x.create_post", context.user_id
        )
        return json_reply(201, {"data": {"id": post_id, "text": shown, "edit_history_tweet_ids": [post_id]}})

    def _attachable(self, media_ids: list[str], user_id: str) -> list[Upload]:
        uploads: list[Upload] = []
        for media_id in media_ids:
            upload = self.uploads.usable(media_id, user_id)
            if upload is None:
                raise _problem("media.media_ids", media_id, "Your media IDs are invalid.")
            uploads.append(upload)
        gifs = [u for u in uploads if u.picture is not None and u.picture.kind == "animated_gif"]
        if gifs and len(uploads) > 1:
            raise _problem("media.media_ids", gifs[0].media_id, "A GIF cannot be posted with other media.")
        if len({u.media_id for u in uploads}) != len(uploads):
            raise _problem("media.media_ids", media_ids[0], "Your media IDs are invalid.")
        return uploads

    def _repeats(self, posts: list[JsonObject], text: str) -> bool:
        """The account's latest post says the same (X refuses a duplicate of a recent post)."""
        if not posts:
            return False
        latest = str(posts[0].get("id"))
        sent = self.journal.sent_texts.get(latest, posts[0].get("text"))
        return isinstance(sent, str) and " ".join(sent.split()) == " ".join(text.split())

    def _media(self, upload: Upload) -> tuple[JsonObject, bytes, str]:
        picture = upload.picture
        assert picture is not None
        url = f"{MediaUploads.new_url()}.{picture.extension}"
        item: JsonObject = {"media_key": upload.media_key, "width": picture.width, "height": picture.height}
        if picture.kind == "animated_gif":
            item.update(type="animated_gif", preview_image_url=url)
        else:
            item.update(type="photo", url=url)
        return item, picture.served, picture.extension
