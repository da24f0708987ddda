"""The sample school's `facebook/<page_id>/` and `instagram/<ig_user_id>/` folders (docs/contracts/dataset.md), their
images (Facebook's resized copies, Instagram's crops), and the labels of their cases."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from PIL import Image

from sandbox.school import images
from sandbox.school.drawn_files import DRAWN
from sandbox.school.meta_accounts import (
    CROPS,
    FB_PHOTO_WIDTH,
    IG_WIDTH,
    MetaAccounts,
    MetaComment,
    MetaPhoto,
    graph_time,
)

FB_CDN = "https://scontent.xx.fbcdn.net/v/t39.30808-6"
IG_CDN = "https://scontent.cdninstagram.com/v/t51.29350-15"


def _photo_attachment(photo: MetaPhoto) -> dict[str, Any]:
    return {
        "media_type": "photo",
        "type": "photo",
        "url": f"https://www.facebook.com/photo/?fbid={photo.photo_id}",
        "target": {"id": photo.photo_id, "url": f"https://www.facebook.com/photo/?fbid={photo.photo_id}"},
        "media": {"image": {"src": f"{FB_CDN}/{photo.photo_id}_n.jpg", "width": FB_PHOTO_WIDTH}},
        **({"description": photo.alt_text} if photo.alt_text else {}),
    }


def _post(post: Any, page_id: str, visitor: bool) -> dict[str, Any]:
    node: dict[str, Any] = {
        "id": post.post_id,
        "created_time": graph_time(post.created),
        "message": post.text,
        "permalink_url": f"https://www.facebook.com/{page_id}/posts/{post.post_id.split('_')[1]}",
    }
    if visitor and post.author:
        node["from"] = {"id": post.author[0], "name": post.author[1]}
    if len(post.photos) == 1:
        node["attachments"] = {"data": [_photo_attachment(post.photos[0])]}
    elif post.photos:
        album = {
            "media_type": "album",
            "type": "album",
            "subattachments": {"data": [_photo_attachment(p) for p in post.photos]},
        }
        node["attachments"] = {"data": [album]}
    return node


def _fb_comment(comment: MetaComment) -> dict[str, Any]:
    node: dict[str, Any] = {
        "id": comment.comment_id,
        "message": comment.text,
        "created_time": graph_time(comment.created),
    }
    if comment.shown:
        node["from"] = {"id": comment.author_id, "name": comment.author_name}
    return node


def _ig_comment(comment: MetaComment) -> dict[str, Any]:
    return {
        "id": comment.comment_id,
        "text": comment.text,
        "timestamp": graph_time(comment.created),
        "username": comment.author_name,
        "from": {"id": comment.author_id, "username": comment.author_name},
        "hidden": False,
    }


def _by_parent(comments: list[MetaComment], render: Any) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for comment in sorted(comments, key=lambda c: c.created):
        grouped.setdefault(comment.parent_id, []).append(render(comment))
    return grouped


def facebook_folder(meta: MetaAccounts) -> dict[str, Any]:
    photos = [p for post in meta.fb_posts for p in post.photos]
    return {
        "page.json": {
            "id": meta.page_id,
            "name": meta.page_name,
            "username": meta.page_username,
            "about": f"The official Page of {meta.page_name}.",
            "category": "Elementary School",
            "link": f"https://www.facebook.com/{meta.page_username}",
            "fan_count": meta.fan_count,
            "followers_count": meta.fan_count + 23,
            "instagram_business_account": {"id": meta.ig_user_id},
        },
        "posts.json": [_post(p, meta.page_id, False) for p in meta.fb_posts],
        "visitor_posts.json": [_post(p, meta.page_id, True) for p in meta.visitor_posts],
        "photos.json": [
            {
                "id": p.photo_id,
                "created_time": graph_time(p.picture.taken_at),
                "alt_text": "May be an image of one or more people",
                **({"alt_text_custom": p.alt_text} if p.alt_text else {}),
                "images": [
                    {
                        "height": round(p.picture.height * FB_PHOTO_WIDTH / p.picture.width),
                        "width": FB_PHOTO_WIDTH,
                        "source": f"{FB_CDN}/{p.photo_id}_n.jpg",
                    }
                ],
            }
            for p in photos
        ],
        "comments.json": _by_parent(meta.fb_comments, _fb_comment),
    }


def _ig_node(photo: MetaPhoto, created: Any) -> dict[str, Any]:
    return {
        "id": photo.photo_id,
        "media_type": "IMAGE",
        "media_url": f"{IG_CDN}/{photo.photo_id}_n.jpg",
        "timestamp": graph_time(created),
    }


def instagram_folder(meta: MetaAccounts) -> dict[str, Any]:
    media = []
    for post in meta.ig_media:
        node: dict[str, Any] = {
            "id": post.post_id,
            "caption": post.text,
            "timestamp": graph_time(post.created),
            "permalink": f"https://www.instagram.com/p/{post.post_id[-11:]}/",
            "is_comment_enabled": True,
        }
        if len(post.photos) == 1:
            node |= {"media_type": "IMAGE", "media_url": f"{IG_CDN}/{post.post_id}_n.jpg"}
        else:
            node |= {
                "media_type": "CAROUSEL_ALBUM",
                "children": {"data": [_ig_node(p, post.created) for p in post.photos]},
            }
        media.append(node)
    return {
        "account.json": {
            "id": meta.ig_user_id,
            "username": meta.ig_username,
            "name": meta.page_name,
            "biography": f"The official Instagram account of {meta.page_name}.",
            "followers_count": meta.ig_followers,
            "follows_count": 4,
            "media_count": len(meta.ig_media),
        },
        "media.json": media,
        "comments.json": _by_parent(meta.ig_comments, _ig_comment),
    }


def _crop(image: Image.Image, ratio: float) -> Image.Image:
    """Instagram's centre crop to a width/height ratio."""
    width, height = image.size
    if ratio <= 0:
        return image
    if width / height > ratio:
        keep = round(height * ratio)
        left = (width - keep) // 2
        return image.crop((left, 0, left + keep, height))
    keep = round(width / ratio)
    top = (height - keep) // 2
    return image.crop((0, top, width, top + keep))


