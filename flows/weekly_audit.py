"""The weekly audit as a Prefect flow: fetch, validate, store, resolve, run the rules, publish."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import smtplib
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl
import requests
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from checks.findings import ConfiguredAccount, Finding, RuleContext, Thresholds
from checks.identity import RegisterIndex, resolve_identities
from checks.media_hash import UnreadableImage, fingerprint_image
from checks.raw_frames import build_raw_frames
from checks.register_changes import RegisterHold, assess_changes
from checks.registers import APPROVED_MEDIA_DIR, RegisterError, Registers
from checks.registers import load_and_validate_registers as load_and_validate
from checks.rules import RULES
from checks.validation import SuiteResult, validate
from connectors import x as xapi
from connectors import youtube as ytapi
from connectors.errors import ConnectorError
from connectors.media import MediaFetcher
from connectors.paging import Page, RetryPolicy, Snapshot
from dashboards.report import OPEN_STATUSES, SEVERITY_ORDER, Outputs, write_outputs
from dashboards.summary_email import build_messages
from flows import credentials
from flows.config import Account, ConfigError, EmailSettings, SchoolConfig, load_config
from flows.publish_email import send_messages
from warehouse import lifecycle, load, register_versions, retention
from warehouse.db import connect, migrate, use_encryption_key
from warehouse.register_versions import RegistersInForce
from warehouse.snapshot import publish_snapshot
from warehouse.sql_models import apply_models

log = logging.getLogger("flows")
# These libraries log request headers, OAuth signatures or tokens at DEBUG: never let them reach a handler.
SECRET_BEARING_LOGGERS = ("tweepy", "oauthlib", "requests_oauthlib", "urllib3", "httplib2", "googleapiclient")


def quiet_secret_bearing_loggers() -> None:
    for name in SECRET_BEARING_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


quiet_secret_bearing_loggers()


class AuditFailed(Exception):
    """The run stopped before changing the warehouse; the message says why in one line."""


@dataclass
class WarehouseState:
    cursors: dict[tuple[str, str, str], str] = field(default_factory=dict)
    known_media: set[str] = field(default_factory=set)
    retry_media: list[dict[str, Any]] = field(default_factory=list)
    approved_hashes: dict[str, dict[str, Any]] = field(default_factory=dict)
    registers_in_force: RegistersInForce = field(default_factory=RegistersInForce)
    accepted_holds: set[tuple[str, str]] = field(default_factory=set)


@dataclass(frozen=True)
class Endpoints:
    x_base_url: str | None
    youtube_base_url: str | None
    media_base_url: str | None
    sandbox: bool


def retry_policy(config: SchoolConfig) -> RetryPolicy:
    return RetryPolicy(
        max_retries=config.api.max_retries,
        backoff_seconds=config.api.backoff_seconds,
        max_wait_seconds=config.api.max_wait_seconds,
    )


@task(name="load-registers", cache_policy=NO_CACHE)
def load_and_validate_registers(config: SchoolConfig, as_of: date) -> tuple[Registers, list[SuiteResult]]:
    try:
        return load_and_validate(config.registers_dir, as_of, config.registers.columns)
    except RegisterError as error:
        raise AuditFailed(f"registers refused, nothing was stored: {error}") from None


@task(name="settle-registers", cache_policy=NO_CACHE)
def settle_registers(
    registers: Registers, state: WarehouseState, config: SchoolConfig
) -> tuple[Registers, list[RegisterHold]]:
    """Hold back a register version that would close exceptions although nothing changed on the platforms."""
    holds = assess_changes(
        state.registers_in_force.frames,
        {"pupils": registers.pupils, "staff": registers.staff, "parents": registers.parents},
        registers.files,
        state.registers_in_force.files,
        config.registers.hold_share,
        state.accepted_holds,
    )
    replaced: dict[str, Any] = {}
    files = dict(registers.files)
    for hold in holds:
        replaced[hold.register] = state.registers_in_force.frames[hold.register]
        files[hold.file] = state.registers_in_force.files[hold.file]
    return dataclasses.replace(registers, files=files, **replaced), holds


def register_notices(registers: Registers, holds: list[RegisterHold]) -> list[dict[str, Any]]:
    return [
        *({"kind": "held", "file": h.file, "message": h.message()} for h in holds),
        *({"kind": "warning", **w.to_dict()} for w in registers.warnings),
    ]


def _refuse_blocking_failures(results: list[SuiteResult], what: str) -> None:
    failed = [r for r in results if r.stops_run]
    if failed:
        details = "; ".join(
            f"{r.suite}: "
            + ", ".join(f"{x['expectation']}({x.get('column') or ''})" for x in r.results if not x["success"])
            for r in failed
        )
        raise AuditFailed(f"{what} failed validation, nothing was stored: {details}")


@task(name="read-warehouse-state", cache_policy=NO_CACHE)
def read_warehouse_state(db_path: Path) -> WarehouseState:
    """Cursors and fingerprints already held, read before fetching so unchanged things are not fetched again."""
    state = WarehouseState()
    if not db_path.exists():
        return state
    con = connect(db_path)
    try:
        migrate(con)
        for platform, account_id, stream, value in con.execute(
            "SELECT platform, account_id, stream, cursor_value FROM meta.sync_cursors"
        ).fetchall():
            state.cursors[(platform, account_id, stream)] = value
        state.known_media = load.known_media_refs(con)
        state.retry_media = [
            {"media_ref": r[0], "platform": r[1], "account_id": r[2], "url": r[3]}
            for r in con.execute(
                "SELECT media_ref, platform, account_id, url FROM raw.media_files WHERE error IS NOT NULL"
            ).fetchall()
        ]
        state.approved_hashes = load.cached_approved_hashes(con)
        state.registers_in_force = register_versions.registers_in_force(con)
        state.accepted_holds = register_versions.accepted_holds(con)
    finally:
        con.close()
    return state


@task(name="fingerprint-approved-library", cache_policy=NO_CACHE)
def fingerprint_approved_library(
    registers: Registers, library_dir: Path, cached: dict[str, dict[str, Any]]
) -> tuple[pl.DataFrame, dict[str, dict[str, Any]]]:
    """The approved images' hashes; a file whose bytes were hashed before is not read or decoded again."""
    shas: list[str | None] = []
    fresh: dict[str, dict[str, Any]] = {}
    for name in registers.approved_media["file"].to_list():
        if not name:
            shas.append(None)
            continue
        # load_registers already hashed every library file's bytes; reuse that rather than read them again.
        sha = registers.files[f"{APPROVED_MEDIA_DIR}/{name}"]
        shas.append(sha)
        if sha not in cached and sha not in fresh:
            try:
                fresh[sha] = fingerprint_image((library_dir / name).read_bytes())
            except UnreadableImage as error:
                raise AuditFailed(f"approved_media/{name}: {error}") from error
    frame = registers.approved_media.with_columns(pl.Series("file_sha256", shas, dtype=pl.Utf8))
    return frame, fresh


