"""The X account archive a school downloads (Settings > Your account > Download an archive), read as API pages.

The archive is a ZIP of JavaScript files (`window.YTD.<type>.part<N> = [...]`): `data/account.js` says whose it
is, `data/tweets.js` (or `tweets-part1.js`... for big accounts, `tweet.js` in old ones) holds every post in the
v1.1 shape, and `data/tweets_media/<post id>-<file name>` the images. Posts are turned into what
`GET /2/users/:id/tweets` returns (ids, text, created_at, entities, `attachments.media_keys` with the keys the API
spells, `includes.media`), the archive's own objects kept beside them, so the warehouse stores them as it stores
the API's and every post rule reads them the same way.

Safety: the ZIP is never extracted. Only the members needed are read, by exact name, each within a size limit; the
archive also holds direct messages, logins and contacts, which are never opened.
"""

from __future__ import annotations

import contextlib
import json
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from connectors import zip_limits
from connectors.errors import ConnectorError
from connectors.paging import Page, Snapshot, utcnow
from connectors.x_archive_extras import (
    DELETED_FILE,
    NOTE_FILE,
    NoteTweet,
    attach_notes,
    deleted_post_ids,
    partial_archive,
    read_notes,
)

STREAM = "posts"
PAGE_SIZE = 100
MAX_JS_BYTES = 1024 * 1024 * 1024  # a tweets.js of a very busy account is hundreds of MB, never a GB
MAX_MEMBERS = 2_000_000
ASSIGNMENT = re.compile(r"^\s*window\.(YTD\.[A-Za-z0-9_]+\.part\d+|__THAR_CONFIG)\s*=\s*", re.ASCII)
TWEET_FILE = re.compile(r"^data/tweets?(-part\d+)?\.js$")
MEDIA_FILE = re.compile(r"^(\d{1,20})-([^/\\]{1,255})$")
ARCHIVE_TIME = "%a %b %d %H:%M:%S %z %Y"  # Wed Oct 10 20:19:24 +0000 2018
# API v2 media keys are "<media category>_<media id>": 3 a photo, 7 a post's video, 13 an amplify video, 16 a GIF.
MEDIA_CATEGORY = {"photo": "3", "video": "7", "animated_gif": "16"}
AMPLIFY_THUMB = "/amplify_video_thumb/"


class ArchiveRefused(ConnectorError):
    """The file is not an X archive this tool can read without getting findings wrong; the message says which
    member and why."""

    def __init__(self, message: str) -> None:
        super().__init__("x", "archive", message)


@dataclass(frozen=True)
class ArchiveAccount:
    account_id: str
    username: str
    display_name: str


@dataclass(frozen=True)
class ArchiveMedia:
    """One image a post carries, where the archive keeps it (None: the archive has no copy)."""

    post_id: str
    media_key: str
    media_type: str
    url: str
    member: str | None


@dataclass
class ArchiveContents:
    """What was read: posts as API pages, and every image they carry."""

    account: ArchiveAccount
    pages: list[Page] = field(default_factory=list)
    media: list[ArchiveMedia] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    n_read: int = 0  # posts in the archive, those already held included
    # Posts the account deleted (`deleted-tweets.js`): their exceptions resolve as deleted.
    deleted: list[dict[str, str]] = field(default_factory=list)
    unmatched_notes: int = 0  # long posts' whole texts that matched no post of tweets.js

    @property
    def n_posts(self) -> int:
        return sum(len(page.items) for page in self.pages)

    def snapshot(self) -> Snapshot:
        return Snapshot("x", STREAM, self.account.account_id, self.pages, complete=True, source="archive")

    def deleted_snapshot(self) -> Snapshot | None:
        """The posts the archive lists as deleted, as stream `deleted_posts` (None: it lists none)."""
        if not self.deleted:
            return None
        payload = {"data": self.deleted, "meta": {"result_count": len(self.deleted)}}
        page = Page(
            "x",
            "deleted_posts",
            self.account.account_id,
            0,
            self.deleted,
            payload,
            {"source": "archive", "files": "deleted-tweets.js"},
            utcnow(),
        )
        return Snapshot(
            "x", "deleted_posts", self.account.account_id, [page], complete=True, source="archive"
        )


