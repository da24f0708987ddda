"""The weekly audit as a Prefect flow: it wires the connectors, checks, warehouse and dashboards, nothing more."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar, cast
from zoneinfo import ZoneInfo

import polars as pl
import requests
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.states import Completed, Failed, State
from prefect.utilities.annotations import quote

from checks.audit import AuditSettings, run_checks
from checks.images.reading import (
    LibraryRead,
    ReadOnce,
    approved_readings,
    catalogue_library_folder,
    fingerprint_library_folder,
    library_to_read,
    usable_cores,
)
from checks.images.reading import getting_ready as image_reader_getting_ready
from checks.images.thumbnails import PictureSource, PublishedPictures
from checks.media_hash import UnreadableImage
from checks.raw_data.frames import validate_platform_data
from checks.registers import settling
from checks.registers.changes import RegisterHold
from checks.registers.contract import APPROVED_MEDIA_DIR
from checks.registers.loaded import Registers
from checks.registers.loading import load_and_validate_registers
from checks.registers.problems import RegisterError
from checks.rule_support.citation import cited_rules
from checks.rules import RULES
from checks.validation import SuiteResult
from connectors import streams
from connectors.media import MediaFetcher
from connectors.paging import RetryPolicy, Snapshot
from dashboards.output_set import check_out_dir, publishing_lock
from dashboards.publishing import publish_week
from dashboards.run_summary import not_published_message
from flows import credentials, library_ahead
from flows import school_run_log as run_log
from flows.config.school import SchoolConfig, load_config
from flows.live_display import counted, progress
from flows.offline import Endpoints, endpoints
from flows.plugins import PLUGS
from flows.prefect_artifacts import attach_week_artifacts
from flows.publish_email import email_summary
from flows.returned_values import keeps_returned
from flows.run_settings import audit_settings, retry_policy
from flows.stream_reading import WAITING, examine_waiting, fingerprint_one, set_aside_refused, stream_statuses
from flows.unfinished_erasures import finish_erasures_left_unfinished
from flows.warehouse_location import DEFAULT_OUT, trial_location, warehouse_location
from warehouse.db import encryption_key
from warehouse.snapshot import (
    check_room,
    drop_old_snapshots_of,
    open_snapshot,
    publish_snapshot_from,
    read_secret,
)
from warehouse.state import WarehouseState, not_yet_fingerprinted, read_state
from warehouse.stream_status import describe, incomplete
from warehouse.week import StoredButNotPublished, WeekToStore, io_cause, store_week

log = logging.getLogger("flows")
PARTIAL_MESSAGE = "partial audit: not read: "  # how a partial run's state message starts
T = TypeVar("T")
run_log.quiet_secret_bearing_loggers()


class AuditFailed(Exception):
    """The run stopped before changing the warehouse; the message says why in one line."""


def as_is(value: T) -> T:
    """Passed to a task without Prefect walking it for futures (~0.3 s a run on the large inputs)."""
    return cast(T, quote(value))


@task(name="load-registers", cache_policy=NO_CACHE)
@run_log.withheld_from_prefect
def load_registers_task(config: SchoolConfig, as_of: date) -> tuple[Registers, list[SuiteResult]]:
    try:
        return load_and_validate_registers(config.registers_dir, as_of, config.registers.columns)
    except RegisterError as error:
        raise AuditFailed(f"registers refused, nothing was stored: {error}") from None


@task(name="read-warehouse-state", cache_policy=NO_CACHE)
@run_log.withheld_from_prefect
def read_warehouse_state(db_path: Path) -> WarehouseState:
    """Cursors and fingerprints already held, read before fetching so unchanged things are not fetched again."""
    return read_state(db_path)


@task(name="settle-registers", cache_policy=NO_CACHE)
@run_log.withheld_from_prefect
def settle_registers(
    registers: Registers,
    state: WarehouseState,
    config: SchoolConfig,
    as_of: date,
    fingerprinted: dict[str, dict[str, Any]],
) -> tuple[Registers, list[RegisterHold], pl.DataFrame, dict[str, dict[str, Any]]]:
    registers = settling.with_stale_warnings(
        registers, state.register_history, as_of, config.registers.stale_after_weeks
    )
    try:
        return settling.settle_registers(
            registers,
            state.registers_in_force,
            state.accepted_holds,
            config.registers.hold_share,
            state.approved_hashes,
            config.registers_dir,
            fingerprinted,
        )
    except UnreadableImage as error:
        raise AuditFailed(f"approved_media: {error}") from error


@task(name="check-destinations", cache_policy=NO_CACHE)
@run_log.withheld_from_prefect
def check_destinations(db_path: Path, out_dir: Path) -> None:
    """Refuse before fetching anything when the week could not be stored or its outputs not written."""
    try:
        check_out_dir(out_dir)
        check_room(db_path)
    except Exception as error:
        raise AuditFailed(f"nothing was fetched or stored: {error}") from None


def wait_for_image_reader(reader: Callable[[], str]) -> None:
    """Refuse before fetching anything when images are to be read and the OCR engine is not installed."""
    try:
        reader()
    except Exception as error:
        raise AuditFailed(f"nothing was fetched or stored: {error}") from None


@task(name="fingerprint-published-media", cache_policy=NO_CACHE)
@run_log.withheld_from_prefect
def fingerprint_published_media(
    items: list[dict[str, Any]],
    endpoints: Endpoints,
    policy: RetryPolicy,
    max_bytes: int,
    read: ReadOnce | None,
    pictures: PublishedPictures,
) -> list[dict[str, Any]]:
    """Download each new image once and keep only its fingerprints (and, in `pictures`, what a finding's thumbnail
    is made from), and (`read`) what is written in it and how many faces it shows, for an image never read before. A refused or undecodable file is a verdict (it cannot be shown
    approved); a download that failed is marked `unread` (its post is not judged)."""
    fetcher = MediaFetcher(
        requests.Session(), policy, max_bytes=max_bytes, sandbox_url=endpoints.media_base_url
    )
    already_read = read.already_read if read is not None else None
    # A library file's copy takes its reading; an image met before the library is catalogued (undecoded), or a copy
    # of a file not read yet, waits for `examine-waiting-media`: nothing blocks a download.
    originals = read.originals if read is not None else None

    with counted("images fingerprinted", len(items), "image(s)") as count:

        def one(item: dict[str, Any]) -> dict[str, Any] | None:
            known_bytes = item.pop("known_bytes", None)
            try:
                return fingerprint_one(fetcher, item, known_bytes, already_read, originals, pictures)
            finally:
                count.advance()

        # Downloads wait on the network, reading works every core (the engines release the GIL).
        with ThreadPoolExecutor(max_workers=max(4, usable_cores())) as pool:
            return [done for done in pool.map(one, items) if done is not None]


@task(name="catalogue-library-folder", cache_policy=NO_CACHE)
@run_log.withheld_from_prefect
def catalogue_library_folder_task(
    registers_dir: Path, once: ReadOnce, state: WarehouseState, ahead: Future[LibraryRead] | None = None
) -> LibraryRead:
    """The approved library folder's images never read before, catalogued as the run starts (those never hashed
    before fingerprinted), while the registers load and the platforms are read: a published copy of one is known
    from the first image downloaded, and that file is read then; a file nothing published copies is never read.
    A first run's was begun `ahead`, before the flow (flows/library_ahead.py)."""
    if ahead is not None:
        return ahead.result()
    directory = registers_dir / APPROVED_MEDIA_DIR
    return catalogue_library_folder(directory, once.read_before, once.originals, state.approved_hashes)


