"""The writes a Page owner makes about a finding (reference: meta-apis.md §4), as strict as Graph: a Facebook
comment hidden (`POST /{comment-id}` with `is_hidden`) or deleted needs a Page token with `pages_manage_engagement`
and the MODERATE task; a Page post or photo deleted needs `pages_manage_posts` (a visitor's post on the Page is refused:
only its author removes it through the API); an Instagram comment hidden (`hide`)
or deleted, and an Instagram post's comments turned off (`comment_enabled`), need `instagram_manage_comments`;
Instagram media is deleted only from v24.0 on, whole (never one carousel slide), with `instagram_manage_contents`.
Accepted writes go to the dataset's journal (sandbox/writes.py), so the next week's reads show them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sandbox.http import ApiError, JsonObject, Reply, json_reply
from sandbox.meta import exceptions as errors
from sandbox.meta.models import COMMENT, IG_MEDIA, PHOTO, POST, MetaData
from sandbox.meta.responses import Call, MetaReads

if TYPE_CHECKING:
    from sandbox.writes import WriteJournal

IG_MEDIA_DELETE_SINCE = 24
BOOLEANS = {"true": True, "false": False, "1": True, "0": False}


def _flag(call: Call, name: str) -> bool:
    raw = call.params.get(name)
    if raw is None:
        raise ApiError(errors.invalid_parameter(f"The parameter {name} is required"))
    value = BOOLEANS.get(raw.strip().lower())
    if value is None:
        raise ApiError(errors.invalid_parameter(f"Param {name} must be a boolean"))
    return value


class MetaWrites:
    def __init__(self, reads: MetaReads, journal: WriteJournal) -> None:
        self.reads = reads
        self.journal = journal

    def write(self, call: Call, object_id: str) -> Reply:
        method = call.request.method
        found = self.reads.meta.objects.get(object_id)
        if found is None or not self.reads.manages(call.token, found.owner_id):
            raise ApiError(errors.gone(object_id, method.lower()))
        token = call.token
        entry: JsonObject
        if found.node_type in (COMMENT, POST, PHOTO):
            if not token.is_page:
                raise ApiError(errors.page_token_required())
            needed = "pages_manage_engagement" if found.node_type == COMMENT else "pages_manage_posts"
            if not token.has(needed):
                raise ApiError(errors.write_permission(needed))
            if found.node_type == COMMENT and "MODERATE" not in token.tasks:
                raise ApiError(errors.write_permission("pages_manage_engagement"))
            if found.visitor and method == "DELETE":
                raise ApiError(errors.not_the_pages_post(object_id))
            if method == "POST":
                entry = {"kind": "fb.comment_hidden", "id": object_id, "hidden": _flag(call, "is_hidden")}
            else:
                entry = {"kind": "fb.delete", "id": object_id}
        else:
            self.reads.require_instagram(token)
            if found.node_type == IG_MEDIA and method == "DELETE":
                if call.major < IG_MEDIA_DELETE_SINCE or found.parent_id:
                    raise ApiError(errors.gone(object_id, "delete"))
                if not token.has("instagram_manage_contents"):
                    raise ApiError(errors.write_permission("instagram_manage_contents"))
                entry = {"kind": "ig.delete", "id": object_id}
            else:
                if not token.has("instagram_manage_comments"):
                    raise ApiError(errors.write_permission("instagram_manage_comments"))
                if found.node_type == IG_MEDIA:
                    if found.parent_id:
                        raise ApiError(errors.gone(object_id, "post"))
                    enabled = _flag(call, "comment_enabled")
                    entry = {"kind": "ig.comment_enabled", "id": object_id, "enabled": enabled}
                elif method == "POST":
                    entry = {"kind": "ig.comment_hidden", "id": object_id, "hidden": _flag(call, "hide")}
                else:
                    entry = {"kind": "ig.delete", "id": object_id}
        self.journal.record(entry)
        return json_reply(200, {"success": True}, errors.GRAPH_JSON)


def apply_meta_write(meta: MetaData, entry: JsonObject) -> None:
    """One journal entry applied to the dataset in memory; an object a later week's dataset no longer holds is
    passed over."""
    kind, object_id = str(entry.get("kind")), str(entry.get("id"))
    found = meta.objects.get(object_id)
    if found is None:
        return
    if kind == "fb.comment_hidden":
        found.node["is_hidden"] = bool(entry["hidden"])
    elif kind == "ig.comment_hidden":
        found.node["hidden"] = bool(entry["hidden"])
    elif kind == "ig.comment_enabled":
        found.node["is_comment_enabled"] = bool(entry["enabled"])
    elif kind in ("fb.delete", "ig.delete"):
        _remove(meta, object_id)
    else:
        raise ValueError(f"unknown Graph write {kind!r}")
    meta.reindex()


def _remove(meta: MetaData, object_id: str) -> None:
    """An object and everything under it (its comments and their replies) gone."""
    doomed = {object_id}
    changed = True
    while changed:
        changed = False
        for key, found in meta.objects.items():
            if key not in doomed and found.parent_id in doomed:
                doomed.add(key)
                changed = True
    for page in meta.pages:
        page.posts[:] = [p for p in page.posts if str(p.get("id")) not in doomed]
        page.visitor_posts[:] = [p for p in page.visitor_posts if str(p.get("id")) not in doomed]
        page.photos[:] = [p for p in page.photos if str(p.get("id")) not in doomed]
        page.comments = {
            k: [c for c in v if str(c.get("id")) not in doomed]
            for k, v in page.comments.items()
            if k not in doomed
        }
    for account in meta.instagram:
        account.media[:] = [m for m in account.media if str(m.get("id")) not in doomed]
        account.comments = {
            k: [c for c in v if str(c.get("id")) not in doomed]
            for k, v in account.comments.items()
            if k not in doomed
        }