@task(name="fetch-x-account", cache_policy=NO_CACHE)
def fetch_x_account(
    account: Account, endpoints: Endpoints, policy: RetryPolicy, since_id: str | None, config: SchoolConfig
) -> list[Snapshot]:
    creds = credentials.x_credentials_for_account(config, account, endpoints.sandbox)
    client = xapi.make_x_client(creds, base_url=endpoints.x_base_url)
    snapshots = [xapi.account_snapshot(client, account.id, policy)]
    pages = config.api.max_follow_pages
    snapshots.append(
        xapi.collect("followers", account.id, xapi.iter_followers(client, account.id, policy, pages))
    )
    snapshots.append(
        xapi.collect("following", account.id, xapi.iter_following(client, account.id, policy, pages))
    )
    posts = xapi.iter_posts(client, account.id, since_id, policy, config.api.max_post_pages)
    snapshots.append(xapi.collect("posts", account.id, posts, cursor_from_newest=True))
    return snapshots


@task(name="fetch-youtube-channel", cache_policy=NO_CACHE)
def fetch_youtube_channel(
    account: Account, endpoints: Endpoints, policy: RetryPolicy, config: SchoolConfig
) -> list[Snapshot]:
    creds = credentials.youtube_credentials_for_account(config, account, endpoints.sandbox)
    youtube = ytapi.make_youtube_client(creds, base_url=endpoints.youtube_base_url)
    channel = ytapi.channel_snapshot(youtube, account.id, policy, mine=not endpoints.sandbox)
    uploads = ytapi.collect(
        "uploads",
        account.id,
        ytapi.iter_uploads(youtube, account.id, ytapi.uploads_playlist_id(channel), policy),
    )
    video_ids = [item["contentDetails"]["videoId"] for item in uploads.items if item.get("contentDetails")]
    videos = ytapi.collect("videos", account.id, ytapi.iter_videos(youtube, account.id, video_ids, policy))
    subscribers = ytapi.collect(
        "subscribers", account.id, ytapi.iter_subscribers(youtube, account.id, policy)
    )
    comment_pages: list[Page] = []
    for video in videos.items:
        if (video.get("status") or {}).get("madeForKids"):
            continue  # comments are disabled on made-for-kids videos: asking costs quota and answers 403
        comment_pages.extend(ytapi.iter_comment_threads(youtube, account.id, video["id"], policy))
    comments = Snapshot(
        "youtube",
        "comments",
        account.id,
        [_renumber(page, i) for i, page in enumerate(comment_pages)],
    )
    return [channel, uploads, videos, subscribers, comments]


