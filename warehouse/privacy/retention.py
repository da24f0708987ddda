"""Retention: each run deletes what the school's [retention] policy no longer allows it to keep, and logs counts."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Protocol

import duckdb

from warehouse import portable, post_checks
from warehouse.load import now_utc
from warehouse.privacy.retention_text import redact_pupils_in_old_posts


class RetentionPolicy(Protocol):
    @property
    def raw_pages_weeks(self) -> int: ...
    @property
    def unmatched_profiles_weeks(self) -> int: ...
    @property
    def findings_weeks(self) -> int: ...
    @property
    def resolved_exceptions_months(self) -> int: ...
    @property
    def register_versions_months(self) -> int: ...
    @property
    def validation_results_weeks(self) -> int: ...
    @property
    def matched_identities_weeks(self) -> int: ...
    @property
    def decided_exceptions_months(self) -> int: ...
    @property
    def posts_naming_pupils_weeks(self) -> int: ...
    @property
    def access_log_months(self) -> int: ...


@dataclass(frozen=True)
class Rule:
    setting: str
    table: str
    unit: str  # weeks | months
    what: str
    purge: Callable[[duckdb.DuckDBPyConnection, date, date], int]


def _deleted(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | dict[str, Any]) -> int:
    # The statement's own row count: DuckLake refuses DELETE ... RETURNING.
    row = con.execute(sql, params).fetchone()
    return int(row[0]) if row else 0


def _purge_raw_pages(con: duckdb.DuckDBPyConnection, cutoff: date, as_of: date) -> int:
    # Full-snapshot streams only: posts arrive incrementally, so old post pages hold the only copy of old posts
    # (the school's own content), post lookups are the only record that a post was deleted, and the newest
    # snapshot of every stream is what the next run compares with.
    stale = """
        SELECT snapshot_id FROM raw.snapshots AS s
        WHERE stream NOT IN ('posts', 'post_lookup') AND as_of < $cutoff
          AND snapshot_id NOT IN (
              SELECT snapshot_id FROM (
                  SELECT snapshot_id, row_number() OVER (
                      PARTITION BY platform, account_id, stream ORDER BY as_of DESC, fetched_at DESC
                  ) AS newest
                  FROM raw.snapshots
              ) WHERE newest = 1
          )
    """
    pages = _deleted(
        con,
        f"DELETE FROM raw.api_pages WHERE snapshot_id IN ({stale})",
        {"cutoff": cutoff},
    )
    con.execute(f"DELETE FROM raw.snapshots WHERE snapshot_id IN ({stale})", {"cutoff": cutoff})
    return pages


def _purge_unmatched(con: duckdb.DuckDBPyConnection, cutoff: date, as_of: date) -> int:
    return _deleted(
        con,
        "DELETE FROM audit.identities WHERE person_kind = 'unknown' AND as_of < ?",
        [cutoff],
    )


def _purge_matched(con: duckdb.DuckDBPyConnection, cutoff: date, as_of: date) -> int:
    return _deleted(
        con,
        "DELETE FROM audit.identities WHERE person_kind <> 'unknown' AND as_of < ?",
        [cutoff],
    )


DECIDED = """
    SELECT e.key FROM audit.exceptions AS e
    WHERE e.status IN ('accepted', 'false_positive')
      AND coalesce((SELECT max(r.as_of) FROM audit.reviews AS r WHERE r.key = e.key), e.last_seen) < $cutoff
"""


def _purge_decided(con: duckdb.DuckDBPyConnection, cutoff: date, as_of: date) -> int:
    # Decided longer ago than the cutoff: gone with its events and reviews; a subject still there is raised again
    # next week for a fresh decision (a yearly look at what was accepted or judged wrong).
    keys = [r[0] for r in con.execute(DECIDED, {"cutoff": cutoff}).fetchall()]
    if not keys:
        return 0
    params = {"keys": keys}
    for table in ("audit.exception_events", "audit.reviews", *_remediations(con)):
        con.execute(f"DELETE FROM {table} WHERE key IN (SELECT unnest($keys))", params)
    return _deleted(con, "DELETE FROM audit.exceptions WHERE key IN (SELECT unnest($keys))", params)


def _purge_named_pupils(con: duckdb.DuckDBPyConnection, cutoff: date, as_of: date) -> int:
    return redact_pupils_in_old_posts(con, cutoff)


def _purge_findings(con: duckdb.DuckDBPyConnection, cutoff: date, as_of: date) -> int:
    return _deleted(con, "DELETE FROM audit.findings WHERE as_of < ?", [cutoff])


def _remediations(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The actions taken on exceptions go with them (a warehouse before migration 15 has none)."""
    return ["audit.remediations"] if portable.table_exists(con, "audit", "remediations") else []


def _purge_resolved(con: duckdb.DuckDBPyConnection, cutoff: date, as_of: date) -> int:
    keys = "SELECT key FROM audit.exceptions WHERE status = 'resolved' AND resolved_on < $cutoff"
    params = {"cutoff": cutoff}
    reviews = ["audit.reviews"] if portable.table_exists(con, "audit", "reviews") else []
    for table in ("audit.exception_events", *reviews, *_remediations(con)):
        con.execute(f"DELETE FROM {table} WHERE key IN ({keys})", params)
    return _deleted(
        con,
        "DELETE FROM audit.exceptions WHERE status = 'resolved' AND resolved_on < ?",
        [cutoff],
    )


