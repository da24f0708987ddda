"""The weekly audit as a Prefect flow: it wires the connectors, checks, warehouse and dashboards, nothing more."""

from __future__ import annotations

import dataclasses
import logging
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar, cast
from zoneinfo import ZoneInfo

import polars as pl
import requests
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from checks.audit import AuditSettings, run_checks
from checks.findings import ConfiguredAccount, Thresholds
from checks.media_hash import UnreadableImage, fingerprint_image, fingerprint_library
from checks.raw_frames import validate_platform_data
from checks.register_changes import RegisterHold, assess_changes
from checks.registers import APPROVED_MEDIA_DIR, RegisterError, Registers, load_and_validate_registers
from checks.rules import RULES
from checks.validation import SuiteResult, blocking_failures
from connectors import streams
from connectors import x as xapi
from connectors import youtube as ytapi
from connectors.errors import ConnectorError
from connectors.media import MediaFetcher
from connectors.paging import RetryPolicy, Snapshot
from dashboards.report import write_outputs
from dashboards.run_summary import open_exceptions_table, weekly_summary_markdown
from flows import credentials
from flows.config import Account, EmailSettings, SchoolConfig, load_config
from flows.offline import Endpoints, endpoints
from flows.publish_email import email_summary
from warehouse.db import connect, use_encryption_key
from warehouse.register_versions import notices_for
from warehouse.snapshot import publish_snapshot
from warehouse.state import WarehouseState, not_yet_fingerprinted, read_state
from warehouse.week import WeekToStore, store_week

log = logging.getLogger("flows")
T = TypeVar("T")
# These libraries log request headers, OAuth signatures or tokens at DEBUG: never let them reach a handler.
SECRET_BEARING_LOGGERS = ("tweepy", "oauthlib", "requests_oauthlib", "urllib3", "httplib2", "googleapiclient")


def quiet_secret_bearing_loggers() -> None:
    for name in SECRET_BEARING_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


quiet_secret_bearing_loggers()


class AuditFailed(Exception):
    """The run stopped before changing the warehouse; the message says why in one line."""


def as_is(value: T) -> T:
    """Passed to a task without Prefect walking it for futures (~0.3 s a run on the large inputs)."""
    return cast(T, quote(value))


def retry_policy(config: SchoolConfig) -> RetryPolicy:
    return RetryPolicy(
        max_retries=config.api.max_retries,
        backoff_seconds=config.api.backoff_seconds,
        max_wait_seconds=config.api.max_wait_seconds,
    )


def audit_settings(config: SchoolConfig) -> AuditSettings:
    return AuditSettings(
        school_name=config.name,
        accounts=tuple(
            ConfiguredAccount(a.platform, a.id, a.handle, a.approved_by, a.approved_on)
            for a in config.accounts
        ),
        thresholds=Thresholds(
            exception=config.rules.exception_threshold,
            review_floor=config.rules.review_floor,
            media_hash_max_distance=config.rules.media_hash_max_distance,
        ),
        email_domains=config.email_domains,
        phones=config.phones,
        options=config.rules.options,
        disabled=config.rules.disabled,
    )


@task(name="load-registers", cache_policy=NO_CACHE)
def load_registers_task(config: SchoolConfig, as_of: date) -> tuple[Registers, list[SuiteResult]]:
    try:
        return load_and_validate_registers(config.registers_dir, as_of, config.registers.columns)
    except RegisterError as error:
        raise AuditFailed(f"registers refused, nothing was stored: {error}") from None


@task(name="read-warehouse-state", cache_policy=NO_CACHE)
def read_warehouse_state(db_path: Path) -> WarehouseState:
    """Cursors and fingerprints already held, read before fetching so unchanged things are not fetched again."""
    return read_state(db_path)