def _renumber(page: Page, page_no: int) -> Page:
    return dataclasses.replace(page, page_no=page_no)


def _media_to_fetch(snapshots: list[Snapshot], state: WarehouseState) -> list[dict[str, Any]]:
    wanted: dict[str, dict[str, Any]] = {}
    for snap in snapshots:
        if snap.platform == "x" and snap.stream == "posts":
            for page in snap.pages:
                for media in (page.payload.get("includes") or {}).get("media", []):
                    url = media.get("url") or media.get("preview_image_url")
                    if url:
                        ref = f"x:{media['media_key']}"
                        wanted[ref] = {
                            "media_ref": ref,
                            "platform": "x",
                            "account_id": snap.account_id,
                            "url": url,
                        }
        if snap.platform == "youtube" and snap.stream == "videos":
            for video in snap.items:
                thumbs = (video.get("snippet") or {}).get("thumbnails") or {}
                best = next(
                    (thumbs[k]["url"] for k in ("maxres", "high", "medium", "default") if k in thumbs), None
                )
                if best:
                    ref = f"youtube:{video['id']}"
                    wanted[ref] = {
                        "media_ref": ref,
                        "platform": "youtube",
                        "account_id": snap.account_id,
                        "url": best,
                    }
    for item in state.retry_media:
        wanted.setdefault(item["media_ref"], item)
    return [item for ref, item in sorted(wanted.items()) if ref not in state.known_media]


@task(name="fingerprint-published-media", cache_policy=NO_CACHE)
def fingerprint_published_media(
    items: list[dict[str, Any]], endpoints: Endpoints, policy: RetryPolicy, max_bytes: int
) -> list[dict[str, Any]]:
    """Download each new image once and keep only its fingerprints; failures are recorded, not fatal."""
    session = requests.Session()
    fetcher = MediaFetcher(session, policy, max_bytes=max_bytes, sandbox_url=endpoints.media_base_url)

    def one(item: dict[str, Any]) -> dict[str, Any]:
        try:
            return {**item, **fingerprint_image(fetcher.fetch(item["url"])), "error": None}
        except (ConnectorError, UnreadableImage) as error:
            return {**item, "error": str(error)[:500]}

    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(one, items))


