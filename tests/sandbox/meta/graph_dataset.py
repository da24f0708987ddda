"""A small dataset with one Facebook Page and its linked Instagram account, as docs/contracts/dataset.md lays them
out: posts (one with two photos), a visitor post, comments with a reply, a commenter the Page may not see, a Page's
own comment, a carousel, Instagram comments with a reply."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from PIL import Image

PAGE_ID = "104000000000001"
IG_ID = "17841400000000001"
POSTS = [f"{PAGE_ID}_{n}" for n in (9003, 9002, 9001)]  # newest first
VISITOR_POST = f"{PAGE_ID}_9100"
PHOTOS = ("501", "502", "503")
COMMENT, REPLY, HIDDEN_AUTHOR, PAGE_COMMENT = "7001", "7002", "7003", "7004"
CAROUSEL, CHILDREN, IG_IMAGE = (
    "18000000000000010",
    ("18000000000000011", "18000000000000012"),
    "18000000000000020",
)
IG_COMMENT, IG_REPLY = "18100000000000001", "18100000000000002"
MANY_COMMENTS_POST = POSTS[2]


def _write(path: Path, value: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=1), encoding="utf-8")


def _image(path: Path, colour: tuple[int, int, int]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (40, 30), colour).save(path, "JPEG")


def _photo_attachment(photo_id: str) -> dict[str, object]:
    return {
        "media_type": "photo",
        "type": "photo",
        "target": {"id": photo_id, "url": f"https://www.facebook.com/photo/?fbid={photo_id}"},
        "media": {
            "image": {"src": f"https://scontent.sbx.fbcdn.net/v/{photo_id}.jpg", "width": 40, "height": 30}
        },
    }


def build_graph_dataset(root: Path, comments_on_busy_post: int = 30) -> Path:
    page_dir, ig_dir = root / "facebook" / PAGE_ID, root / "instagram" / IG_ID
    (root / "school.toml").parent.mkdir(parents=True, exist_ok=True)
    (root / "school.toml").write_text(
        '[school]\nname = "Graph Test School"\nphase = "primary"\ntimezone = "Europe/London"\n\n'
        f'[[accounts]]\nplatform = "facebook"\nhandle = "graphtestschool"\nid = "{PAGE_ID}"\n'
        'approved_by = "Headteacher"\napproved_on = 2024-09-01\n\n'
        f'[[accounts]]\nplatform = "instagram"\nhandle = "graphtestschool"\nid = "{IG_ID}"\n'
        'approved_by = "Headteacher"\napproved_on = 2024-09-01\n',
        encoding="utf-8",
    )
    _write(
        page_dir / "page.json",
        {
            "id": PAGE_ID,
            "name": "Graph Test School",
            "username": "graphtestschool",
            "about": "A primary school",
            "link": "https://www.facebook.com/graphtestschool",
            "fan_count": 410,
            "followers_count": 455,
            "instagram_business_account": {"id": IG_ID},
        },
    )
    album = {
        "media_type": "album",
        "type": "album",
        "subattachments": {"data": [_photo_attachment(PHOTOS[0]), _photo_attachment(PHOTOS[1])]},
    }
    posts = [
        {
            "id": POSTS[0],
            "created_time": "2026-11-20T15:00:00+0000",
            "message": "Sports day!",
            "attachments": {"data": [album]},
        },
        {
            "id": POSTS[1],
            "created_time": "2026-11-18T09:00:00+0000",
            "message": "Harvest festival",
            "attachments": {"data": [_photo_attachment(PHOTOS[2])]},
        },
        {"id": POSTS[2], "created_time": "2026-11-10T09:00:00+0000", "message": "Term dates are out."},
    ]
    _write(page_dir / "posts.json", posts)
    _write(
        page_dir / "visitor_posts.json",
        [
            {
                "id": VISITOR_POST,
                "created_time": "2026-11-19T10:00:00+0000",
                "message": "Thank you Class 3!",
                "from": {"id": "3100000000000009", "name": "Pat Visitor"},
            }
        ],
    )
    photos = []
    for index, photo_id in enumerate(PHOTOS):
        photos.append(
            {
                "id": photo_id,
                "created_time": "2026-11-18T09:00:00+0000",
                "alt_text": "May be an image of 2 people",
                "alt_text_custom": f"Children at the event {index}",
                "images": [
                    {"height": 30, "width": 40, "source": f"https://scontent.sbx.fbcdn.net/v/{photo_id}.jpg"}
                ],
            }
        )
        _image(page_dir / "media" / f"{photo_id}.jpg", (40 * index, 90, 200))
    _write(page_dir / "photos.json", photos)
    busy = [
        {
            "id": str(8000 + n),
            "message": f"Comment {n}",
            "created_time": f"2026-11-11T10:{n:02d}:00+0000",
            "from": {"id": f"31000000000{n:05d}", "name": f"Parent {n}"},
        }
        for n in range(comments_on_busy_post)
    ]
    _write(
        page_dir / "comments.json",
        {
            POSTS[0]: [
                {
                    "id": COMMENT,
                    "message": "So proud of them!",
                    "created_time": "2026-11-20T16:00:00+0000",
                    "from": {"id": "3100000000000001", "name": "Alex Parent"},
                },
                {"id": HIDDEN_AUTHOR, "message": "Lovely", "created_time": "2026-11-20T17:00:00+0000"},
                {
                    "id": PAGE_COMMENT,
                    "message": "Thank you all",
                    "created_time": "2026-11-20T18:00:00+0000",
                    "from": {"id": PAGE_ID, "name": "Graph Test School"},
                },
            ],
            COMMENT: [
                {
                    "id": REPLY,
                    "message": "Me too",
                    "created_time": "2026-11-20T16:30:00+0000",
                    "from": {"id": "3100000000000002", "name": "Sam Parent"},
                },
            ],
            MANY_COMMENTS_POST: busy,
        },
    )
    _write(
        ig_dir / "account.json",
        {
            "id": IG_ID,
            "username": "graphtestschool",
            "name": "Graph Test School",
            "followers_count": 120,
            "follows_count": 3,
            "media_count": 2,
        },
    )
    cdn = "https://scontent.cdninstagram.sbx"
    _write(
        ig_dir / "media.json",
        [
            {
                "id": IG_IMAGE,
                "media_type": "IMAGE",
                "caption": "Autumn walk",
                "timestamp": "2026-11-21T10:00:00+0000",
                "media_url": f"{cdn}/{IG_IMAGE}.jpg",
                "permalink": "https://www.instagram.com/p/sbx1/",
                "alt_text": "Leaves",
            },
            {
                "id": CAROUSEL,
                "media_type": "CAROUSEL_ALBUM",
                "caption": "Sports day",
                "timestamp": "2026-11-20T10:00:00+0000",
                "permalink": "https://www.instagram.com/p/sbx2/",
                "children": {
                    "data": [
                        {
                            "id": child,
                            "media_type": "IMAGE",
                            "media_url": f"{cdn}/{child}.jpg",
                            "timestamp": "2026-11-20T10:00:00+0000",
                        }
                        for child in CHILDREN
                    ]
                },
            },
        ],
    )
    for index, media_id in enumerate((IG_IMAGE, *CHILDREN)):
        _image(ig_dir / "media" / f"{media_id}.jpg", (200, 40 * index, 90))
    _write(
        ig_dir / "comments.json",
        {
            CAROUSEL: [
                {
                    "id": IG_COMMENT,
                    "text": "Well done!",
                    "timestamp": "2026-11-20T11:00:00+0000",
                    "username": "a_parent",
                    "from": {"id": "9000000001", "username": "a_parent"},
                }
            ],
            IG_COMMENT: [
                {
                    "id": IG_REPLY,
                    "text": "Agreed",
                    "timestamp": "2026-11-20T12:00:00+0000",
                    "username": "b_parent",
                    "from": {"id": "9000000002", "username": "b_parent"},
                }
            ],
        },
    )
    for name in ("x", "youtube"):
        (root / name).mkdir(exist_ok=True)
    (root / "registers").mkdir(exist_ok=True)
    return root


def add_graph_accounts(school: Path, graph: Path) -> None:
    """A school dataset (X, YouTube) given the graph dataset's Page and Instagram account."""
    for folder in ("facebook", "instagram"):
        shutil.copytree(graph / folder, school / folder)
    accounts = (graph / "school.toml").read_text(encoding="utf-8").split("[[accounts]]", 1)[1]
    with (school / "school.toml").open("a", encoding="utf-8") as toml:
        toml.write("\n[[accounts]]" + accounts)