@task(name="fingerprint-library-folder", cache_policy=NO_CACHE)
@run_log.withheld_from_prefect
def fingerprint_library_folder_task(registers_dir: Path, state: WarehouseState) -> LibraryRead:
    """A run that reads no image: the approved library folder's files never hashed before, fingerprinted as the run
    starts, while the registers load and the platforms are read (settling then hashes none itself)."""
    hashed = state.approved_hashes
    return LibraryRead(
        fingerprint_library_folder(registers_dir / APPROVED_MEDIA_DIR, hashed.__contains__), []
    )


@task(name="approved-library-readings", cache_policy=NO_CACHE)
@run_log.withheld_from_prefect
def approved_library_readings(
    registers: Registers, registers_dir: Path, once: ReadOnce, folder: LibraryRead
) -> LibraryRead:
    """Once the published images are examined: the readings to store of the approved files read this run (each
    because a published image copies it), once ever by sha256, among the files of the version just exported (a
    version held back has its files' readings kept from when it was exported)."""
    paths = library_to_read(registers.approved_media, registers.files, registers_dir, once.already_read)
    return LibraryRead(folder.fingerprints, approved_readings(paths, once.originals))


@task(name="examine-waiting-media", cache_policy=NO_CACHE)
@run_log.withheld_from_prefect
def examine_waiting_media(
    media: list[dict[str, Any]], once: ReadOnce, pictures: PublishedPictures
) -> list[dict[str, Any]]:
    """The published images that waited for the approved library (downloaded before it was catalogued, or copies of
    files not read yet), examined once it is catalogued: a copy takes its file's reading once that file is read
    (checks/images/copies.py), any other image is read at once."""
    waiting = sum(1 for item in media if WAITING in item)
    if not waiting:
        return media
    progress.info("reading %d image(s) that waited for the approved library", waiting)
    with counted("images read", waiting, "image(s)") as count:
        return examine_waiting(media, once.already_read, once.originals, count.advance, pictures)


