"""The Graph side of a dataset: its Facebook Pages (posts, visitor posts, photos, comments) and Instagram accounts
(media with carousel children, comments and replies), indexed by object id as Graph resolves `/{id}`."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sandbox.http import JsonObject
from sandbox.meta.usernames import check_instagram_username

# What an id stands for: the node type Graph names in its errors, and which route family answers it.
PAGE, POST, PHOTO, VIDEO, COMMENT = "Page", "PagePost", "Photo", "Video", "Comment"
IG_USER, IG_MEDIA, IG_COMMENT = "IGUser", "IGMedia", "IGComment"


def _read_json(path: Path, default: Any) -> Any:
    if not path.is_file():
        return default
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ValueError(f"sandbox dataset file {path} is not valid JSON: {error}") from error


def _files_by_stem(directory: Path, root: Path) -> dict[str, Path]:
    found: dict[str, Path] = {}
    if directory.is_dir():
        for path in sorted(directory.iterdir()):
            # A symlink pointing out of the dataset must not become a way to read other files.
            if path.is_file() and path.resolve().is_relative_to(root):
                found.setdefault(path.stem, path)
    return found


@dataclass
class FacebookPage:
    page_id: str
    page: JsonObject
    posts: list[JsonObject]
    visitor_posts: list[JsonObject]
    photos: list[JsonObject]
    # parent id (post, photo, video or comment) -> its comments, oldest first
    comments: dict[str, list[JsonObject]]
    files: dict[str, Path]
    instagram_id: str = ""


@dataclass
class InstagramAccount:
    ig_user_id: str
    account: JsonObject
    media: list[JsonObject]
    comments: dict[str, list[JsonObject]]
    files: dict[str, Path]
    page_id: str = ""  # the Facebook Page it is linked to (instagram_business_account)


@dataclass
class GraphObject:
    """One node: its type, the Page or IG account it belongs to, the node's data and (for comments) its parent."""

    node_type: str
    owner_id: str
    node: JsonObject
    parent_id: str = ""
    visitor: bool = False


@dataclass
class MetaData:
    pages: list[FacebookPage] = field(default_factory=list)
    instagram: list[InstagramAccount] = field(default_factory=list)
    objects: dict[str, GraphObject] = field(default_factory=dict)
    # URL path of every image the dataset publishes (Photo images, IG media_url, thumbnails) -> file
    url_paths: dict[str, Path] = field(default_factory=dict)

    def page(self, page_id: str) -> FacebookPage | None:
        return next((p for p in self.pages if p.page_id == page_id), None)

    def ig_account(self, ig_user_id: str) -> InstagramAccount | None:
        return next((a for a in self.instagram if a.ig_user_id == ig_user_id), None)

    def reindex(self) -> None:
        """Rebuild the id index (after a write removed or changed something)."""
        self.objects = {}
        for page in self.pages:
            self.objects[page.page_id] = GraphObject(PAGE, page.page_id, page.page)
            for post in page.posts:
                self.objects[str(post["id"])] = GraphObject(POST, page.page_id, post)
            for post in page.visitor_posts:
                self.objects[str(post["id"])] = GraphObject(POST, page.page_id, post, visitor=True)
            for photo in page.photos:
                self.objects[str(photo["id"])] = GraphObject(PHOTO, page.page_id, photo)
            for parent, comments in page.comments.items():
                for comment in comments:
                    self.objects[str(comment["id"])] = GraphObject(COMMENT, page.page_id, comment, parent)
        for account in self.instagram:
            self.objects[account.ig_user_id] = GraphObject(IG_USER, account.ig_user_id, account.account)
            for media in account.media:
                self.objects[str(media["id"])] = GraphObject(IG_MEDIA, account.ig_user_id, media)
                for child in (media.get("children") or {}).get("data", []):
                    self.objects[str(child["id"])] = GraphObject(
                        IG_MEDIA, account.ig_user_id, child, str(media["id"])
                    )
            for parent, comments in account.comments.items():
                for comment in comments:
                    self.objects[str(comment["id"])] = GraphObject(
                        IG_COMMENT, account.ig_user_id, comment, parent
                    )

    def comments_of(self, owner_id: str, object_id: str) -> list[JsonObject]:
        page = self.page(owner_id)
        if page is not None:
            return page.comments.get(object_id, [])
        account = self.ig_account(owner_id)
        return account.comments.get(object_id, []) if account is not None else []


def load_meta(root: Path) -> MetaData:
    data = MetaData()
    fb_root, ig_root = root / "facebook", root / "instagram"
    for folder in sorted(p for p in fb_root.iterdir() if p.is_dir()) if fb_root.is_dir() else []:
        page = _read_json(folder / "page.json", {})
        page_id = str(page.get("id") or folder.name)
        page.setdefault("id", page_id)
        linked = page.get("instagram_business_account") or {}
        data.pages.append(
            FacebookPage(
                page_id=page_id,
                page=page,
                posts=sorted(_read_json(folder / "posts.json", []), key=_created, reverse=True),
                visitor_posts=sorted(
                    _read_json(folder / "visitor_posts.json", []), key=_created, reverse=True
                ),
                photos=list(_read_json(folder / "photos.json", [])),
                comments=dict(_read_json(folder / "comments.json", {})),
                files=_files_by_stem(folder / "media", root),
                instagram_id=str(linked.get("id", "")) if isinstance(linked, dict) else "",
            )
        )
    for folder in sorted(p for p in ig_root.iterdir() if p.is_dir()) if ig_root.is_dir() else []:
        account = _read_json(folder / "account.json", {})
        comments = dict(_read_json(folder / "comments.json", {}))
        _check_usernames(folder, account, comments)
        ig_id = str(account.get("id") or folder.name)
        account.setdefault("id", ig_id)
        page_id = next((p.page_id for p in data.pages if p.instagram_id == ig_id), "")
        data.instagram.append(
            InstagramAccount(
                ig_user_id=ig_id,
                account=account,
                media=sorted(
                    _read_json(folder / "media.json", []),
                    key=lambda m: str(m.get("timestamp", "")),
                    reverse=True,
                ),
                comments=comments,
                files=_files_by_stem(folder / "media", root),
                page_id=page_id,
            )
        )
    for page in data.pages:
        for photo in page.photos:
            file = page.files.get(str(photo.get("id")))
            for image in photo.get("images") or []:
                if file is not None and isinstance(image, dict) and image.get("source"):
                    data.url_paths[urlsplit(str(image["source"])).path] = file
    for account in data.instagram:
        for media in account.media:
            for node in [media, *(media.get("children") or {}).get("data", [])]:
                file = account.files.get(str(node.get("id")))
                for key in ("media_url", "thumbnail_url"):
                    if file is not None and node.get(key):
                        data.url_paths[urlsplit(str(node[key])).path] = file
    data.reindex()
    return data


def _check_usernames(folder: Path, account: JsonObject, comments: dict[str, list[JsonObject]]) -> None:
    """Every username an Instagram folder names (the account's, each commenter's) is one Instagram allows."""
    if "username" in account:
        check_instagram_username(account["username"], f"sandbox dataset file {folder / 'account.json'}")
    for replies in comments.values():
        for comment in replies:
            where = f"sandbox dataset file {folder / 'comments.json'} (comment {comment.get('id')})"
            author = comment.get("from")
            shown = author.get("username") if isinstance(author, dict) else None
            for name in (comment.get("username"), shown):
                if name is not None:
                    check_instagram_username(name, where)


def _created(node: JsonObject) -> str:
    return str(node.get("created_time", ""))
