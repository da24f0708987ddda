"""Checking a draft before posting, wired: the school's registers and approved library as school.toml names them,
the approvals of drafts checked before (from the warehouse), the check (checks/post_check.py), and the check
recorded in the warehouse with its access-log entry. Shared by `socialaudit check-post` and the review app."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from checks.media_hash import fingerprint_library
from checks.post_check import PostCheck, UploadedImage, check_draft, read_images
from checks.registers.contract import APPROVED_MEDIA_DIR
from checks.registers.loading import load_registers
from flows.config.school import SchoolConfig
from flows.run_settings import audit_settings
from warehouse import post_checks
from warehouse.db import connect_waiting, migrate, transaction
from warehouse.draft_stage import Draft, Library
from warehouse.load import cached_approved_hashes
from warehouse.people import entry_actor
from warehouse.privacy import access_log

_READER = ThreadPoolExecutor(max_workers=4, thread_name_prefix="socialaudit-draft-images")


@dataclass(frozen=True)
class CheckedDraft:
    check: PostCheck
    check_id: str | None  # None when no warehouse recorded it


def school_today(config: SchoolConfig) -> date:
    return datetime.now(ZoneInfo(config.timezone)).date()


def check_and_record(
    config: SchoolConfig,
    db_path: Path | None,
    *,
    platform: str,
    text: str,
    images: Sequence[UploadedImage],
    pupils_pictured: Sequence[str] = (),
    entry: access_log.AccessEntry,
    keep_images: bool = False,
) -> CheckedDraft:
    """Check the draft against today's registers, and record the check (and `entry`, its access-log line) in the
    warehouse at `db_path` when there is one (`warehouse.post_checks.publish_copy` then shows it to the review app and `sql`). `keep_images`: the images are kept for an approver to see (the review
    app), until retention removes them."""
    # The images are read (C++ engines, on every core) while the registers, library and warehouse are read here.
    reading = _READER.submit(read_images, images, config.api.media_max_bytes, config.images.read)
    registers = load_registers(config.registers_dir, config.registers.columns)
    unknown = sorted(set(pupils_pictured) - set(registers.pupils["pupil_id"].to_list()))
    if unknown:
        raise ValueError(f"not in pupils.csv: {', '.join(unknown)}")
    writer = connect_waiting(db_path, 120.0) if db_path is not None else None
    try:
        cached: dict[str, dict[str, Any]] = {}
        approvals: list[dict[str, Any]] = []
        approval_images: list[dict[str, Any]] = []
        if writer is not None:
            migrate(writer)
            cached = cached_approved_hashes(writer)
            approvals, approval_images = post_checks.approvals_held(writer)
        approved_media, fresh = fingerprint_library(
            registers.approved_media,
            registers.files,
            config.registers_dir / APPROVED_MEDIA_DIR,
            cached,
            APPROVED_MEDIA_DIR,
            {},
        )
        library = Library(
            {**registers.frames(), "approved_media": approved_media},
            registers.files,
            {**cached, **fresh},
            approvals,
            approval_images,
        )
        read = reading.result()
        draft = Draft(platform, text, read, tuple(pupils_pictured))
        checked = check_draft(
            library, draft, [image.name for image in images], audit_settings(config), school_today(config)
        )
        if writer is None or db_path is None:
            return CheckedDraft(checked, None)
        with transaction(writer):
            check_id = post_checks.record_check(
                writer,
                checked_by=entry.accountable,
                checked_identity=entry_actor(entry).identity,
                via="app" if entry.via == "review-app" else "cli",
                platform=platform,
                text=text,
                pupils_pictured=pupils_pictured,
                verdict=checked.verdict,
                findings=[f.as_dict() for f in checked.findings],
                images=[
                    post_checks.CheckedImage(
                        image.fingerprint["sha256"],
                        image.fingerprint["phash"],
                        image.fingerprint["dhash"],
                        len(image.reading["faces"]) if image.reading and not image.reading["error"] else None,
                        uploaded.data if keep_images else None,
                    )
                    for image, uploaded in zip(read, images, strict=True)
                ],
            )
            access_log.keep(
                writer,
                db_path,
                [about(entry, check_id, f"{checked.verdict}: {len(checked.findings)} finding(s)")],
            )
        return CheckedDraft(checked, check_id)
    finally:
        if writer is not None:
            writer.close()


def about(entry: access_log.AccessEntry, check_id: str, detail: str) -> access_log.AccessEntry:
    return access_log.AccessEntry(
        identity=entry.identity,
        via=entry.via,
        origin=entry.origin,
        action=entry.action,
        object=check_id,
        detail=detail,
        os_user=entry.os_user,
    )