class XArchive:
    """An open archive ZIP; use as a context manager."""

    def __init__(self, path: Path, max_media_bytes: int = 20 * 1024 * 1024) -> None:
        self.path = path
        self.max_media_bytes = max_media_bytes
        try:
            self._zip = zipfile.ZipFile(path)
        except (OSError, zipfile.BadZipFile) as error:
            raise ArchiveRefused(f"{path.name} is not a readable ZIP file ({error})") from error
        infos = self._zip.infolist()
        if len(infos) > MAX_MEMBERS:
            raise ArchiveRefused(f"{path.name} has {len(infos)} members, more than any X archive")
        problem = zip_limits.bomb_problem(infos, path.name)
        if problem is not None:
            raise ArchiveRefused(problem)
        self._unpacked = 0
        self._root = _data_root(infos, path.name)
        # Names relative to the archive's root ("data/..."); only names that stay inside it are kept.
        self._members: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            name = info.filename.replace("\\", "/")
            if not name.startswith(self._root) or info.is_dir():
                continue
            relative = name[len(self._root) :]
            if posixpath.normpath(relative) != relative or relative.startswith(("/", "..")):
                continue
            self._members[relative] = info
        self._media_index = {
            relative.rsplit("/", 1)[1]: relative
            for relative in self._members
            if relative.startswith(("data/tweets_media/", "data/tweet_media/"))
            and MEDIA_FILE.match(relative.rsplit("/", 1)[1])
        }

    def __enter__(self) -> XArchive:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._zip.close()

    # -- members

    def _read(self, relative: str, limit: int) -> bytes:
        info = self._members.get(relative)
        if info is None:
            raise ArchiveRefused(f"{relative} is not in {self.path.name}")
        if info.flag_bits & 0x1:
            raise ArchiveRefused(f"{relative} is encrypted")
        if info.file_size > limit:
            raise ArchiveRefused(f"{relative} is {info.file_size} bytes, over the {limit} limit")
        # The declared sizes can lie: never unpack past what the packed size allows, or the archive's total.
        limit = min(limit, zip_limits.unpack_allowance(info), zip_limits.MAX_TOTAL_BYTES - self._unpacked)
        try:
            with self._zip.open(info) as member:
                data = member.read(limit + 1)
        except (OSError, zipfile.BadZipFile, RuntimeError, EOFError) as error:
            raise ArchiveRefused(f"{relative} cannot be read ({error})") from error
        if len(data) > limit:
            raise ArchiveRefused(
                f"{relative} unpacks to more than {limit} bytes (more than {zip_limits.MAX_RATIO} times its packed "
                f"size, or past the archive's {zip_limits.MAX_TOTAL_BYTES} byte total): not an X export; nothing "
                "was stored"
            )
        self._unpacked += len(data)
        return data

    def _read_js(self, relative: str) -> Any:
        raw = self._read(relative, MAX_JS_BYTES)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ArchiveRefused(f"{relative} is not UTF-8 ({error})") from error
        matched = ASSIGNMENT.match(text)
        if matched is None:
            raise ArchiveRefused(f"{relative} does not start with `window.YTD.<type>.part<N> =`")
        body = text[matched.end() :].strip().rstrip(";").strip()
        try:
            return json.loads(body)
        except json.JSONDecodeError as error:
            raise ArchiveRefused(
                f"{relative}: the JSON after `=` is malformed at line {error.lineno}, column {error.colno}"
            ) from error

    # -- what the archive says

    def account(self) -> ArchiveAccount:
        entries = self._read_js("data/account.js")
        first = entries[0] if isinstance(entries, list) and entries else None
        account = first.get("account") if isinstance(first, dict) else None
        if not isinstance(account, dict):
            raise ArchiveRefused('data/account.js holds no {"account": {...}} entry')
        account_id = str(account.get("accountId") or "")
        if not account_id.isdigit():
            raise ArchiveRefused(f"data/account.js: accountId {account_id!r} is not an X user id")
        return ArchiveAccount(
            account_id, str(account.get("username") or ""), str(account.get("accountDisplayName") or "")
        )

    def tweet_files(self) -> list[str]:
        """The post files, as the manifest lists them when there is one, else every `tweets*.js` part."""
        listed: list[str] = []
        if "data/manifest.js" in self._members:
            manifest = self._read_js("data/manifest.js")
            types = manifest.get("dataTypes", {}) if isinstance(manifest, dict) else {}
            for data_type in ("tweets", "tweet"):
                for entry in (types.get(data_type) or {}).get("files") or []:
                    name = str(entry.get("fileName") or "").lstrip("./")
                    if name in self._members and name not in listed:
                        listed.append(name)
        found = [name for name in self._members if TWEET_FILE.match(name)]
        # A manifest that misses a part present in the ZIP must not hide its posts.
        files = listed + sorted(name for name in found if name not in listed)
        if not files:
            raise ArchiveRefused(f"{self.path.name} has no data/tweets.js (nor tweets-part*.js, tweet.js)")
        return files

    def iter_posts(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """(file, archive post object) for every post of every part, unwrapped from `{"tweet": {...}}`."""
        for relative in self.tweet_files():
            entries = self._read_js(relative)
            if not isinstance(entries, list):
                raise ArchiveRefused(f"{relative}: expected a JSON array after `=`")
            for position, entry in enumerate(entries):
                post = entry.get("tweet", entry) if isinstance(entry, dict) else None
                if not isinstance(post, dict):
                    raise ArchiveRefused(f"{relative}: entry {position} is not a post object")
                yield relative, post

    def is_partial(self) -> bool:
        """X flags an archive it could not write whole (`manifest.js` `archiveInfo.isPartialArchive`)."""
        return "data/manifest.js" in self._members and partial_archive(self._read_js("data/manifest.js"))

    def _parts(self, pattern: re.Pattern[str]) -> list[Any]:
        entries: list[Any] = []
        for relative in sorted(name for name in self._members if pattern.match(name)):
            read = self._read_js(relative)
            if not isinstance(read, list):
                raise ArchiveRefused(f"{relative}: expected a JSON array after `=`")
            entries.extend(read)
        return entries

    def notes(self) -> list[NoteTweet]:
        """The whole texts of posts over 280 characters (`data/note-tweet.js`)."""
        return read_notes(self._parts(NOTE_FILE))

    def deleted(self) -> list[dict[str, str]]:
        """The posts the account deleted (`data/deleted-tweets.js`)."""
        return deleted_post_ids(self._parts(DELETED_FILE))

    def image(self, media: ArchiveMedia) -> bytes | None:
        return None if media.member is None else self._read(media.member, self.max_media_bytes)

    def media_member(self, post_id: str, url: str) -> str | None:
        """`data/tweets_media/<post id>-<the URL's file name>`, as X names the copies it puts in the archive."""
        name = f"{post_id}-{posixpath.basename(url.split('?', 1)[0])}"
        return self._media_index.get(name)


def read_archive(
    archive: XArchive,
    account_id: str,
    held: frozenset[str] = frozenset(),
    page_size: int = PAGE_SIZE,
    on_post: Callable[[int], None] | None = None,
) -> ArchiveContents:
    """The archive's posts not `held` already, as API-shaped pages (newest first), and every image they carry.

    `account_id` is the configured account the archive must belong to; `on_post(n)` hears of each post read.
    """
    account = archive.account()
    if account.account_id != account_id:
        raise ArchiveRefused(
            f"data/account.js is @{account.username} ({account.account_id}), not {account_id}"
        )
    if archive.is_partial():
        raise ArchiveRefused(
            "X marked this archive partial (data/manifest.js archiveInfo.isPartialArchive): stored as if whole, "
            "posts it lacks would look deleted; request the archive again in X's settings and import the full "
            "one; nothing was stored"
        )
    posts: dict[str, tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any], str]] = {}
    files: list[str] = []
    read = 0
    for relative, raw in archive.iter_posts():
        if relative not in files:
            files.append(relative)
        post, media = to_api_post(raw, account_id, relative)
        if post["id"] not in held and not superseded(post):
            posts.setdefault(post["id"], (post, media, raw, relative))
        read += 1
        if on_post is not None:
            on_post(read)
    contents = ArchiveContents(account, files=files, n_read=read, deleted=archive.deleted())
    contents.unmatched_notes = attach_notes(
        {p[0]["id"]: p[0] for p in posts.values()}, archive.notes(), _created_at
    )
    ordered = sorted(posts.values(), key=lambda p: int(p[0]["id"]), reverse=True)
    fetched_at = utcnow()
    for page_no, start in enumerate(range(0, len(ordered), page_size)):
        chunk = ordered[start : start + page_size]
        media_objects: dict[str, dict[str, Any]] = {}
        for post, media, _raw, _file in chunk:
            for item in media:
                media_objects.setdefault(item["media_key"], item)
                url = item.get("url") or item.get("preview_image_url") or ""
                contents.media.append(
                    ArchiveMedia(
                        post["id"],
                        item["media_key"],
                        item["type"],
                        url,
                        archive.media_member(post["id"], url),
                    )
                )
        payload: dict[str, Any] = {"data": [p[0] for p in chunk], "meta": {"result_count": len(chunk)}}
        if media_objects:
            payload["includes"] = {"media": list(media_objects.values())}
        # The archive's own objects, as read: the raw record of where each post came from.
        payload["archive"] = [{"file": p[3], "tweet": p[2]} for p in chunk]
        request = {"source": "archive", "archive": archive.path.name, "files": sorted({p[3] for p in chunk})}
        contents.pages.append(
            Page("x", STREAM, account_id, page_no, [p[0] for p in chunk], payload, request, fetched_at)
        )
    return contents