@task(name="settle-registers", cache_policy=NO_CACHE)
def settle_registers(
    registers: Registers, state: WarehouseState, config: SchoolConfig
) -> tuple[Registers, list[RegisterHold], pl.DataFrame, dict[str, dict[str, Any]]]:
    """Hold back a register version that would close exceptions although nothing changed on the platforms;
    then fingerprint the approved library (only files never hashed before)."""
    in_force = state.registers_in_force
    holds = assess_changes(
        in_force.frames,
        registers.frames(),
        registers.files,
        in_force.files,
        config.registers.hold_share,
        state.accepted_holds,
    )
    if holds:
        files = {**registers.files, **{h.file: in_force.files[h.file] for h in holds}}
        kept: dict[str, Any] = {h.register: in_force.frames[h.register] for h in holds}
        registers = dataclasses.replace(registers, files=files, **kept)
    try:
        approved, fresh = fingerprint_library(
            registers.approved_media,
            registers.files,
            config.registers_dir / APPROVED_MEDIA_DIR,
            state.approved_hashes,
            APPROVED_MEDIA_DIR,
        )
    except UnreadableImage as error:
        raise AuditFailed(f"approved_media: {error}") from error
    return registers, holds, approved, fresh


def register_notices(registers: Registers, holds: list[RegisterHold]) -> list[dict[str, Any]]:
    return [
        *({"kind": "held", "file": h.file, "message": h.message()} for h in holds),
        *({"kind": "warning", **w.to_dict()} for w in registers.warnings),
    ]


@task(name="fetch-x-account", cache_policy=NO_CACHE)
def fetch_x_account(
    account: Account, endpoints: Endpoints, policy: RetryPolicy, since_id: str | None, config: SchoolConfig
) -> list[Snapshot]:
    creds = credentials.x_credentials_for_account(config, account, endpoints.sandbox)
    client = xapi.make_x_client(creds, base_url=endpoints.x_base_url)
    pages = config.api.max_follow_pages
    account_snapshot = xapi.account_snapshot(client, account.id, policy)
    xapi.guard_cost(account_snapshot, since_id, config.api.max_x_cost_per_run)  # before any paid paging
    return [
        account_snapshot,
        xapi.collect("followers", account.id, xapi.iter_followers(client, account.id, policy, pages)),
        xapi.collect("following", account.id, xapi.iter_following(client, account.id, policy, pages)),
        xapi.collect(
            "posts",
            account.id,
            xapi.iter_posts(client, account.id, since_id, policy, config.api.max_post_pages),
            cursor_from_newest=True,
        ),
    ]


@task(name="look-up-x-posts", cache_policy=NO_CACHE)
def look_up_x_posts(
    account: Account, endpoints: Endpoints, policy: RetryPolicy, post_ids: list[str], config: SchoolConfig
) -> list[Snapshot]:
    """The account's posts that still have open exceptions, looked up by id: X says which were deleted."""
    creds = credentials.x_credentials_for_account(config, account, endpoints.sandbox)
    client = xapi.make_x_client(creds, base_url=endpoints.x_base_url)
    return xapi.look_up_posts(client, account.id, post_ids, policy)


@task(name="fetch-youtube-channel", cache_policy=NO_CACHE)
def fetch_youtube_channel(
    account: Account, endpoints: Endpoints, policy: RetryPolicy, config: SchoolConfig
) -> list[Snapshot]:
    creds = credentials.youtube_credentials_for_account(config, account, endpoints.sandbox)
    youtube = ytapi.make_youtube_client(creds, base_url=endpoints.youtube_base_url)
    return ytapi.channel_streams(youtube, account.id, policy, mine=not endpoints.sandbox)


@task(name="fingerprint-published-media", cache_policy=NO_CACHE)
def fingerprint_published_media(
    items: list[dict[str, Any]], endpoints: Endpoints, policy: RetryPolicy, max_bytes: int
) -> list[dict[str, Any]]:
    """Download each new image once and keep only its fingerprints; failures are recorded, not fatal."""
    fetcher = MediaFetcher(
        requests.Session(), policy, max_bytes=max_bytes, sandbox_url=endpoints.media_base_url
    )

    def one(item: dict[str, Any]) -> dict[str, Any] | None:
        try:
            data = fetcher.fetch_if_changed(item["url"], item.pop("known_bytes", None))
            return None if data is None else {**item, **fingerprint_image(data), "error": None}
        except (ConnectorError, UnreadableImage) as error:
            return {**item, "error": str(error)[:500]}

    with ThreadPoolExecutor(max_workers=4) as pool:
        return [done for done in pool.map(one, items) if done is not None]


