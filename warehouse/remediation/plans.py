"""What an action on an exception would do, read from the warehouse before anything is sent: the objects it acts on,
the call, its cost, whether it can be undone, and for a manual step exactly what to do in the platform's app.

The CLI prints a plan and asks before acting; the review app shows the same plan beside its confirmation."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb

from platforms import platform
from warehouse.remediation.actions import (
    ACTIONS,
    MITIGATES,
    YOUTUBE_MAX_COMMENT_IDS,
    Action,
    cost_line,
    offered,
    why_not_offered,
)
from warehouse.remediation.records import RemediationError, Request

META_COMMENT_ACTIONS = ("hide-comment", "delete-comment", "hide-ig-comment", "delete-ig-comment")

EXCEPTION_COLUMNS = (
    "key, rule, severity, status, platform, account, account_id, subject_kind, subject_id, subject_label,"
    " subject_url, person_kind, person_id, evidence, evidence_sha256, last_seen"
)
PUPILS_COMMENTS = """
SELECT c.comment_id, c.is_reply, c.video_id
FROM marts.fct_comments AS c
WHERE c.as_of = ? AND c.account_id = ? AND c.thread_id = ? AND c.author_channel_id IN (
    SELECT subject_id FROM audit.identities
    WHERE as_of = ? AND platform = 'youtube' AND account_id = ? AND relation = 'commenter' AND person_id = ?
)
ORDER BY c.is_reply, c.comment_id
"""
THREAD_REPLIES = "SELECT count(*) FROM marts.fct_comments WHERE as_of = ? AND thread_id = ? AND is_reply"


@dataclass(frozen=True)
class Plan:
    action: Action
    exception: dict[str, Any]
    targets: tuple[str, ...]
    calls: int
    notes: tuple[str, ...] = ()
    instructions: str | None = None

    @property
    def key(self) -> str:
        return str(self.exception["key"])

    @property
    def call(self) -> str:
        if self.action.manual:
            return f"by hand: {self.instructions}"
        ids = ",".join(self.targets)
        text = self.action.call.replace("IDS", ids).replace("ME", str(self.exception["account_id"]))
        return text.replace("ID", self.targets[0] if self.targets else "")

    @property
    def cost_usd(self) -> float | None:
        if self.action.platform != "x":
            return None
        from warehouse.remediation.actions import X_IDENTITY_CHECK_USD

        return round(self.action.cost_usd * self.calls + X_IDENTITY_CHECK_USD, 6)

    @property
    def quota_units(self) -> int | None:
        return self.action.quota_units * self.calls if self.action.platform == "youtube" else None

    def request(self, as_of: date) -> Request:
        e = self.exception
        return Request(
            self.key,
            self.action.name,
            str(e["platform"]),
            str(e["account_id"]),
            str(e["subject_kind"]),
            str(e["subject_id"]),
            self.targets,
            self.call,
            self.cost_usd,
            self.quota_units,
            self.action.reversible,
            e["last_seen"],
            e["evidence_sha256"],
            as_of,
        )

    def lines(self) -> list[str]:
        """What will happen, line by line, as a person reads it before confirming."""
        e, action = self.exception, self.action
        label = platform(str(e["platform"])).label
        where = f"{label} @{e['account']}" if e["platform"] == "x" else f"{label} {e['account']}"
        subject = f"{e['subject_kind']} {e['subject_id']}"
        if e.get("subject_label"):
            subject += f" ({e['subject_label']})"
        lines = [
            f"Action: {action.name}: {action.what}",
            f"On: {e['rule']} exception {e['key']} ({e['severity']}, {e['status']}); {where}, {subject}"
            + (f" {e['subject_url']}" if e.get("subject_url") else ""),
        ]
        if action.manual:
            lines.append(f"Do this by hand: {self.instructions}")
        else:
            lines.append(f"Call: {self.call}  [{action.library_call}]")
        lines.append(f"Cost: {cost_line(action, self.calls)}")
        undo = "yes: " + action.undo if action.reversible else "NO: " + action.undo
        if action.irreversible_note:
            undo += f"; {action.irreversible_note}"
        lines.append(f"Can it be undone: {undo}")
        lines += [f"Note: {note}" for note in self.notes]
        lines.append(f"Evidence (week {e['last_seen']}): {e['evidence']}")
        if action.effect == MITIGATES:
            lines.append("Next week: the finding stays (this action does not end it); the run records that.")
        elif e["subject_kind"] == "subscriber":
            lines.append(
                "Next week: still in YouTube's visible-subscriber sample, the exception reopens; absent from it proves "
                "nothing (the sample is capped and public only), so the exception waits, and after [rules] "
                "subscriber_unseen_weeks a person is asked to look in YouTube Studio."
            )
        else:
            lines.append(
                "Next week: the run checks the subject is gone or changed; if it is still there, the exception "
                "reopens (the action did not take effect)."
            )
        return lines


def exception_row(con: duckdb.DuckDBPyConnection, key: str) -> dict[str, Any]:
    cursor = con.execute(f"SELECT {EXCEPTION_COLUMNS} FROM audit.exceptions WHERE key = ?", [key])
    row = cursor.fetchone()
    if row is None:
        raise RemediationError(f"no exception has the key {key!r} (see `socialaudit exceptions list`)")
    return dict(zip([d[0] for d in cursor.description], row, strict=True))


def manual_step(e: dict[str, Any]) -> str:
    """Exactly what to do in the platform's own app, with a link to the account or the object."""
    platform, kind, subject_id = e["platform"], e["subject_kind"], e["subject_id"]
    link = e.get("subject_url") or ""
    label = e.get("subject_label") or subject_id
    if platform == "x":
        handle = e["account"]
        signed_in = f"signed in to x.com as @{handle}"
        steps = {
            "follower": f"{signed_in}, open https://x.com/{handle}/followers, find {label} ({link or subject_id}), "
            "choose the ... menu and 'Remove this follower'",
            "following": f"{signed_in}, open {link or 'the account'} ({label}) and choose Following, then Unfollow",
            "post": f"{signed_in}, open {link or 'https://x.com/' + handle + '/status/' + subject_id}, choose the "
            "... menu and Delete",
            "account": f"{signed_in}, open https://x.com/settings/profile and put back the approved handle, name "
            "and bio (or record the change as approved in school.toml)",
            "reply": f"{signed_in}, open {link or 'the reply'}, choose the ... menu and 'Hide reply'",
        }
    elif platform in ("facebook", "instagram"):
        return _meta_manual_step(e)
    else:
        channel = e["account_id"]
        studio = f"https://studio.youtube.com/channel/{channel}"
        steps = {
            "subscriber": f"YouTube lets no channel owner remove a subscriber: in YouTube Studio ({studio}/comments"
            f") hide {label} from the channel (Hide user from channel on any of their comments), and ask the "
            "pupil's parents to unsubscribe",
            "video": f"open https://studio.youtube.com/video/{subject_id}/edit, set Visibility to Private (or "
            "delete the video) and Save",
            "comment": f"open {studio}/comments, find the comment ({link or subject_id}), choose Remove (and Hide "
            "user from channel)",
            "account": f"open {studio}/editing/profile and put back the approved name, handle and description",
        }
    return steps.get(kind, f"open {link or 'the platform'} and remove {label}")