def _purge_register_versions(con: duckdb.DuckDBPyConnection, cutoff: date, as_of: date) -> int:
    # The register version in force is always kept, however old: the next run compares against it. Dated by the
    # audited week that loaded it, as every other rule is (a week re-audited later is not "newer").
    stale = """
        SELECT load_id FROM ref.register_loads
        WHERE as_of < $cutoff
          AND load_id <> (SELECT arg_max(load_id, loaded_at) FROM ref.register_loads)
    """
    params = {"cutoff": cutoff}
    deleted = 0
    for table in ("ref.pupils", "ref.staff", "ref.parents", "ref.approved_media"):
        deleted += _deleted(
            con,
            f"DELETE FROM {table} WHERE load_id IN ({stale})",
            params,
        )
    con.execute(f"DELETE FROM ref.register_loads WHERE load_id IN ({stale})", params)
    return deleted


def _purge_validations(con: duckdb.DuckDBPyConnection, cutoff: date, as_of: date) -> int:
    return _deleted(con, "DELETE FROM audit.validation_results WHERE as_of < ?", [cutoff])


def _purge_drafts(con: duckdb.DuckDBPyConnection, cutoff: date, as_of: date) -> int:
    return post_checks.purge_drafts(con, cutoff)


def _purge_access_log(con: duckdb.DuckDBPyConnection, cutoff: date, as_of: date) -> int:
    return _deleted(con, "DELETE FROM audit.access_log WHERE accessed_at < ?", [cutoff])


RULES = (
    Rule(
        "raw_pages_weeks",
        "raw.api_pages",
        "weeks",
        "API pages of follower, following, subscriber, comment and channel snapshots (profiles as received), "
        "except each stream's newest snapshot; the school's own posts, and the lookups that found a post deleted, "
        "are kept",
        _purge_raw_pages,
    ),
    Rule(
        "unmatched_profiles_weeks",
        "audit.identities",
        "weeks",
        "identity resolutions of accounts that matched nobody in the registers",
        _purge_unmatched,
    ),
    Rule("findings_weeks", "audit.findings", "weeks", "weekly rule findings", _purge_findings),
    Rule(
        "resolved_exceptions_months",
        "audit.exceptions",
        "months",
        "exceptions resolved before the cutoff, with their events, reviews and actions",
        _purge_resolved,
    ),
    Rule(
        "register_versions_months",
        "ref.pupils",
        "months",
        "superseded register versions (pupils, staff, parents, approved media); the version in force is kept",
        _purge_register_versions,
    ),
    Rule(
        "validation_results_weeks",
        "audit.validation_results",
        "weeks",
        "data validation results",
        _purge_validations,
    ),
    Rule(
        "matched_identities_weeks",
        "audit.identities",
        "weeks",
        "identity resolutions of accounts matched to a pupil, former pupil, member of staff or parent (exceptions "
        "keep their own evidence)",
        _purge_matched,
    ),
    Rule(
        "decided_exceptions_months",
        "audit.exceptions",
        "months",
        "exceptions accepted or judged false positive longer ago than the cutoff, with their events, reviews and actions "
        "(still on the platform, one is raised again for a fresh decision)",
        _purge_decided,
    ),
    Rule(
        "posts_naming_pupils_weeks",
        "raw.api_pages",
        "weeks",
        "pupils' names in stored copies of the school's posts (API and archive) fetched before the cutoff, and in the "
        "text read from images read before it, replaced by [removed by retention]; a post with an open pupil-named "
        "exception keeps its text (and its images') until it is resolved or decided",
        _purge_named_pupils,
    ),
    Rule(
        "raw_pages_weeks",
        "audit.post_checks",
        "weeks",
        "drafts checked before posting: their text, their images and the evidence of their findings (the verdict, "
        "each finding's rule, the images' fingerprints and the approvals are kept, so published copies are still "
        "recognised)",
        _purge_drafts,
    ),
    Rule(
        "access_log_months",
        "audit.access_log",
        "months",
        "the access log: who viewed, decided, exported or queried what, when and from where",
        _purge_access_log,
    ),
)


def cutoff_for(rule: Rule, amount: int, as_of: date) -> date:
    days = amount * 7 if rule.unit == "weeks" else amount * 30
    return as_of - timedelta(days=days)


def policy_rows(settings: RetentionPolicy, as_of: date) -> list[dict[str, Any]]:
    """The policy in force, in words: what the DPIA and dpo.retention_status show."""
    rows = []
    for rule in RULES:
        amount = getattr(settings, rule.setting)
        rows.append(
            {
                "table_name": rule.table,
                "rule": rule.setting,
                "keep_for": f"{amount} {rule.unit if amount != 1 else rule.unit[:-1]}",
                "what": rule.what,
                "cutoff": cutoff_for(rule, amount, as_of),
                "as_of": as_of,
            }
        )
    return rows


def enforce(
    con: duckdb.DuckDBPyConnection, settings: RetentionPolicy, as_of: date, run_id: str
) -> dict[str, int]:
    """Apply every rule inside the caller's transaction; returns rows deleted per rule (also in audit.purge_log)."""
    purged: dict[str, int] = {}
    con.execute("DELETE FROM meta.retention_policy")
    for row in policy_rows(settings, as_of):
        con.execute(
            "INSERT INTO meta.retention_policy VALUES (?, ?, ?, ?, ?, ?)",
            [row["table_name"], row["rule"], row["keep_for"], row["what"], row["cutoff"], row["as_of"]],
        )
    for rule in RULES:
        amount = getattr(settings, rule.setting)
        cutoff = cutoff_for(rule, amount, as_of)
        deleted = rule.purge(con, cutoff, as_of)
        # A setting may govern several tables (raw pages, and the drafts checked before posting).
        purged[rule.setting] = purged.get(rule.setting, 0) + deleted
        if deleted:
            con.execute(
                "INSERT INTO audit.purge_log VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    uuid.uuid4().hex,
                    run_id,
                    as_of,
                    rule.table,
                    f"{rule.setting}={amount}",
                    cutoff,
                    deleted,
                    now_utc(),
                ],
            )
    return purged