@task(name="validate-raw-data", cache_policy=NO_CACHE)
def validate_raw(snapshots: list[Snapshot], as_of: date, state: WarehouseState) -> list[SuiteResult]:
    results = validate_platform_data(streams.validation_streams(snapshots), as_of, state.raw_validations)
    refused = blocking_failures(results)
    if refused:
        raise AuditFailed(f"data from the platforms failed validation, nothing was stored: {refused}")
    return results


@task(name="store-and-evaluate", cache_policy=NO_CACHE)
def store_and_evaluate(
    db_path: Path, week: WeekToStore, settings: AuditSettings, registers: Registers
) -> dict[str, Any]:
    """Everything the run writes, in one transaction: it all lands, or the warehouse is left as it was."""
    return store_week(db_path, week, lambda con: run_checks(con, settings, registers, week.as_of))


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
        notices = notices_for(con, as_of)
    finally:
        con.close()
    publish_snapshot(db_path)
    create_markdown_artifact(
        key="socialaudit-weekly-summary",
        markdown=weekly_summary_markdown(as_of, outputs, decided, notices),
        description="Weekly social media audit summary",
    )
    create_table_artifact(
        key="socialaudit-open-exceptions",
        table=open_exceptions_table(outputs),
        description="Open exceptions (stable keys)",
    )
    published: dict[str, Any] = {
        "report": str(outputs.paths["report.html"]),
        "exceptions": len(outputs.exceptions),
        "resolved": len(outputs.resolved),
    }
    if email is not None:
        published["emailed"] = email_summary(email, as_of, school_name, outputs, get_run_logger())
    return published


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
    state = read_warehouse_state(db)
    # The registers are read and validated while the platforms are fetched: neither waits for the other.
    registers_future = load_registers_task.submit(config, week)
    policy = retry_policy(config)
    with endpoints(config.root if sandbox else None) as reach:
        futures = (
            [
                fetch_x_account.submit(account, reach, policy, state.cursor("x", account.id, "posts"), config)
                for account in config.accounts_on("x")
            ]
            + [
                look_up_x_posts.submit(account, reach, policy, state.open_posts(account.id), config)
                for account in config.accounts_on("x")
                if state.open_posts(account.id)
            ]
            + [
                fetch_youtube_channel.submit(account, reach, policy, config)
                for account in config.accounts_on("youtube")
            ]
        )
        snapshots = [snap for future in futures for snap in future.result()]
        media = fingerprint_published_media(
            not_yet_fingerprinted(streams.media_references(snapshots), state),
            reach,
            policy,
            config.api.media_max_bytes,
        )
    registers, register_results = registers_future.result()
    registers, holds, approved_media, approved_hashes = settle_registers(
        as_is(registers), as_is(state), config
    )
    raw_results = validate_raw(as_is(snapshots), week, as_is(state))
    to_store = WeekToStore(
        as_of=week,
        run_id=run_id,
        mode="sandbox" if sandbox else "live",
        school_name=config.name,
        started_at=started_at,
        register_frames={**registers.frames(), "approved_media": approved_media},
        register_files=registers.files,
        register_reading=registers.reading,
        approved_hashes=approved_hashes,
        snapshots=snapshots,
        media=media,
        validations=[r.to_dict() for r in register_results + raw_results],
        rules=RULES,
        retention=config.retention,
        holds=holds,
        notices=register_notices(registers, holds),
    )
    summary = store_and_evaluate(db, as_is(to_store), audit_settings(config), as_is(registers))
    published = publish_outputs(db, Path(out_dir), week, config.name, config.report.email)
    logger.info("audit of %s for %s: %s", config.name, week, published)
    return {**summary, **published, "as_of": week.isoformat(), "run_id": run_id}