def _meta_manual_step(e: dict[str, Any]) -> str:
    kind, subject_id = e["subject_kind"], e["subject_id"]
    link = e.get("subject_url") or ""
    label = e.get("subject_label") or subject_id
    if e["platform"] == "facebook":
        signed_in = f"signed in as an admin of the Page {e['account']}"
        steps = {
            "comment": f"{signed_in}, open {link or 'the post'}, find the comment ({label}), choose its ... menu and "
            "Hide (or Delete)",
            "post": f"{signed_in}, open {link or 'the post'}, choose its ... menu and Delete (or Move to archive)",
            "account": f"{signed_in}, open the Page's settings and put back the approved name, username and details",
        }
    else:
        signed_in = f"in the Instagram app signed in as @{e['account']}"
        steps = {
            "comment": f"{signed_in}, open {link or 'the post'}, swipe left on the comment ({label}) and choose Hide "
            "(or Delete)",
            "post": f"{signed_in}, open {link or 'the post'}, choose ... and Delete (or Turn off commenting)",
            "account": f"{signed_in}, choose Edit profile and put back the approved name, username and bio",
        }
    return steps.get(kind, f"open {link or 'the platform'} and remove {label}")


def _comments(con: duckdb.DuckDBPyConnection, e: dict[str, Any]) -> list[tuple[str, bool, str | None]]:
    if e["person_id"] is None:
        raise RemediationError(
            f"{e['key']} names no pupil, so their comments in the thread cannot be told apart"
        )
    week, account = e["last_seen"], e["account_id"]
    rows = con.execute(
        PUPILS_COMMENTS, [week, account, e["subject_id"], week, account, e["person_id"]]
    ).fetchall()
    if not rows:
        raise RemediationError(
            f"the week of {week} holds none of the pupil's comments in thread {e['subject_id']}: run the weekly "
            "audit again first"
        )
    return [(str(r[0]), bool(r[1]), r[2]) for r in rows]