def write_meta_images(meta: MetaAccounts, fb_media: Path, ig_media: Path) -> None:
    fb_media.mkdir(parents=True, exist_ok=True)
    ig_media.mkdir(parents=True, exist_ok=True)
    outputs: list[tuple[MetaPhoto, Path, int]] = []
    for post in meta.fb_posts:
        outputs += [(p, fb_media / f"{p.photo_id}.jpg", FB_PHOTO_WIDTH) for p in post.photos]
    for post in meta.ig_media:
        for photo in post.photos:
            name = post.post_id if len(post.photos) == 1 else photo.photo_id
            outputs.append((photo, ig_media / f"{name}.jpg", IG_WIDTH))
    for photo, path, width in outputs:
        picture = photo.picture
        crop = CROPS[photo.crop]
        drawing = (picture.shot, picture.lettering, picture.width, picture.height)
        (data,) = DRAWN.files(
            drawing, [(("meta", crop, width), partial(_cropped_copy, crop=crop, width=width))]
        )
        path.write_bytes(data)


def _cropped_copy(image: Image.Image, crop: float, width: int) -> bytes:
    image = _crop(image, crop)
    return images.jpeg_bytes(images.resized(image, min(width, image.size[0])), 82)


def meta_labels(labels: Any, meta: MetaAccounts) -> None:
    """The expected findings and clear cases of the Page and the Instagram account."""
    for platform, handle, account_id, posts, comments, kind in (
        (
            "facebook",
            meta.page_username,
            meta.page_id,
            [*meta.fb_posts, *meta.visitor_posts],
            meta.fb_comments,
            "post",
        ),
        ("instagram", meta.ig_username, meta.ig_user_id, meta.ig_media, meta.ig_comments, "post"),
    ):
        labels.on(handle, account_id)
        for post in posts:
            for photo in post.photos:
                key = post.post_id if platform == "instagram" and len(post.photos) == 1 else photo.photo_id
                labels.media(platform, post.post_id, key, photo.truth)
            labels.content(
                platform, kind, post.post_id, [p.truth for p in post.photos], post.plants, post.clear_cases
            )
        for comment in comments:
            truth = comment.truth
            before = len(labels.expected)
            if truth.kind == "pupil":
                labels.expect(
                    "pupil-comment",
                    platform,
                    "comment",
                    comment.comment_id,
                    "pupil",
                    truth.person_id,
                    truth.difficulty,
                    truth.case,
                )
            for plant in comment.plants:
                labels.expect(
                    plant.rule,
                    platform,
                    "comment",
                    comment.comment_id,
                    plant.person_kind,
                    plant.person_id,
                    plant.difficulty,
                    plant.case,
                )
            if len(labels.expected) == before and truth.planted:
                labels.clear_case(platform, "comment", comment.comment_id, truth.case)