@task(name="validate-raw-data", cache_policy=NO_CACHE)
@run_log.withheld_from_prefect
def validate_raw(snapshots: list[Snapshot], state: WarehouseState) -> list[SuiteResult]:
    return validate_platform_data(streams.validation_streams(snapshots), state.raw_validations)


@task(name="store-and-evaluate", cache_policy=NO_CACHE)
@run_log.withheld_from_prefect
def store_and_evaluate(
    db_path: Path,
    week: WeekToStore,
    settings: AuditSettings,
    registers: Registers,
    library_dir: Path,
    published: PublishedPictures,
) -> dict[str, Any]:
    """Everything the run writes, in one transaction: it all lands, or the warehouse is left as it was. The
    read-only copy is published before the lock is let go, so no review can slip in between."""
    pictures = PictureSource(published, library_dir)
    checks = lambda con: run_checks(con, settings, registers, week.as_of, pictures)  # noqa: E731
    publish_copy = publish_snapshot_from
    # A lake's old snapshots are dropped once the outputs are written (publish-outputs), from the week kept in memory.
    after_commit = lambda con: publish_copy(con, db_path, drop_old_snapshots=False)  # noqa: E731
    return store_week(db_path, week, checks, after_commit=after_commit)


@task(name="publish-outputs", cache_policy=NO_CACHE)
@run_log.withheld_from_prefect
def publish_outputs(db_path: Path, out_dir: Path, as_of: date, config: SchoolConfig) -> dict[str, Any]:
    """The outputs, written from the read-only copy just published (the warehouse stays free for reviews)."""
    school_name, email = config.name, config.report.email
    try:
        with publishing_lock([out_dir]):  # the copy opened inside it: an erasure never lands between the two
            con = open_snapshot(db_path, own_writes=True)
            try:
                week = publish_week(
                    con,
                    out_dir,
                    as_of,
                    school_name,
                    config.retention.output_weeks,
                    config.review_app.public_url,
                )
            finally:
                con.close()
    finally:
        drop_old_snapshots_of(db_path)  # a lake's, left by store-and-evaluate for after the outputs
    secret = read_secret(db_path)
    attach_week_artifacts(as_of, week, secret)
    outputs = week.outputs
    published: dict[str, Any] = {
        "report": str(outputs.paths["report.html"]),
        "exceptions": len(outputs.exceptions),
        "resolved": len(outputs.resolved),
    }
    if email is not None:
        logger = get_run_logger()
        published["emailed"] = email_summary(email, as_of, school_name, outputs, logger, week.not_read)
    return published