def make_plan(con: duckdb.DuckDBPyConnection, key: str, action_name: str) -> Plan:
    """The plan of one action on one exception, or RemediationError saying why it is not offered."""
    action = ACTIONS.get(action_name)
    if action is None:
        raise RemediationError(f"unknown action {action_name!r}; one of {', '.join(ACTIONS)}")
    e = exception_row(con, key)
    rule, platform, kind = str(e["rule"]), str(e["platform"]), str(e["subject_kind"])
    if action not in offered(rule, platform, kind):
        raise RemediationError(why_not_offered(action, rule, platform, kind))
    if action.manual:
        return Plan(action, e, (), 0, instructions=manual_step(e))
    if action.name in ("reject-comment", "reject-comment-ban-author"):
        comments = _comments(con, e)
        ids = tuple(c[0] for c in comments)
        notes = []
        if any(not reply for _, reply, _ in comments):
            (replies,) = con.execute(THREAD_REPLIES, [e["last_seen"], e["subject_id"]]).fetchone() or (0,)
            if replies:
                notes.append(
                    f"the pupil wrote the thread's top-level comment: rejecting it also hides its {replies} "
                    "repl(ies), whoever wrote them"
                )
        return Plan(action, e, ids, math.ceil(len(ids) / YOUTUBE_MAX_COMMENT_IDS), tuple(notes))
    if action.name == "set-made-for-kids":
        videos = {c[2] for c in _comments(con, e) if c[2]}
        if len(videos) != 1:
            raise RemediationError(f"cannot tell which video thread {e['subject_id']} is on")
        (video,) = videos
        note = f"every comment on video {video} is turned off, not only the pupil's"
        return Plan(action, e, (str(video),), 1, (note,))
    if action.name in (*META_COMMENT_ACTIONS, "delete-page-post") and _visitor_post(con, e):
        raise RemediationError(
            f"{e['subject_id']} is a post a visitor published on the Page, not a comment nor the Page's own post: "
            "only its author, or a Page admin in Facebook, can remove it (the manual step)"
        )
    if action.name == "turn-off-ig-comments":
        media = _media_of_comment(con, e)
        return Plan(action, e, (media,), 1, (f"every comment on media {media} is hidden, not only this one",))
    return Plan(action, e, (str(e["subject_id"]),), 1)


def _media_of_comment(con: duckdb.DuckDBPyConnection, e: dict[str, Any]) -> str:
    found = con.execute(
        "SELECT DISTINCT post_id FROM marts.fct_meta_comments WHERE platform = 'instagram' AND account_id = ? "
        "AND comment_id = ?",
        [str(e["account_id"]), str(e["subject_id"])],
    ).fetchall()
    if len(found) != 1:
        raise RemediationError(
            f"cannot tell which media comment {e['subject_id']} is under: run the weekly audit again first"
        )
    return str(found[0][0])


def _visitor_post(con: duckdb.DuckDBPyConnection, e: dict[str, Any]) -> bool:
    found = con.execute(
        "SELECT count(*) FROM staging.stg_facebook__posts WHERE account_id = ? AND post_id = ? AND by_visitor",
        [str(e["account_id"]), str(e["subject_id"])],
    ).fetchone()
    return bool(found and found[0])


def offered_plans(con: duckdb.DuckDBPyConnection, key: str) -> list[Plan | str]:
    """Each action the exception's rule offers, as a plan, or (a string) why it cannot be planned now."""
    e = exception_row(con, key)
    found: list[Plan | str] = []
    for action in offered(str(e["rule"]), str(e["platform"]), str(e["subject_kind"])):
        try:
            found.append(make_plan(con, key, action.name))
        except RemediationError as problem:
            found.append(f"{action.name}: {problem}")
    return found