@task(name="validate-raw-data", cache_policy=NO_CACHE)
def validate_raw(snapshots: list[Snapshot], as_of: date) -> list[SuiteResult]:
    """One suite run per official account: a person who follows two accounts is not a duplicate."""
    by_account: dict[tuple[str, str], dict[str, list[dict[str, Any]]]] = {}
    for snap in snapshots:
        streams = by_account.setdefault((snap.platform, snap.account_id), {})
        if snap.platform == "x" and snap.stream in ("followers", "following", "posts"):
            streams.setdefault(f"x_{snap.stream}", []).extend(snap.items)
        if snap.platform == "x" and snap.stream == "posts":
            for page in snap.pages:
                streams.setdefault("x_media", []).extend(
                    (page.payload.get("includes") or {}).get("media", [])
                )
        if snap.platform == "youtube" and snap.stream in ("videos", "subscribers", "comments"):
            streams.setdefault(f"yt_{snap.stream}", []).extend(snap.items)
    results = [
        dataclasses.replace(result, suite=f"{result.suite}@{account_id}")
        for (_, account_id), streams in sorted(by_account.items())
        for result in validate(build_raw_frames(streams), as_of)
    ]
    _refuse_blocking_failures(results, "data from the platforms")
    return results


def _raw_snapshot(snap: Snapshot) -> load.RawSnapshot:
    return load.RawSnapshot(
        platform=snap.platform,
        account_id=snap.account_id,
        stream=snap.stream,
        pages=[load.RawPage(p.page_no, p.request, p.payload, p.fetched_at) for p in snap.pages],
        n_items=len(snap.items),
        content_sha256=snap.content_sha256(),
        complete=snap.complete,
        cursor=snap.cursor,
        incremental=snap.stream == "posts",
    )


@task(name="store-and-evaluate", cache_policy=NO_CACHE)
def store_and_evaluate(
    config: SchoolConfig,
    db_path: Path,
    as_of: date,
    run_id: str,
    mode: str,
    started_at: datetime,
    registers: Registers,
    approved_media: pl.DataFrame,
    approved_hashes: dict[str, dict[str, Any]],
    snapshots: list[Snapshot],
    media: list[dict[str, Any]],
    validations: list[SuiteResult],
    holds: list[RegisterHold],
) -> dict[str, Any]:
    """Everything the run writes, in one transaction: it all lands, or the warehouse is left as it was."""
    con = connect(db_path)
    try:
        migrate(con)
        con.execute("BEGIN TRANSACTION")
        try:
            frames = {
                "pupils": registers.pupils,
                "staff": registers.staff,
                "parents": registers.parents,
                "approved_media": approved_media,
            }
            load.store_registers(con, frames, registers.files, as_of, registers.reading)
            register_versions.record_holds(con, holds, as_of)
            register_versions.store_notices(con, as_of, run_id, register_notices(registers, holds))
            load.store_approved_hashes(con, approved_hashes)
            apply_models(con)
            stored = [
                s
                for s in (load.store_snapshot(con, _raw_snapshot(snap), as_of, run_id) for snap in snapshots)
                if s
            ]
            load.store_media_fingerprints(con, media)
            load.store_validation_results(con, as_of, run_id, [r.to_dict() for r in validations])
            con.execute("DELETE FROM meta.rules")
            con.executemany(
                "INSERT INTO meta.rules VALUES (?, ?, ?, ?)",
                [[r.id, r.title, r.policy, r.what_counts] for r in RULES],
            )
            summary = evaluate(con, config, registers, as_of)
            summary["purged"] = retention.enforce(con, config.retention, as_of, run_id)
            summary.update(
                {
                    "snapshots_stored": len(stored),
                    "media_fingerprinted": len(media),
                    "registers_held": [h.register for h in holds],
                    "register_warnings": len(registers.warnings),
                }
            )
            load.record_run(con, as_of, run_id, mode, config.name, started_at, summary)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return summary
    finally:
        con.close()