def to_api_post(
    raw: dict[str, Any], author_id: str, relative: str
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """An archive (v1.1-shaped) post as the API v2 returns it, with its media objects."""
    post_id = str(raw.get("id_str") or raw.get("id") or "")
    if not post_id.isdigit():
        raise ArchiveRefused(f"{relative}: a post has no numeric id_str ({post_id[:40]!r})")
    text = raw.get("full_text", raw.get("text"))
    if not isinstance(text, str):
        raise ArchiveRefused(f"{relative}: post {post_id} has no full_text")
    post: dict[str, Any] = {
        "id": post_id,
        "text": text,
        "author_id": author_id,
        "edit_history_tweet_ids": _edit_history(raw, post_id),
    }
    created = _created_at(raw.get("created_at"))
    if created:
        post["created_at"] = created
    entities = _entities(raw.get("entities") or {})
    if entities:
        post["entities"] = entities
    media = [_media(item, post_id, relative) for item in _media_entities(raw)]
    if media:
        post["attachments"] = {"media_keys": list(dict.fromkeys(m["media_key"] for m in media))}
    return post, media


def superseded(post: dict[str, Any]) -> bool:
    """An earlier version of an edited post: X shows only the latest, and so does the API's timeline."""
    return post["edit_history_tweet_ids"][-1] != post["id"]


def _edit_history(raw: dict[str, Any], post_id: str) -> list[str]:
    # Archives spell it `edit_info.initial.editTweetIds` on the first version and
    # `edit_info.edit.editControlInitial.editTweetIds` on later ones: every version's id, oldest first.
    edit_info = raw.get("edit_info")
    if not isinstance(edit_info, dict):
        return [post_id]
    edit = edit_info.get("edit")
    control = edit_info.get("initial") or (edit.get("editControlInitial") if isinstance(edit, dict) else None)
    if not isinstance(control, dict):
        return [post_id]
    ids = [str(i) for i in control.get("editTweetIds") or [] if str(i).isdigit()]
    return sorted(set(ids) | {post_id}, key=int) if post_id in ids else [post_id]


def _created_at(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    for parse in (lambda v: datetime.strptime(v, ARCHIVE_TIME), datetime.fromisoformat):
        try:
            moment = parse(value.replace("Z", "+00:00"))
        except ValueError:
            continue
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return None


def _entities(entities: dict[str, Any]) -> dict[str, Any]:
    """v1.1 entities (`indices` as strings in archives) in the v2 spelling the warehouse reads."""
    converted: dict[str, Any] = {}
    hashtags = [
        {**_span(h), "tag": h["text"]}
        for h in entities.get("hashtags") or []
        if isinstance(h, dict) and h.get("text")
    ]
    if hashtags:
        converted["hashtags"] = hashtags
    mentions = [
        {**_span(m), "username": m["screen_name"], **({"id": str(m["id_str"])} if m.get("id_str") else {})}
        for m in entities.get("user_mentions") or []
        if isinstance(m, dict) and m.get("screen_name")
    ]
    if mentions:
        converted["mentions"] = mentions
    urls = [
        {**_span(u), **{k: u[k] for k in ("url", "expanded_url", "display_url") if k in u}}
        for u in entities.get("urls") or []
        if isinstance(u, dict) and u.get("url")
    ]
    if urls:
        converted["urls"] = urls
    return converted


def _span(entity: dict[str, Any]) -> dict[str, int]:
    indices = entity.get("indices") or []
    try:
        return {"start": int(indices[0]), "end": int(indices[1])}
    except (IndexError, TypeError, ValueError):
        return {}


def _media_entities(raw: dict[str, Any]) -> list[dict[str, Any]]:
    # extended_entities lists every image of a post; entities.media only the first (older archives have only it).
    for holder in (raw.get("extended_entities"), raw.get("entities")):
        items = (holder or {}).get("media") if isinstance(holder, dict) else None
        if items:
            return [item for item in items if isinstance(item, dict)]
    return []


def _media(item: dict[str, Any], post_id: str, relative: str) -> dict[str, Any]:
    media_id = str(item.get("id_str") or item.get("id") or "")
    kind = str(item.get("type") or "photo")
    url = item.get("media_url_https") or item.get("media_url")
    if not media_id.isdigit() or kind not in MEDIA_CATEGORY or not isinstance(url, str):
        raise ArchiveRefused(
            f"{relative}: post {post_id} has a media entry without a numeric id_str, a known type "
            f"(photo, video, animated_gif) or media_url_https ({media_id[:30]!r}, {kind[:30]!r})"
        )
    category = "13" if kind == "video" and AMPLIFY_THUMB in url else MEDIA_CATEGORY[kind]
    media: dict[str, Any] = {"media_key": f"{category}_{media_id}", "type": kind}
    media["url" if kind == "photo" else "preview_image_url"] = url
    large = (item.get("sizes") or {}).get("large") or {}
    with contextlib.suppress(KeyError, TypeError, ValueError):
        media["width"], media["height"] = int(large["w"]), int(large["h"])
    # Some exports carry the description a person wrote for the image (the v1.1 `ext_alt_text`).
    if isinstance(item.get("ext_alt_text"), str) and item["ext_alt_text"]:
        media["alt_text"] = item["ext_alt_text"]
    return media


def _data_root(infos: list[zipfile.ZipInfo], name: str) -> str:
    """ "" for an archive as X writes it; "<folder>/" when a person re-zipped the extracted folder."""
    roots = {
        info.filename[: -len("data/account.js")]
        for info in infos
        if info.filename.endswith("data/account.js")
        and info.filename.count("/") <= 2
        and (info.filename == "data/account.js" or info.filename.endswith("/data/account.js"))
    }
    if not roots:
        raise ArchiveRefused(f"{name} has no data/account.js: not an X account archive")
    if len(roots) > 1:
        raise ArchiveRefused(f"{name} holds more than one archive ({', '.join(sorted(roots))})")
    root = roots.pop()
    if ".." in root.split("/") or root.startswith("/"):
        raise ArchiveRefused(f"{name}: {root}data/account.js is outside the archive")
    return root