@flow(name="weekly-audit")
@keeps_returned
@run_log.withheld_from_prefect
def weekly_audit(
    school_toml: str,
    db_path: str | None = None,
    out_dir: str = str(DEFAULT_OUT),
    as_of: str | None = None,
    sandbox: bool = False,
) -> dict[str, Any]:
    """Audit every approved account in `school_toml` for the week ending `as_of` (default: today).

    `db_path` None: the warehouse as every command names it ($SOCIALAUDIT_DB, else [warehouse] path, else
    data/socialaudit.duckdb: flows/warehouse_location.py); a `sandbox` trial's own under data/trial/ instead."""
    logger = get_run_logger()
    run_log.quiet_secret_bearing_loggers()  # again: Prefect may have reconfigured logging since import
    started_at = datetime.now(UTC)
    os.umask(0o077)  # every file the run writes (warehouse, WAL, copies, outputs) is the owner's only
    config = load_config(Path(school_toml))
    if sandbox:
        trial_db, trial_out = trial_location(db_path, out_dir, config)
        db_path, out_dir = str(trial_db), str(trial_out)
    else:
        db_path = str(warehouse_location(db_path, config))
    with encryption_key(credentials.warehouse_key(config)):
        # A returned State (Partial, NotPublished) becomes the flow run's final state; a caller gets its data,
        # the run's dict, as from a plain return.
        return cast(
            dict[str, Any], _audit(config, as_of, db_path, out_dir, sandbox, started_at, logger, school_toml)
        )