def evaluate(con: Any, config: SchoolConfig, registers: Registers, as_of: date) -> dict[str, Any]:
    """Resolve identities and run every registered rule over the week's marts."""
    audience = con.execute("SELECT * FROM marts.fct_audience WHERE as_of = ?", [as_of]).pl()
    index = RegisterIndex(
        registers.pupils,
        registers.staff,
        registers.parents,
        as_of,
        school_name=config.name,
        official_handles=tuple(a.handle for a in config.accounts),
    )
    identities = resolve_identities(audience, index)
    load.upsert_frame(con, "audit.identities", identities, as_of)
    ctx = RuleContext(
        as_of=as_of,
        con=con,
        identities=identities,
        account_labels={(a.platform, a.id): a.handle for a in config.accounts},
        thresholds=Thresholds(
            exception=config.rules.exception_threshold,
            review_floor=config.rules.review_floor,
            media_hash_max_distance=config.rules.media_hash_max_distance,
        ),
        school_name=config.name,
        email_domains=config.email_domains,
        phones=config.phones,
        accounts=tuple(
            ConfiguredAccount(a.platform, a.id, a.handle, a.approved_by, a.approved_on)
            for a in config.accounts
        ),
        options=config.rules.options,
    )
    findings: list[Finding] = []
    rules_run: list[str] = []
    for rule in RULES:
        if rule.id in config.rules.disabled:
            continue
        findings.extend(rule.find(ctx))
        rules_run.append(rule.id)
    rows = [f.as_row(as_of) for f in findings]
    load.upsert_frame(con, "audit.findings", pl.DataFrame(rows) if rows else pl.DataFrame(), as_of)
    register_ids = {
        *registers.pupils["pupil_id"].to_list(),
        *registers.staff["staff_id"].to_list(),
        *registers.parents["parent_id"].to_list(),
    }
    counts = lifecycle.apply_findings(con, as_of, rows, register_ids)
    return {"rules_run": rules_run, "findings": len(rows), "audience": audience.height, **counts}


@task(name="publish-outputs", cache_policy=NO_CACHE)
def publish_outputs(
    db_path: Path, out_dir: Path, as_of: date, school_name: str, email: EmailSettings | None = None
) -> dict[str, Any]:
    con = connect(db_path, read_only=True)
    try:
        outputs = write_outputs(con, out_dir, as_of, school_name)
        decided = dict(
            con.execute(
                "SELECT status, count(*) FROM audit.exceptions"
                " WHERE status IN ('accepted', 'false_positive') GROUP BY status"
            ).fetchall()
        )
    finally:
        con.close()
    publish_snapshot(db_path)
    by_rule: dict[str, int] = {}
    for row in outputs.exceptions:
        by_rule[row["rule"]] = by_rule.get(row["rule"], 0) + 1
    by_status = {s: sum(1 for r in outputs.exceptions if r["status"] == s) for s in OPEN_STATUSES}
    by_severity = {s: sum(1 for r in outputs.exceptions if r["severity"] == s) for s in SEVERITY_ORDER}
    lines = [
        f"# Social media audit, week of {as_of.isoformat()}",
        "",
        f"{len(outputs.exceptions)} exceptions need attention ({by_status['new']} new this week, "
        f"{by_status['reopened']} reopened, {by_status['open'] + by_status['acknowledged']} still open); "
        f"{len(outputs.resolved)} resolved since last week. Held by a review decision: "
        f"{decided.get('accepted', 0)} accepted, {decided.get('false_positive', 0)} false positive.",
        "",
        "| severity | open |",
        "| --- | --- |",
        *[f"| {severity} | {n} |" for severity, n in by_severity.items()],
        "",
        "| rule | open |",
        "| --- | --- |",
        *[f"| {rule} | {n} |" for rule, n in sorted(by_rule.items())],
        "",
        f"Report: `{outputs.paths['report.html']}`",
    ]
    create_markdown_artifact(
        key="socialaudit-weekly-summary",
        markdown="\n".join(lines),
        description="Weekly social media audit summary",
    )
    # Keys and rules only: the artifact lives in Prefect's database, which is not the place for names.
    create_table_artifact(
        key="socialaudit-open-exceptions",
        table=[
            {k: r[k] for k in ("key", "rule", "severity", "status", "first_seen", "last_seen")}
            for r in outputs.exceptions
        ],
        description="Open exceptions (stable keys)",
    )
    published = {
        "report": str(outputs.paths["report.html"]),
        "exceptions": len(outputs.exceptions),
        "resolved": len(outputs.resolved),
    }
    if email is not None:
        published["emailed"] = email_summary(email, as_of, school_name, outputs)
    return published


