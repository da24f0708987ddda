"""The school's YouTube channel acting on a finding through google-api-python-client: reject comments
(comments.setModerationStatus, optionally banning the author) and change a video's status (videos.update, which
resets any mutable status field it is not sent, so the whole status is read first and sent back)."""

from __future__ import annotations

import json
from typing import Any

from googleapiclient.errors import HttpError

from connectors.actions import ACCEPTED, ALREADY_DONE, FAILED, REFUSED, SCOPE_MISSING, WriteAnswer
from connectors.paging import dropped_connection
from connectors.youtube import SIGN_IN_AGAIN, error_reason

# The status fields videos.update sets: omitted ones are reset, so every one the video has is sent back.
MUTABLE_STATUS = (
    "privacyStatus",
    "embeddable",
    "license",
    "publicStatsViewable",
    "publishAt",
    "selfDeclaredMadeForKids",
    "containsSyntheticMedia",
)
MAX_COMMENT_IDS = 50
SCOPE_REASONS = ("insufficientPermissions", "ACCESS_TOKEN_SCOPE_INSUFFICIENT")


def _body(error: HttpError) -> Any:
    try:
        return json.loads(error.content.decode("utf-8", "replace"))
    except (ValueError, AttributeError):
        return None


def _refusal(error: HttpError, gone: str) -> WriteAnswer:
    status, reason = error.status_code, error_reason(error)
    body = _body(error)
    if status == 403 and reason in SCOPE_REASONS:
        text = (
            f"the YouTube token lacks the scope this needs (403 {reason}; youtube.force-ssl): {SIGN_IN_AGAIN}, "
            "which asks for it; nothing was done"
        )
        return WriteAnswer(REFUSED, text, status, body, SCOPE_MISSING)
    if status == 403 and reason in ("quotaExceeded", "dailyLimitExceeded"):
        text = (
            "the Google Cloud project's daily YouTube quota is used up (it resets at midnight Pacific time): "
            "nothing was done; act again tomorrow"
        )
        return WriteAnswer(REFUSED, text, status, body)
    if status == 404:
        return WriteAnswer(ALREADY_DONE, gone, status, body)
    if status == 429 or status >= 500 or (status == 403 and reason.endswith("RateLimitExceeded")):
        text = (
            f"YouTube answered {status} {reason}: it may or may not have been done; the next weekly run shows "
            "which, and trying again cannot act twice"
        )
        return WriteAnswer(FAILED, text, status, body)
    text = f"YouTube refused it ({status} {reason or 'no reason given'}): nothing was done"
    return WriteAnswer(REFUSED, text, status, body)


def _execute(request: Any, gone: str) -> tuple[Any, WriteAnswer | None]:
    """Send once; (payload, None), or (None, what the failure means)."""
    from google.auth.exceptions import RefreshError

    try:
        return request.execute(num_retries=0), None
    except HttpError as error:
        return None, _refusal(error, gone)
    except RefreshError as error:
        text = f"Google refused the stored sign-in ({str(error)[:120]}): {SIGN_IN_AGAIN}; nothing was done"
        return None, WriteAnswer(REFUSED, text)
    except Exception as error:
        if not dropped_connection(error):
            raise
        text = (
            f"the connection to YouTube failed ({type(error).__name__}): it may or may not have been done; the "
            "next weekly run shows which, and trying again cannot act twice"
        )
        return None, WriteAnswer(FAILED, text)


def reject_comments(youtube: Any, comment_ids: list[str], ban_author: bool) -> WriteAnswer:
    """comments.setModerationStatus(moderationStatus=rejected) for up to 50 comments in one call (answered 204)."""
    if not 1 <= len(comment_ids) <= MAX_COMMENT_IDS:
        raise ValueError(f"between 1 and {MAX_COMMENT_IDS} comment ids a call, not {len(comment_ids)}")
    params: dict[str, Any] = {"id": ",".join(comment_ids), "moderationStatus": "rejected"}
    if ban_author:
        params["banAuthor"] = True
    gone = "YouTube says the comment no longer exists (its author deleted it): nothing left to reject"
    payload, failure = _execute(youtube.comments().setModerationStatus(**params), gone)
    if failure is not None:
        return failure
    return WriteAnswer(ACCEPTED, "YouTube accepted it (204 No Content)", 204, payload or None)


def update_video_status(youtube: Any, video_id: str, change: dict[str, Any]) -> WriteAnswer:
    """Read the video's status (1 unit), then send it back whole with `change` applied (videos.update, 50 units);
    nothing is sent when the video is already so."""
    gone = f"YouTube says video {video_id} no longer exists: nothing left to change"
    listed, failure = _execute(youtube.videos().list(part="status", id=video_id), gone)
    if failure is not None:
        return failure
    items = (listed or {}).get("items") or []
    if not items:
        return WriteAnswer(ALREADY_DONE, gone, 200, listed)
    current = items[0].get("status") or {}
    if all(current.get(name) == value for name, value in change.items()):
        return WriteAnswer(ALREADY_DONE, f"video {video_id} is already so: nothing was sent", 200, listed)
    status = {name: current[name] for name in MUTABLE_STATUS if name in current}
    status.update(change)
    body = {"id": video_id, "status": status}
    updated, failure = _execute(youtube.videos().update(part="status", body=body), gone)
    if failure is not None:
        return WriteAnswer(failure.outcome, failure.reason, failure.status, failure.body, failure.lacking, 2)
    after = (updated or {}).get("status") or {}
    if all(after.get(name) == value for name, value in change.items()):
        return WriteAnswer(ACCEPTED, "YouTube accepted it", 200, updated, calls=2)
    return WriteAnswer(
        FAILED, f"YouTube answered without the change: {str(after)[:300]}", 200, updated, calls=2
    )
