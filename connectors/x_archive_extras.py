"""What an X archive says beside its posts: whether X sent all of it (`manifest.js`, `isPartialArchive`), the whole
text of posts over 280 characters (`note-tweet.js`), and the posts the account deleted (`deleted-tweets.js`).

The archive keeps a long post twice: in `tweets.js` cut short (its `full_text` ends where the 280 characters do)
and whole in `note-tweet.js` as a `noteTweet` with its own `noteTweetId`, `createdAt` and `core.text`. X documents
no key joining the two: a note is the post with its id when there is one, else the post its cut text begins and
whose time it shares (within a minute); a note matching no post, or more than one, is counted and left out.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

NOTE_FILE = re.compile(r"^data/note-tweet(-part\d+)?\.js$")
DELETED_FILE = re.compile(r"^data/deleted-tweets?(-part\d+)?\.js$")
SAME_POST_SECONDS = 60
# A cut post ends with an ellipsis and the link X adds to the whole; neither is in the note.
CUT_TAIL = re.compile(r"(\s*(https://t\.co/\S+|…))+\s*$")


@dataclass(frozen=True)
class NoteTweet:
    note_id: str
    created_at: str | None
    text: str
    hashtags: list[str]


def partial_archive(manifest: Any) -> bool:
    """`archiveInfo.isPartialArchive` of a `manifest.js` (X's flag for an archive it could not write whole)."""
    info = manifest.get("archiveInfo") if isinstance(manifest, dict) else None
    flag = info.get("isPartialArchive") if isinstance(info, dict) else None
    return flag is True or str(flag).lower() == "true"


def read_notes(entries: Iterable[Any]) -> list[NoteTweet]:
    notes = []
    for entry in entries:
        note = entry.get("noteTweet", entry) if isinstance(entry, dict) else None
        if not isinstance(note, dict):
            continue
        core = note.get("core")
        if not isinstance(core, dict) or not isinstance(core.get("text"), str):
            continue
        tags = [
            str(h.get("text")) for h in core.get("hashtags") or [] if isinstance(h, dict) and h.get("text")
        ]
        notes.append(NoteTweet(str(note.get("noteTweetId") or ""), note.get("createdAt"), core["text"], tags))
    return notes


def deleted_post_ids(entries: Iterable[Any]) -> list[dict[str, str]]:
    """`{"id", "deleted_at"}` of every post in a `deleted-tweets.js` part (entries shaped as in `tweets.js`)."""
    found = []
    for entry in entries:
        post = entry.get("tweet", entry) if isinstance(entry, dict) else None
        post_id = str((post or {}).get("id_str") or (post or {}).get("id") or "")
        if post_id.isdigit():
            found.append({"id": post_id, "deleted_at": str((post or {}).get("deleted_at") or "")})
    return found


def _comparable(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def attach_notes(
    posts: dict[str, dict[str, Any]], notes: list[NoteTweet], created: Callable[[Any], str | None]
) -> int:
    """Put each note's whole text on its post (`note_tweet`, as the API spells it); how many matched none.
    `posts` maps post id to API-shaped post; `created` reads a note's `createdAt` as the posts' `created_at`."""
    unmatched = 0
    for note in notes:
        target = posts.get(note.note_id)
        if target is None:
            target = _by_text_and_time(posts.values(), note, created(note.created_at))
        if target is None:
            unmatched += 1
            continue
        target["note_tweet"] = {"text": note.text}
        if note.hashtags:
            target["note_tweet"]["entities"] = {"hashtags": [{"tag": tag} for tag in note.hashtags]}
    return unmatched


def _by_text_and_time(
    posts: Iterable[dict[str, Any]], note: NoteTweet, note_time: str | None
) -> dict[str, Any] | None:
    whole = _comparable(note.text)
    candidates = []
    for post in posts:
        cut = _comparable(CUT_TAIL.sub("", str(post.get("text") or "")))
        if not cut or not whole.startswith(cut) or len(cut) >= len(whole):
            continue
        if note_time and post.get("created_at") and not _close(note_time, str(post["created_at"])):
            continue
        candidates.append(post)
    return candidates[0] if len(candidates) == 1 else None


def _close(first: str, second: str) -> bool:
    try:
        a = datetime.fromisoformat(first.replace("Z", "+00:00"))
        b = datetime.fromisoformat(second.replace("Z", "+00:00"))
    except ValueError:
        return False
    return abs((a - b).total_seconds()) <= SAME_POST_SECONDS