def _audit(
    config: SchoolConfig,
    as_of: str | None,
    db_path: str,
    out_dir: str,
    sandbox: bool,
    started_at: datetime,
    logger: Any,
    school_toml: str,
) -> dict[str, Any] | State:
    # "Today" is the school's today: a Monday 06:00 London run must not audit Sunday's date.
    week = date.fromisoformat(as_of) if as_of else datetime.now(ZoneInfo(config.timezone)).date()
    db, out = Path(db_path), Path(out_dir)
    run_id = uuid.uuid4().hex
    progress.info("%s, week of %s: checking the warehouse and the output folder", config.name, week)
    # The OCR workers load while the destinations are checked and the library is hashed, not before them (a first
    # run's ~0.15 s); they are waited for before anything is fetched.
    reader = image_reader_getting_ready() if config.images.read else None
    check_destinations(db, out)
    state = read_warehouse_state(db)
    if state.unfinished_erasures:
        finish_erasures_left_unfinished(db)
    # The registers are read and validated while the platforms are fetched: neither waits for the other.
    registers_future = load_registers_task.submit(config, week)
    # One record of what is read this run: the same bytes published twice, or published and in the library, are
    # read once. The library folder is hashed (and, images read, catalogued) at once, while the registers load and
    # the platforms are fetched; a library file is read only when a published copy of it is met.
    once, ahead = library_ahead.read_once(config.registers_dir, state, config.images.read)
    # The week's downloaded images, from which the report's thumbnails are made for its media findings only.
    pictures = PublishedPictures()
    if once is None:
        library = fingerprint_library_folder_task.submit(config.registers_dir, as_is(state))
    else:
        library = catalogue_library_folder_task.submit(
            config.registers_dir, as_is(once), as_is(state), as_is(ahead)
        )
    policy = retry_policy(config)
    if reader is not None:
        wait_for_image_reader(reader)
    progress.info("reading %d account(s) and the registers", len(config.accounts))
    with endpoints(config.root if sandbox else None) as reach:
        futures = [
            plug.read_account.submit(account, reach, policy, as_is(state), config)
            for plug in PLUGS.values()
            for account in config.accounts_on(plug.name)
        ]
        with counted("accounts read", len(futures), "account(s)") as count:
            reads = []
            for future in futures:
                reads.append(future.result())
                count.advance()
        snapshots = [snap for read in reads for snap in read.snapshots]
        if not snapshots:
            raise AuditFailed(
                "nothing could be read, nothing was stored: "
                + "; ".join(f.reason for read in reads for f in read.failures[:1])
            )
        lookup_snapshots = [snap for read in reads for snap in read.side_reads]
        wanted = not_yet_fingerprinted(streams.media_references(snapshots), state, config.images.read)
        progress.info("fingerprinting %d new image(s)", len(wanted))
        media = fingerprint_published_media(
            wanted, reach, policy, config.api.media_max_bytes, once, as_is(pictures)
        )
    progress.info("checking the registers and what was read")
    try:
        # The images kept aside are read while the registers load and the data is validated (each copy of a
        # library file waits for that file's reading only), not after all of them.
        examined = (
            examine_waiting_media.submit(as_is(media), as_is(once), as_is(pictures))
            if once is not None
            else None
        )
        registers, register_results = registers_future.result()
        raw_results = validate_raw(as_is(snapshots), as_is(state))
        read_with_library = library.result()
        if examined is not None:
            media = examined.result()
    finally:
        if once is not None:
            once.originals.abandon()  # however the images' reading ended, no image waits for the library any longer
    if once is not None:
        read_with_library = approved_library_readings(
            as_is(registers), config.registers_dir, as_is(once), as_is(read_with_library)
        )
    registers, holds, approved_media, approved_hashes = settle_registers(
        as_is(registers), as_is(state), config, week, as_is(read_with_library.fingerprints)
    )
    readings = [m.pop("reading") for m in media if "reading" in m] + read_with_library.readings
    set_aside_refused(reads, raw_results)  # refused data is not stored: that stream counts as not read
    snapshots = [snap for read in reads for snap in read.snapshots] + lookup_snapshots
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
        readings=readings,
        validations=[r.to_dict() for r in register_results + raw_results],
        rules=cited_rules(RULES, config.policy),
        retention=config.retention,
        holds=holds,
        notices=settling.register_notices(registers, holds),
        streams=stream_statuses(reads, media, config),
        unread_media=[m["media_ref"] for m in media if m.get("unread")],
        subscriber_unseen_weeks=config.rules.subscriber_unseen_weeks,
        out_dir=out,
        max_accept_days=config.reviews.max_accept_days,
    )
    # `publish` needs school.toml to find the warehouse key when school.toml names it.
    keyed = config.warehouse.encryption_key_env or config.warehouse.encryption_key_secret
    done = {
        "as_of": week.isoformat(),
        "run_id": run_id,
        "db": str(db),
        "out": str(out),
        "config": keyed and school_toml,
    }
    progress.info("storing the week and running the rules")
    try:
        summary = store_and_evaluate(
            db,
            as_is(to_store),
            audit_settings(config),
            as_is(registers),
            config.registers_dir / APPROVED_MEDIA_DIR,
            as_is(pictures),
        )
    except StoredButNotPublished as failure:
        return _not_published({**failure.summary, **done}, failure)
    progress.info("publishing the report")
    try:
        published = publish_outputs(db, out, week, as_is(config))
    except Exception as failure:
        return _not_published({**summary, **done}, failure)
    logger.info("audit of %s for %s: %s", config.name, week, published)
    result = {**summary, **published, **done}
    gaps = incomplete(to_store.streams)
    if gaps:
        # Completed, not Failed: the week is stored and its outputs written (a Failed run invites a retry that
        # re-fetches everything); named Partial so the UI, and automations on `prefect.flow-run.Partial`, see it.
        message = PARTIAL_MESSAGE + "; ".join(describe(g) for g in gaps)
        logger.warning(message)
        # A school kept in itself tells the trust-wide server only that streams were not read (run.log has which).
        stored = run_log.kind_only_when_kept(message, kind=PARTIAL_MESSAGE + "some streams")
        return Completed(name="Partial", message=stored[:2000], data=result)
    return result


def _not_published(result: dict[str, Any], failure: BaseException) -> State:
    """The week is stored; its outputs are not: a failed run that says so, and how to finish it."""
    config = Path(result["config"]) if result.get("config") else None
    db, out, cause = Path(result["db"]), Path(result["out"]), io_cause(failure)
    message = not_published_message(db, out, result["as_of"], cause, config)
    get_run_logger().error(message)
    stored = run_log.kind_only_when_kept(message, kind="stored; outputs not published")
    return Failed(name="NotPublished", message=stored, data={**result, "not_published": message})
