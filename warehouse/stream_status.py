"""What a run could not read, and which exceptions it therefore cannot judge (a partial audit is never silent).

Every stream of every official account ends a run `complete`, `capped` (paging stopped at the configured
limit), `failed` (its own calls failed) or `skipped` (it needs a stream that failed). An exception about a
subject the run could not see keeps its state: a failed or skipped stream's exceptions are neither raised nor
resolved, and their `last_seen` stays; a capped stream's are raised and seen as usual but never resolved (the
subject may sit beyond the cap). An image that could not be downloaded blinds the media rules to its post only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb

from platforms import item_kind, sampled_streams, stream_subjects
from warehouse.load import now_utc

COMPLETE, CAPPED, FAILED, SKIPPED = "complete", "capped", "failed", "skipped"
NOT_READ = (FAILED, SKIPPED)
MEDIA_PLATFORM, MEDIA_STREAM = "media", "downloads"
# Which exceptions' subjects each stream shows (the `subject_kind`s its absence leaves unseen), and the streams a
# platform serves as a sample, never a census (an absence from them proves nothing): declared in platforms/.
STREAM_SUBJECTS = stream_subjects()
SAMPLED_STREAMS = sampled_streams()
# The rules that look at an image's pixels (a missing download blinds only these, only for its post or video).
MEDIA_RULES = ("unapproved-media", "consent-breach")
# The rules that also read the text in an image (checks/images/): a missing download leaves its text unread, so
# what they find in the post is raised but nothing of theirs about it is resolved.
IMAGE_TEXT_RULES = ("pupil-named", "contact-details", "political-content")


@dataclass(frozen=True)
class StreamStatus:
    platform: str
    account_id: str
    stream: str
    status: str
    reason: str | None = None
    n_items: int = 0
    account: str | None = None
    partial_errors: int = 0
    quota_units: int | None = None
    cost_usd: float | None = None
    estimated_cost_usd: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "platform": self.platform,
            "account_id": self.account_id,
            "account": self.account,
            "stream": self.stream,
            "status": self.status,
            "reason": self.reason,
            "n_items": self.n_items,
        }


@dataclass(frozen=True)
class BlindSpot:
    """Exceptions the run could not judge: of one account and subject kind, optionally one subject and rules.

    `can_raise`: findings inside it are still raised and seen (a capped stream showed them); resolving is never
    allowed inside a blind spot."""

    platform: str
    account_id: str
    subject_kind: str
    subject_id: str | None = None
    rules: tuple[str, ...] | None = None
    can_raise: bool = False

    def covers(self, rule: str, platform: str, account_id: str, subject_kind: str, subject_id: str) -> bool:
        return (
            platform == self.platform
            and str(account_id) == self.account_id
            and subject_kind == self.subject_kind
            and (self.subject_id is None or str(subject_id) == self.subject_id)
            and (self.rules is None or rule in self.rules)
        )


# A stream the platform does not offer at all (a Facebook Page's or Instagram account's followers: counts only) is
# `skipped` with a reason starting so: its rules' blind spot is recorded and reported, but the run is not partial.
NOT_OFFERED = "not looked at:"


def incomplete(statuses: Iterable[StreamStatus]) -> list[StreamStatus]:
    return [
        s
        for s in statuses
        if s.status != COMPLETE and not (s.status == SKIPPED and (s.reason or "").startswith(NOT_OFFERED))
    ]


def store_stream_status(
    con: duckdb.DuckDBPyConnection, as_of: date, run_id: str, statuses: Sequence[StreamStatus]
) -> None:
    """The week's rows, replaced whole when a re-run of the week read differently (else left as they are, so
    re-running a week changes nothing)."""
    held = con.execute(
        "SELECT platform, account_id, account, stream, status, reason FROM audit.stream_status WHERE as_of = ?",
        [as_of],
    ).fetchall()
    # Counts are left out: a re-run reads fewer new posts (X posts are read since the last one stored).
    fresh = [(s.platform, s.account_id, s.account, s.stream, s.status, s.reason) for s in statuses]
    if sorted(held, key=repr) == sorted(fresh, key=repr):
        return
    recorded = now_utc()
    _keep_replaced_attempts(con, as_of, run_id, recorded)
    con.execute("DELETE FROM audit.stream_status WHERE as_of = ?", [as_of])
    if statuses:
        con.executemany(
            "INSERT INTO audit.stream_status (as_of, run_id, platform, account_id, account, stream, status, reason,"
            " n_items, recorded_at, partial_errors, quota_units, cost_usd, estimated_cost_usd)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                [
                    as_of,
                    run_id,
                    s.platform,
                    s.account_id,
                    s.account,
                    s.stream,
                    s.status,
                    s.reason,
                    s.n_items,
                    recorded,
                    s.partial_errors,
                    s.quota_units,
                    s.cost_usd,
                    s.estimated_cost_usd,
                ]
                for s in statuses
            ],
        )


def _keep_replaced_attempts(con: duckdb.DuckDBPyConnection, as_of: date, run_id: str, now: Any) -> None:
    """What an earlier run of the week could not read outlives its replacement (dpo.partial_audits lists it)."""
    con.execute(
        "INSERT INTO audit.replaced_stream_status (as_of, run_id, platform, account_id, account, stream, status,"
        " reason, n_items, recorded_at, replaced_by, replaced_at)"
        " SELECT as_of, run_id, platform, account_id, account, stream, status, reason, n_items, recorded_at, ?, ?"
        " FROM audit.stream_status s WHERE as_of = ? AND status <> ? AND run_id <> ?"
        " AND NOT EXISTS (SELECT 1 FROM audit.replaced_stream_status r WHERE r.as_of = s.as_of"
        " AND r.run_id = s.run_id AND r.platform = s.platform AND r.account_id = s.account_id"
        " AND r.stream = s.stream)",
        [run_id, now, as_of, COMPLETE, run_id],
    )


def blind_spots(
    con: duckdb.DuckDBPyConnection, statuses: Sequence[StreamStatus], unread_media: Sequence[str]
) -> list[BlindSpot]:
    """The blind spots of a run that read `statuses` and could not download the images `unread_media`."""
    spots = [
        BlindSpot(s.platform, s.account_id, kind, can_raise=s.status == CAPPED)
        for s in statuses
        if s.status != COMPLETE
        for kind in STREAM_SUBJECTS.get((s.platform, s.stream), ())
    ]
    # YouTube lists a sample of the subscribers (public subscriptions only, capped, in no particular order):
    # one seen this week is judged, one missing from this week's sample may still subscribe, so nothing resolves.
    spots += [
        BlindSpot(s.platform, s.account_id, kind, can_raise=True)
        for s in statuses
        if s.status == COMPLETE and (s.platform, s.stream) in SAMPLED_STREAMS
        for kind in STREAM_SUBJECTS[(s.platform, s.stream)]
    ]
    if unread_media:
        rows = con.execute(
            "SELECT DISTINCT platform, account_id, post_id FROM marts.fct_published_media"
            " WHERE media_ref IN (SELECT unnest(?::VARCHAR[]))",
            [sorted(unread_media)],
        ).fetchall()
        spots.extend(
            BlindSpot(
                str(platform),
                str(account_id),
                item_kind(str(platform)),
                subject_id=str(subject_id),
                rules=rules,
                can_raise=can_raise,
            )
            for platform, account_id, subject_id in rows
            for rules, can_raise in ((MEDIA_RULES, False), (IMAGE_TEXT_RULES, True))
        )
    return spots


def not_read_for(con: duckdb.DuckDBPyConnection, as_of: date) -> list[dict[str, Any]]:
    """What the run of `as_of` did not read completely, with the handle of each official account where known."""
    cursor = con.execute(
        "SELECT platform, account_id, account, stream, status, reason, n_items FROM audit.stream_status"
        " WHERE as_of = ? AND status <> 'complete' ORDER BY platform, account_id, stream",
        [as_of],
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def gaps_beside_data_for(con: duckdb.DuckDBPyConnection, as_of: date) -> list[dict[str, Any]]:
    """Streams read this week beside which the platform named objects it could not return (X `errors` next to
    `data`: a quoted post deleted or protected): not a partial audit, but not everything was read either."""
    cursor = con.execute(
        "SELECT platform, account_id, account, stream, partial_errors FROM audit.stream_status"
        " WHERE as_of = ? AND coalesce(partial_errors, 0) > 0 ORDER BY platform, account_id, stream",
        [as_of],
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def unseen_subscribers_for(con: duckdb.DuckDBPyConnection, as_of: date) -> list[dict[str, Any]]:
    """Channels whose subscribers YouTube did not all list this week (only public subscriptions are listed):
    YouTube's own count beside the visible sample, so nobody reads the subscriber rules as covering everyone."""
    cursor = con.execute(
        "SELECT v.account_id, c.custom_url AS account, v.subscriber_count, v.visible_subscribers,"
        " v.unseen_subscribers FROM marts.fct_subscriber_visibility AS v"
        " LEFT JOIN staging.stg_youtube__channel AS c USING (as_of, account_id)"
        " WHERE v.as_of = ? AND v.unseen_subscribers > 0 ORDER BY v.account_id",
        [as_of],
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def describe(row: dict[str, Any] | StreamStatus) -> str:
    """One short phrase: `x followers of 123 (failed: rate limited ...)`."""
    data = row.to_dict() if isinstance(row, StreamStatus) else row
    subject = (
        "image downloads" if data["platform"] == MEDIA_PLATFORM else f"{data['platform']} {data['stream']}"
    )
    who = data.get("account") or data["account_id"]
    return f"{subject} of {who} ({data['status']}: {data['reason'] or 'no reason given'})"