def email_summary(email: EmailSettings, as_of: date, school_name: str, outputs: Outputs) -> list[str]:
    """Send the summary (and the DSL's copy); a failed send is logged, never fatal: the audit itself completed."""
    messages = build_messages(
        school_name,
        as_of,
        outputs.exceptions,
        outputs.resolved,
        outputs.paths["report.html"].read_bytes(),
        email.sender,
        list(email.to),
        email.dsl,
    )
    try:
        return send_messages(email, messages)
    except (OSError, smtplib.SMTPException, ConfigError) as error:
        # The error names the server's answer, never the password.
        get_run_logger().warning("weekly e-mail not sent: %s: %s", type(error).__name__, error)
        return []


@contextlib.contextmanager
def _endpoints(dataset_dir: Path | None) -> Iterator[Endpoints]:
    if dataset_dir is None:
        yield Endpoints(None, None, None, sandbox=False)
        return
    from connectors.sandbox.server import SandboxServer

    server = SandboxServer.from_env(dataset_dir)
    with server:
        yield Endpoints(server.url, server.url, server.url, sandbox=True)


@flow(name="weekly-audit")
def weekly_audit(
    school_toml: str,
    db_path: str,
    out_dir: str,
    as_of: str | None = None,
    sandbox: bool = False,
) -> dict[str, Any]:
    """Audit every approved account in `school_toml` for the week ending `as_of` (default: today)."""
    logger = get_run_logger()
    quiet_secret_bearing_loggers()  # again: Prefect may have reconfigured logging since import
    started_at = datetime.now(UTC)
    config = load_config(Path(school_toml))
    use_encryption_key(credentials.warehouse_key(config))
    try:
        return _audit(config, as_of, db_path, out_dir, sandbox, started_at, logger)
    finally:
        use_encryption_key(None)


def _audit(
    config: SchoolConfig,
    as_of: str | None,
    db_path: str,
    out_dir: str,
    sandbox: bool,
    started_at: datetime,
    logger: Any,
) -> dict[str, Any]:
    # "Today" is the school's today: a Monday 06:00 London run must not audit Sunday's date.
    week = date.fromisoformat(as_of) if as_of else datetime.now(ZoneInfo(config.timezone)).date()
    db = Path(db_path)
    run_id = uuid.uuid4().hex
    registers, register_results = load_and_validate_registers(config, week)
    state = read_warehouse_state(db)
    registers, holds = settle_registers(registers, state, config)
    approved_media, approved_hashes = fingerprint_approved_library(
        registers, config.registers_dir / "approved_media", state.approved_hashes
    )
    policy = retry_policy(config)
    with _endpoints(config.root if sandbox else None) as endpoints:
        futures = [
            fetch_x_account.submit(
                account, endpoints, policy, state.cursors.get(("x", account.id, "posts")), config
            )
            for account in config.accounts_on("x")
        ] + [
            fetch_youtube_channel.submit(account, endpoints, policy, config)
            for account in config.accounts_on("youtube")
        ]
        snapshots = [snap for future in futures for snap in future.result()]
        media = fingerprint_published_media(
            _media_to_fetch(snapshots, state), endpoints, policy, config.api.media_max_bytes
        )
    raw_results = validate_raw(snapshots, week)
    summary = store_and_evaluate(
        config,
        db,
        week,
        run_id,
        "sandbox" if sandbox else "live",
        started_at,
        registers,
        approved_media,
        approved_hashes,
        snapshots,
        media,
        register_results + raw_results,
        holds,
    )
    published = publish_outputs(db, Path(out_dir), week, config.name, config.report.email)
    logger.info("audit of %s for %s: %s", config.name, week, published)
    return {**summary, **published, "as_of": week.isoformat(), "run_id": run_id}
